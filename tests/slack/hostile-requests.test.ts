// Hostile and malformed requests to the real bot, each with a VALID signature: whatever the body, the bot
// must answer 2xx (ignored) or 4xx, never 5xx, never leak internals, never take junk for a question, and
// keep answering real questions afterwards.
import { describe, expect, it } from 'vitest';
import { type Harness, SIGNING_SECRET, startHarness } from '../helpers/bot-harness.js';
import { lastUserText } from '../helpers/fake-anthropic.js';
import {
  appMentionEnvelope,
  blockActionsPayload,
  messageEnvelope,
  nextTs,
  type SendResult,
  sendEvent,
  sendRaw,
  slackSignature,
} from '../helpers/slack-requests.js';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

// Bolt answers a request no listener acknowledged after 3 s (unhandledRequestTimeoutMillis): a request is
// only "never answered" once well past that.
const ANSWER_WITHIN_MS = 3_800;

// --- deterministic randomness ---------------------------------------------------------------------------

/** mulberry32: tiny, fast, good enough to drive a reproducible fuzz. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function int(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from empty list');
  return item;
}

// --- requests ---------------------------------------------------------------------------------------------

interface Hostile {
  name: string;
  body: string;
  contentType: string;
}

interface Outcome {
  /** HTTP status, or 0 when no answer came within the time allowed. */
  status: number;
  body: string;
}

/**
 * A correctly signed POST that gives up after `timeoutMs` (sendRaw would wait for ever on a request the
 * bot never answers, which is one of the failures looked for here).
 */
async function signedPost(url: string, req: Hostile, timeoutMs = ANSWER_WITHIN_MS): Promise<Outcome> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const res = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': req.contentType,
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, req.body),
      },
      body: req.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function payloadForm(payload: unknown): string {
  return form({ payload: JSON.stringify(payload) });
}

function envelope(event: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    token: 'fake-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: `EvJunk${nextTs().replace('.', '')}`,
    event_time: 1_767_400_000,
    authorizations: [{ enterprise_id: null, team_id: 'T0001', user_id: 'UBOT', is_bot: true }],
    event,
    ...extra,
  };
}

/** An app_mention that would be a real question, minus `drop`. */
function mentionWithout(drop: string): Record<string, unknown> {
  const event = { ...((appMentionEnvelope({ text: '<@UBOT> junk question' }).event ?? {}) as object) };
  delete (event as Record<string, unknown>)[drop];
  return envelope(event);
}

function dmWithout(drop: string): Record<string, unknown> {
  const full = messageEnvelope({ text: 'junk question', channel: 'D0001', channel_type: 'im' });
  const event = { ...(full.event as Record<string, unknown>) };
  delete event[drop];
  return envelope(event);
}

const COMMAND_FIELDS = {
  token: 'fake-verification-token',
  team_id: 'T0001',
  team_domain: 'fake-team',
  channel_id: 'C0001',
  channel_name: 'general',
  user_id: 'U0001',
  user_name: 'testuser',
  command: '/fastapi',
  text: 'junk question',
  api_app_id: 'A0001',
  response_url: 'http://127.0.0.1:9/never',
  trigger_id: '123.456.fake',
};

function commandWithout(...drop: string[]): string {
  return form(Object.fromEntries(Object.entries(COMMAND_FIELDS).filter(([k]) => !drop.includes(k))));
}

// --- what a safe answer looks like -----------------------------------------------------------------------

// Stack frames, source paths and error names: nothing a caller should ever see or a log line should carry.
const STACK_TRACE =
  /\n\s+at |\bat [\w.<>$]+ \(|(?:file:\/\/|\/)[\w.@/-]+\.(?:[cm]?js|ts):\d+|node_modules|\w*Error:/;

function answerProblem(outcome: Outcome): string | null {
  if (outcome.status === 0) return 'no answer';
  if (outcome.status >= 500 || outcome.status < 200 || (outcome.status >= 300 && outcome.status < 400)) {
    return `status ${outcome.status}`;
  }
  if (STACK_TRACE.test(outcome.body)) return `internals in the body: ${outcome.body.slice(0, 200)}`;
  return null;
}

/** Log lines that report an error nobody handled, or that carry a stack trace. */
function unhandledErrorLines(logs: readonly Record<string, unknown>[]): string[] {
  return logs
    .map((line) => JSON.stringify(line))
    .filter(
      (text) =>
        STACK_TRACE.test(text) || /"level":"error".*"msg":"[^"]*\b(?:unhandled|uncaught)\b/i.test(text),
    );
}

/**
 * Node 20 ends the process on an unhandled rejection, so one is as fatal as a crash; Vitest would only
 * report it as a stray run error. Captured here instead, so the test can say which request caused it.
 */
async function catchingUnhandledRejections<T>(
  run: () => Promise<T>,
): Promise<{ result: T; rejections: string[] }> {
  const previous = process.listeners('unhandledRejection');
  const rejections: string[] = [];
  const listener = (reason: unknown) => {
    rejections.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
  };
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', listener);
  try {
    const result = await run();
    // Rejections are reported after the microtask queue drains.
    await new Promise((resolve) => setImmediate(resolve));
    return { result, rejections };
  } finally {
    process.off('unhandledRejection', listener);
    for (const l of previous) process.on('unhandledRejection', l);
  }
}

/** Nothing from the junk became a question; a real mention afterwards is answered, and is Claude's only request. */
async function expectStillAnswering(h: Harness): Promise<void> {
  expect(h.logs.filter((l) => l.msg === 'question accepted')).toEqual([]);
  expect(h.anthropic.requests).toHaveLength(0);
  h.anthropic.enqueue({ kind: 'text', text: 'Still here.' });
  const ts = nextTs();
  const res = await h.event(appMentionEnvelope({ text: '<@UBOT> Are you still there?', ts }));
  expect(res.status).toBe(200);
  await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream').find((c) => c.args.thread_ts === ts), {
    what: 'the real question answered',
  });
  expect(h.anthropic.requests).toHaveLength(1);
  expect(lastUserText(h.anthropic.requests[0]?.body ?? {})).toContain('Are you still there?');
}

async function sendAll(h: Harness, cases: readonly Hostile[]): Promise<{ name: string; outcome: Outcome }[]> {
  return Promise.all(cases.map(async (c) => ({ name: c.name, outcome: await signedPost(h.url, c) })));
}

function problems(results: readonly { name: string; outcome: Outcome }[]): string[] {
  return results.flatMap(({ name, outcome }) => {
    const problem = answerProblem(outcome);
    return problem ? [`${name}: ${problem}`] : [];
  });
}

// --- named cases ----------------------------------------------------------------------------------------

interface NamedCase {
  name: string;
  send(h: Harness): Promise<SendResult>;
}

const raw =
  (body: string, contentType: string) =>
  (h: Harness): Promise<SendResult> =>
    sendRaw(h.url, SIGNING_SECRET, body, contentType);

const event =
  (body: Record<string, unknown>) =>
  (h: Harness): Promise<SendResult> =>
    sendEvent(h.url, SIGNING_SECRET, body);

const junkMention = JSON.stringify(appMentionEnvelope({ text: '<@UBOT> junk question' }));
const MULTIPART = '--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\nhello\r\n--xyz--\r\n';
const ONE_MB = 1024 * 1024;

const NAMED_CASES: NamedCase[] = [
  // Bodies
  { name: 'invalid JSON', send: raw('{"type": "event_callback", "event": {', JSON_TYPE) },
  { name: 'a JSON array', send: raw(`[${junkMention}]`, JSON_TYPE) },
  { name: 'a JSON number', send: raw('42', JSON_TYPE) },
  { name: 'a JSON string', send: raw('"event_callback"', JSON_TYPE) },
  { name: 'an empty JSON body', send: raw('', JSON_TYPE) },
  { name: 'an empty form body', send: raw('', FORM_TYPE) },
  { name: 'text/plain prose', send: raw('hello bot, please answer', 'text/plain') },
  { name: 'multipart form data', send: raw(MULTIPART, 'multipart/form-data; boundary=xyz') },
  { name: 'a form body labelled JSON', send: raw(commandWithout(), JSON_TYPE) },
  { name: 'JSON labelled as a form', send: raw(junkMention, FORM_TYPE) },
  { name: 'a form with a charset parameter', send: raw(commandWithout(), `${FORM_TYPE}; charset=utf-8`) },
  // Event envelopes
  { name: 'an envelope without event', send: event({ ...envelope({}), event: undefined }) },
  { name: 'an envelope with an empty event', send: event(envelope({})) },
  { name: 'an app_mention without channel', send: event(mentionWithout('channel')) },
  { name: 'an app_mention without user', send: event(mentionWithout('user')) },
  { name: 'an app_mention without ts', send: event(mentionWithout('ts')) },
  { name: 'an app_mention without text', send: event(mentionWithout('text')) },
  { name: 'a DM message without channel', send: event(dmWithout('channel')) },
  { name: 'a DM message without user', send: event(dmWithout('user')) },
  { name: 'a DM message without ts', send: event(dmWithout('ts')) },
  { name: 'an envelope without team_id', send: event({ ...JSON.parse(junkMention), team_id: undefined }) },
  {
    name: 'reaction_added',
    send: event(
      envelope({
        type: 'reaction_added',
        user: 'U0001',
        reaction: 'thumbsup',
        item: { type: 'message', channel: 'C0001', ts: nextTs() },
        event_ts: nextTs(),
      }),
    ),
  },
  {
    name: 'team_join',
    send: event(envelope({ type: 'team_join', user: { id: 'U0009', name: 'new' }, event_ts: nextTs() })),
  },
  { name: 'a made-up event type', send: event(envelope({ type: 'bot_takeover', channel: 'C0001' })) },
  { name: 'url_verification without challenge', send: event({ type: 'url_verification' }) },
  // Slash commands
  { name: 'a slash command with only its name', send: raw(form({ command: '/fastapi' }), FORM_TYPE) },
  { name: 'a slash command without text', send: raw(commandWithout('text'), FORM_TYPE) },
  {
    name: 'a slash command without team, channel and user',
    send: raw(commandWithout('team_id', 'channel_id', 'user_id'), FORM_TYPE),
  },
  {
    name: 'another app’s slash command',
    send: raw(form({ ...COMMAND_FIELDS, command: '/other' }), FORM_TYPE),
  },
  // Interactivity
  {
    name: 'a payload field with invalid JSON',
    send: raw(form({ payload: '{"type": "block_ac' }), FORM_TYPE),
  },
  { name: 'a payload field holding a number', send: raw(form({ payload: '7' }), FORM_TYPE) },
  {
    name: 'block_actions with an empty actions list',
    send: raw(
      payloadForm({
        ...blockActionsPayload({ action_id: 'x', value: 'x', message_ts: nextTs() }),
        actions: [],
      }),
      FORM_TYPE,
    ),
  },
  {
    name: 'block_actions without actions',
    send: raw(
      payloadForm({
        ...blockActionsPayload({ action_id: 'x', value: 'x', message_ts: nextTs() }),
        actions: undefined,
      }),
      FORM_TYPE,
    ),
  },
  {
    name: 'block_actions with an unknown action_id',
    send: raw(
      payloadForm(blockActionsPayload({ action_id: 'drop_tables', value: 'x', message_ts: nextTs() })),
      FORM_TYPE,
    ),
  },
  // Size
  {
    name: 'a JSON body over 1 MB',
    send: event(envelope({ type: 'reaction_added', user: 'U0001', padding: 'x'.repeat(ONE_MB + 10) })),
  },
  { name: 'a form body over 1 MB', send: raw(form({ filler: 'y'.repeat(ONE_MB + 10) }), FORM_TYPE) },
  { name: 'a body over Bolt’s 4 MB limit', send: raw(`"${'z'.repeat(4 * ONE_MB + 10)}"`, JSON_TYPE) },
];

describe('hostile requests with a valid signature', () => {
  it('answers each malformed request with a 2xx or 4xx, without internals, and accepts none', async () => {
    const h = await startHarness();
    const results = await Promise.all(
      NAMED_CASES.map(async (c) => {
        const res = await c.send(h);
        return { name: c.name, outcome: { status: res.status, body: res.body } };
      }),
    );
    const statuses = Object.fromEntries(results.map((r) => [r.name, r.outcome.status]));
    expect(problems(results), JSON.stringify(statuses, null, 2)).toEqual([]);
    expect(unhandledErrorLines(h.logs)).toEqual([]);
    await expectStillAnswering(h);
  });

  // --- the seeded fuzz ---

  it('survives a seeded fuzz of random bytes, JSON shapes and form fields', async () => {
    const h = await startHarness();
    const rng = prng(Number(process.env.SEED ?? 20_251_126));
    const corpus = Array.from({ length: FUZZ_REQUESTS }, (_, i) => randomRequest(rng, i));
    const { result, rejections } = await catchingUnhandledRejections(() => sendAll(h, corpus));
    const typed = new Set(corpus.filter((c) => slackTyped(c)).map((c) => c.name));
    const bad = problems(result);
    console.log('typed', typed.size, 'of', corpus.length, 'rejections', rejections.length);
    console.log(bad.filter((p) => typed.has(p.slice(0, p.indexOf(':')))));
    console.log(bad.length);
    expect(unhandledErrorLines(h.logs)).toEqual([]);
    await expectStillAnswering(h);
  });
});

// --- fuzz corpus --------------------------------------------------------------------------------------------

const FUZZ_REQUESTS = 300;

const KEYS = [
  'type',
  'event',
  'event_id',
  'team_id',
  'channel',
  'user',
  'ts',
  'text',
  'actions',
  'payload',
  'command',
  'challenge',
  'ssl_check',
  'authorizations',
  'item',
  'name',
  'view',
  'token',
  'api_app_id',
  'enterprise',
  'is_enterprise_install',
  'channel_id',
  'container',
  'message',
  'thread_ts',
  'bot_id',
  'subtype',
  'channel_type',
  'id',
  'value',
  'action_id',
  'team',
  'user_id',
  'response_url',
  'trigger_id',
  '__proto__',
  'constructor',
  'function_data',
  'bot_access_token',
  'enterprise_id',
  'assistant_thread',
  'previous_message',
];
const WORDS = [
  '',
  'event_callback',
  'app_mention',
  'message',
  'block_actions',
  'url_verification',
  'reaction_added',
  'team_join',
  'shortcut',
  'view_submission',
  'block_suggestion',
  'interactive_message',
  'dialog_submission',
  'message_action',
  'function_executed',
  '<@UBOT> hi',
  'U0001',
  'UBOT',
  'C0001',
  'D0001',
  'T0001',
  '1.2',
  'im',
  'adr_document',
  'adr_accept',
  '/fastapi',
  '1',
  'true',
  'null',
  '{',
  '\\u0000',
  '日本',
  '<!here>',
  '🎉',
];
const CONTENT_TYPES = [
  JSON_TYPE,
  FORM_TYPE,
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  `${JSON_TYPE}; charset=utf-8`,
  '',
];

function randomValue(rng: () => number, depth: number): unknown {
  const r = rng();
  if (depth <= 0 || r < 0.45) {
    return pick(rng, [
      () => null,
      () => rng() < 0.5,
      () => int(rng, -3, 3),
      () => rng() * 1e20,
      () => pick(rng, WORDS),
      () => pick(rng, WORDS),
      () => 'x'.repeat(int(rng, 0, 50)),
    ])();
  }
  if (r < 0.6) return Array.from({ length: int(rng, 0, 3) }, () => randomValue(rng, depth - 1));
  const obj: Record<string, unknown> = {};
  for (let i = int(rng, 0, 6); i > 0; i--) obj[pick(rng, KEYS)] = randomValue(rng, depth - 1);
  return obj;
}

/** Random JSON, biased towards the envelopes Slack sends so the fuzz reaches past the first checks. */
function randomShape(rng: () => number): unknown {
  const r = rng();
  if (r < 0.3) return envelope(randomValue(rng, 3));
  if (r < 0.45) {
    return {
      type: pick(rng, ['block_actions', 'shortcut', 'view_submission', 'block_suggestion']),
      actions: randomValue(rng, 2),
      user: randomValue(rng, 1),
      channel: randomValue(rng, 1),
      team: randomValue(rng, 1),
    };
  }
  return randomValue(rng, 4);
}

function randomRequest(rng: () => number, i: number): Hostile {
  const r = rng();
  if (r < 0.2) {
    // Decoded as UTF-8 so the string re-encodes to the very bytes that were signed.
    const bytes = Buffer.from(Array.from({ length: int(rng, 0, 200) }, () => int(rng, 0, 255)));
    return { name: `#${i} bytes`, body: bytes.toString('utf8'), contentType: pick(rng, CONTENT_TYPES) };
  }
  if (r < 0.65) {
    const contentType = rng() < 0.85 ? JSON_TYPE : pick(rng, CONTENT_TYPES);
    return { name: `#${i} json`, body: JSON.stringify(randomShape(rng)) ?? 'null', contentType };
  }
  const fields = new URLSearchParams();
  for (let k = int(rng, 0, 8); k > 0; k--) {
    const key = pick(rng, [
      'payload',
      'payload',
      'command',
      'text',
      'user_id',
      'channel_id',
      'ssl_check',
      pick(rng, KEYS),
    ]);
    const json = key === 'payload' && rng() < 0.8;
    fields.append(key, json ? (JSON.stringify(randomShape(rng)) ?? 'null') : pick(rng, WORDS));
  }
  return { name: `#${i} form`, body: fields.toString(), contentType: FORM_TYPE };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The body as Bolt 5.1 parses it (HTTPModuleFunctions.parseHTTPRequestBody); undefined when it cannot. */
function boltBody(req: Hostile): { value: unknown } | undefined {
  try {
    if (req.contentType === FORM_TYPE) {
      const fields = new URLSearchParams(req.body);
      const payload = fields.getAll('payload');
      // node:querystring makes a repeated field an array, which Bolt then does not JSON-parse.
      if (payload.length === 1) return { value: JSON.parse(payload[0] ?? '') };
      return { value: Object.fromEntries(fields) };
    }
    return { value: JSON.parse(req.body) };
  } catch {
    return undefined;
  }
}

const OBJECT_FIELDS = ['user', 'team', 'channel', 'enterprise', 'container', 'message', 'view'];
const EVENT_OBJECT_FIELDS = ['item', 'assistant_thread', 'message', 'previous_message'];

/**
 * Whether every field Bolt dereferences has the JSON type Slack gives it (or is absent). Bolt 5.1 answers
 * 500, or never answers, when one does not: see the `it.fails` cases below.
 */
function slackTyped(req: Hostile): boolean {
  const parsed = boltBody(req);
  if (parsed === undefined) return true;
  const body = parsed.value;
  if (body === null) return false;
  if (!isObject(body)) return true;
  const objectOrAbsent = (v: unknown) => v === undefined || isObject(v);
  if (!OBJECT_FIELDS.every((k) => objectOrAbsent(body[k]))) return false;
  if (body.actions !== undefined && !(Array.isArray(body.actions) && body.actions.every(isObject)))
    return false;
  if (body.event === undefined) return true;
  const ev = body.event;
  if (!isObject(ev)) return false;
  if (!EVENT_OBJECT_FIELDS.every((k) => objectOrAbsent(ev[k]))) return false;
  return ev.channel === undefined || typeof ev.channel === 'string' || isObject(ev.channel);
}
