import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import { appMentionEnvelope, messageEnvelope, nextTs } from '../../helpers/slack-requests.js';

describe('RETENTION_DAYS', () => {
  it('deletes turns and PHRs (rows, files and pages) older than the limit', async () => {
    const tenDaysAgo = () => new Date(Date.now() - 10 * 24 * 60 * 60 * 1000);
    const h = await startHarness({ now: tenDaysAgo });
    h.anthropic.enqueue({ kind: 'text', text: 'An old answer.' });
    const root = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> an old question', ts: root }));
    const line = await h.slack.waitFor(() =>
      h.slack.messages('C0001', root).find((m) => m.text.startsWith('PHR-')),
    );
    const url =
      /<(http[^|>]+)\|/.exec(JSON.stringify(line.blocks))?.[1]?.replace('http://localhost:0', '') ?? '';
    const folder = join(h.env.DATA_DIR as string, 'history', 'prompts', 'general');
    expect(readdirSync(folder)).toHaveLength(1);

    await h.restart({ RETENTION_DAYS: '5' }, () => new Date());
    expect(readdirSync(folder)).toHaveLength(0);
    expect((await fetch(`${h.url}${url.replaceAll('\\u0026', '&')}`)).status).toBe(404);
    expect(h.logs.some((l) => l.msg === 'retention applied' && l.phrs === 1)).toBe(true);

    // The thread's old turns are gone: a follow-up carries no earlier context.
    await h.event(messageEnvelope({ text: 'still there?', ts: nextTs(), thread_ts: root }));
    await h.anthropic.waitFor(() => h.anthropic.requests.length === 2);
    expect(JSON.stringify(h.anthropic.requests[1]?.body.messages)).not.toContain('an old question');
  });

  it('keeps everything when it is unset', async () => {
    const h = await startHarness({ now: () => new Date(Date.now() - 400 * 24 * 60 * 60 * 1000) });
    const root = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> ancient', ts: root }));
    await h.slack.waitFor(() => h.slack.messages('C0001', root).find((m) => m.text.startsWith('PHR-')));
    await h.restart({}, () => new Date());
    expect(existsSync(join(h.env.DATA_DIR as string, 'history', 'prompts', 'general'))).toBe(true);
    expect(readdirSync(join(h.env.DATA_DIR as string, 'history', 'prompts', 'general'))).toHaveLength(1);
  });
});

describe('DAILY_TOKEN_BUDGET', () => {
  it('stops asking Claude for a workspace that used its tokens today, and says why', async () => {
    const h = await startHarness({ env: { DAILY_TOKEN_BUDGET: '100' } });
    h.anthropic.enqueue({
      kind: 'text',
      text: 'Expensive answer.',
      usage: { input_tokens: 80, output_tokens: 30 },
    });
    const first = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> first', ts: first }));
    await h.slack.waitFor(() => h.slack.messages('C0001', first).find((m) => m.text.startsWith('PHR-')));

    const second = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> second', ts: second }));
    const told = await h.slack.waitFor(() =>
      h.slack.messages('C0001', second).find((m) => m.text.startsWith(':warning:')),
    );
    expect(told.text).toContain("used today's Claude budget");
    expect(h.anthropic.requests).toHaveLength(1);
  });
});
