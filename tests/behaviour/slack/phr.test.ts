import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startHarness } from '../../helpers/bot-harness.js';
import {
  appMentionEnvelope,
  messageEnvelope,
  nextTs,
  slashCommandFields,
} from '../../helpers/slack-requests.js';

const TEMPLATE_KEYS = [
  'id',
  'title',
  'stage',
  'date',
  'surface',
  'model',
  'feature',
  'branch',
  'user',
  'command',
  'labels',
  'links',
  'files',
  'tests',
];

type H = Awaited<ReturnType<typeof startHarness>>;

/** The context line with the PHR link that follows an answer in the thread. */
async function phrLine(h: H, thread: string, index = 0) {
  const line = await h.slack.waitFor(
    () => h.slack.messages('C0001', thread).filter((m) => m.text.startsWith('PHR-'))[index],
    { what: 'PHR line in the thread' },
  );
  const block = JSON.stringify(line.blocks);
  const url = /<(http[^|>]+)\|/.exec(block)?.[1]?.replaceAll('\\u0026', '&');
  if (!url) throw new Error(`no link in ${block}`);
  return { line, url };
}

function phrFiles(h: H, route = 'general'): string[] {
  try {
    return readdirSync(join(h.env.DATA_DIR as string, 'history', 'prompts', route)).sort();
  } catch {
    return [];
  }
}

describe('Prompt History Records', () => {
  it('records a mention, links it in the thread, and serves the record at the signed link', async () => {
    const h = await startHarness();
    h.slack.users.set('U0001', { name: 'ada', real_name: 'Ada Lovelace' });
    h.anthropic.enqueue({ kind: 'text', text: 'Use keyset pagination with an opaque cursor.' });
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> How do I add efficient pagination to /items?', ts }));

    const { line, url } = await phrLine(h, ts);
    expect(line.text).toMatch(/^PHR-0001 \(general\)/);
    // The link comes after the answer, in the same thread.
    const thread = h.slack.messages('C0001', ts);
    expect(thread.findIndex((m) => m.text.startsWith('Use keyset'))).toBeLessThan(
      thread.findIndex((m) => m.ts === line.ts),
    );
    expect(url.startsWith(`http://localhost:0/records/phr/`)).toBe(true);

    const page = await fetch(url.replace('http://localhost:0', h.url));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('How do I add efficient pagination to /items?');
    expect(html).toContain('Use keyset pagination with an opaque cursor.');
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");

    const raw = await fetch(url.replace('http://localhost:0', h.url).replace('?sig=', '.md?sig='));
    expect(raw.status).toBe(200);
    const download = await raw.text();

    const [file] = phrFiles(h);
    expect(file).toMatch(/^0001-[a-z0-9-]+\.general\.prompt\.md$/);
    const text = readFileSync(
      join(h.env.DATA_DIR as string, 'history', 'prompts', 'general', file as string),
      'utf8',
    );
    expect(download).toBe(text);
    const parsed = matter(text, {});
    expect(Object.keys(parsed.data).slice(0, TEMPLATE_KEYS.length)).toEqual(TEMPLATE_KEYS);
    const yamlText = text.split('\n---\n')[0]?.replace(/^---\n/, '') ?? '';
    const front = parseYaml(yamlText) as Record<string, unknown>;
    expect(Object.keys(front).slice(0, TEMPLATE_KEYS.length)).toEqual(TEMPLATE_KEYS);
    expect(front.id).toBe(file?.slice(0, 4));
    expect(yamlText).toMatch(/^command: "@mention"$/m);
    expect(front).toMatchObject({
      stage: 'general',
      surface: 'slack',
      model: 'claude-sonnet-5-5',
      command: '@mention',
      links: { spec: null, ticket: null, adr: null, pr: null },
    });
    expect(String(front.title).split(/\s+/).length).toBeGreaterThanOrEqual(3);
    expect(String(front.title).split(/\s+/).length).toBeLessThanOrEqual(7);
    expect(front.date).toBe(new Date().toISOString().slice(0, 10));
    expect(front.slack).toMatchObject({ team: 'T0001', channel: 'C0001', thread_ts: ts });
    expect(String((front.slack as { permalink: string }).permalink)).toContain('/archives/C0001/');
    expect(front.usage).toMatchObject({
      input_tokens: expect.any(Number),
      output_tokens: expect.any(Number),
    });
    expect(text).toContain('How do I add efficient pagination to /items?');
    // Owner-only: records hold company conversations.
    const folder = join(h.env.DATA_DIR as string, 'history', 'prompts', 'general');
    expect(statSync(join(folder, file as string)).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(h.env.DATABASE_PATH as string).mode & 0o777).toBe(0o600);
  });

  it.each([
    [
      'a tampered signature',
      (u: string) => u.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`),
    ],
    ['a truncated signature', (u: string) => u.slice(0, -5)],
    ['no signature', (u: string) => u.replace(/\?sig=.*$/, '')],
    [
      'an unknown id with a real signature',
      (u: string) => u.replace(/\/phr\/[^?]+/, '/phr/AAAAAAAAAAAAAAAAAAAAAA'),
    ],
    ['another kind', (u: string) => u.replace('/records/phr/', '/records/adr/')],
  ])('answers %s with the same bare 404', async (_name, mangle) => {
    const h = await startHarness();
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> secret plans?', ts }));
    const { url } = await phrLine(h, ts);
    const good = url.replace('http://localhost:0', h.url);
    const bad = await fetch(mangle(good));
    expect(bad.status).toBe(404);
    const body = await bad.text();
    expect(body).not.toContain('secret plans');
    const unknown = await fetch(`${h.url}/records/phr/nope?sig=nope`);
    expect(await unknown.text()).toBe(body);
  });

  it('escapes thread text and model output on the page', async () => {
    const h = await startHarness();
    h.anthropic.enqueue({ kind: 'text', text: 'Never do <img src=x onerror=alert(1)> in templates.' });
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> is <script>alert(1)</script> safe?', ts }));
    const { url } = await phrLine(h, ts);
    const html = await (await fetch(url.replace('http://localhost:0', h.url))).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('gives ten answers finishing together ten distinct numbers and files', async () => {
    const h = await startHarness({ env: { MAX_CONCURRENT_ANSWERS: '10' } });
    const threads = Array.from({ length: 10 }, () => nextTs());
    await Promise.all(
      threads.map((ts, i) => h.event(appMentionEnvelope({ text: `<@UBOT> question ${i}`, ts }))),
    );
    const lines = await Promise.all(threads.map((ts) => phrLine(h, ts)));
    const labels = lines.map(({ line }) => line.text.slice(0, 'PHR-0000'.length));
    expect(new Set(labels).size).toBe(10);
    const files = phrFiles(h);
    expect(files).toHaveLength(10);
    expect(files.map((f) => f.slice(0, 4))).toEqual(
      Array.from({ length: 10 }, (_, i) => String(i + 1).padStart(4, '0')),
    );
  });

  it('takes the next number when a file with that number already exists, never overwriting it', async () => {
    const h = await startHarness();
    const folder = join(h.env.DATA_DIR as string, 'history', 'prompts', 'general');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '0041-written-by-hand.general.prompt.md'), 'kept');
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> numbering?', ts }));
    const { line } = await phrLine(h, ts);
    expect(line.text).toMatch(/^PHR-0042 \(general\)/);
    expect(readFileSync(join(folder, '0041-written-by-hand.general.prompt.md'), 'utf8')).toBe('kept');
  });

  it('keeps the answer when the PHR file cannot be written, and logs why', async () => {
    const h = await startHarness();
    // A file where the history folder should be: every write under it fails (root ignores chmod).
    mkdirSync(h.env.DATA_DIR as string, { recursive: true });
    writeFileSync(join(h.env.DATA_DIR as string, 'history'), 'not a folder');
    h.anthropic.enqueue({ kind: 'text', text: 'The answer stands.' });
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> will the record fail?', ts }));
    await h.slack.waitFor(() => h.logs.find((l) => l.msg === 'PHR file not written'), { what: 'log line' });
    await h.slack.waitFor(() => h.slack.messages('C0001', ts).some((m) => m.text === 'The answer stands.'));
    // Not lost: the record is in the database and its page works.
    const { url } = await phrLine(h, ts);
    expect((await fetch(url.replace('http://localhost:0', h.url))).status).toBe(200);
  });

  it('files Q&A of a channel bound to a feature under that feature', async () => {
    const h = await startHarness({ env: { FEATURE_CHANNELS: 'C0001=001-auth:plan' } });
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> JWT or sessions?', ts }));
    const { line } = await phrLine(h, ts);
    expect(line.text).toMatch(/^PHR-0001 \(001-auth\)/);
    expect(phrFiles(h, '001-auth')[0]).toMatch(/^0001-.*\.plan\.prompt\.md$/);
  });

  it('records follow-ups, DMs and /fastapi with their command, and lists them with /fastapi history', async () => {
    const h = await startHarness();
    const root = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> first', ts: root }));
    await phrLine(h, root, 0);
    await h.event(messageEnvelope({ text: 'follow-up', ts: nextTs(), thread_ts: root }));
    await phrLine(h, root, 1);
    await h.command(
      slashCommandFields({ text: 'a command question', response_url: h.slack.responseUrl('c') }),
    );
    await h.slack.waitFor(() => phrFiles(h).length === 3);
    const commands = phrFiles(h).map((f) => {
      const text = readFileSync(join(h.env.DATA_DIR as string, 'history', 'prompts', 'general', f), 'utf8');
      return /^command: (.*)$/m.exec(text)?.[1];
    });
    expect(commands).toEqual(['"@mention"', 'thread reply', '"/fastapi"']);

    const res = await h.command(
      slashCommandFields({ text: 'history', response_url: h.slack.responseUrl('h') }),
    );
    const body = JSON.parse(res.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text.match(/PHR-000\d \(general\)/g)).toEqual([
      'PHR-0003 (general)',
      'PHR-0002 (general)',
      'PHR-0001 (general)',
    ]);
    expect(body.text).toContain('/records/phr/');
  });
});
