import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../helpers/bot-harness.js';
import { docsEntries } from '../../helpers/docs-archive.js';
import { lastUserText } from '../../helpers/fake-anthropic.js';
import { appMentionEnvelope, nextTs, slashCommandFields } from '../../helpers/slack-requests.js';
import { tarGz } from '../../helpers/tar.js';
import { tempDir } from '../../helpers/temp.js';

const LIFESPAN = 'https://fastapi.tiangolo.com/advanced/events/#lifespan-events';

/** A bot whose docs come from a small FastAPI source archive, synced in the background at start. */
async function groundedBot(): Promise<Harness> {
  const archive = join(tempDir(), 'fastapi-9.9.9.tar.gz');
  writeFileSync(archive, tarGz(docsEntries()));
  const h = await startHarness({ env: { FASTAPI_DOCS_SOURCE: archive } });
  await h.waitForLog('docs sync finished');
  return h;
}

function botText(h: Harness, thread: string): string {
  return h.slack
    .messages('C0001', thread)
    .filter((m) => m.user === 'UBOT')
    .map((m) => m.text)
    .join('\n');
}

describe('answers grounded in the FastAPI docs', () => {
  it('searches the docs, shows the step, cites the page under the answer and in the PHR', async () => {
    const h = await groundedBot();
    h.anthropic.enqueue(
      { kind: 'text', text: '', toolUse: { name: 'search_fastapi_docs', input: { query: 'startup code' } } },
      {
        kind: 'text',
        text: 'Put startup code in a lifespan function.',
        citations: [{ source: LIFESPAN, title: 'Lifespan Events', cited_text: 'Define logic that runs' }],
      },
    );
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> where do I put startup code?', ts }));
    await h.slack.waitFor(() => h.slack.messages('C0001', ts).some((m) => m.text.startsWith('PHR-')));

    const [first, second] = h.anthropic.requests.map((r) => r.body);
    expect(first?.tools).toEqual([expect.objectContaining({ name: 'search_fastapi_docs' })]);
    expect(JSON.stringify(first?.system)).toContain('release 9.9.9');
    // The search ran on the real index; its results went back as citable search results.
    const results = JSON.stringify(((second?.messages ?? []) as unknown[]).at(-1));
    expect(results).toContain('"type":"search_result"');
    expect(results).toContain('"source":"https://fastapi.tiangolo.com/advanced/events/#');
    expect(results).toContain('"title":"Lifespan Events > ');
    expect(lastUserText(first ?? {})).toContain('where do I put startup code?');

    const answer = botText(h, ts);
    // The search shows as a task of the stream's timeline (tests/behaviour/slack/assistant.test.ts).
    expect(JSON.stringify(h.slack.calls.map((c) => c.args.chunks))).toContain(
      'Searching the FastAPI docs for “startup code”',
    );
    expect(answer).toContain('Put startup code in a lifespan function.');
    expect(answer).toContain(`**Sources:** [Lifespan Events](${LIFESPAN})`);

    const prompts = join(h.env.DATA_DIR as string, 'history', 'prompts', 'general');
    const [file] = readdirSync(prompts);
    const phr = readFileSync(join(prompts, file as string), 'utf8');
    expect(phr).toContain(`## Sources\n\n- [Lifespan Events](<${LIFESPAN}>)`);
  });

  it('tells what release is indexed, and /readyz says the docs are ready', async () => {
    const h = await groundedBot();
    const res = await h.command(slashCommandFields({ text: 'docs', response_url: h.slack.responseUrl('d') }));
    expect(JSON.parse(res.body).text).toMatch(
      /^\*FastAPI docs:\* release 9\.9\.9, \d+ pages in \d+ sections, synced /,
    );
    const ready = await fetch(`${h.url}/readyz`);
    expect(await ready.json()).toMatchObject({ ok: true, details: { docs: 'ready' } });
  });

  it('answers without docs, and says so, when there is no index', async () => {
    const h = await startHarness();
    await h.waitForLog('docs sync failed');
    const res = await h.command(slashCommandFields({ text: 'docs', response_url: h.slack.responseUrl('d') }));
    expect(JSON.parse(res.body).text).toContain('I have no FastAPI docs index');
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> hello?', ts }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    expect(h.anthropic.requests[0]?.body.tools).toBeUndefined();
    expect(botText(h, ts)).not.toContain('Sources');
  });
});
