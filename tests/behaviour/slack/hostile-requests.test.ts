// Hostile and malformed requests to the real bot, each with a VALID signature. Whatever the body, the bot must
// answer 2xx (ignored) or 4xx, never 5xx, never show internals, never take junk for a question, and keep
// answering real questions afterwards.
//
// The cases after the fuzz were bugs found here (Bolt 5.1 answered 500 or rejected unhandled); the gate in
// src/http/slack-gate.ts now refuses those shapes before Bolt sees them. `slackTyped` still tells which
// fuzz requests are such shapes, to prove the fuzz includes some.
import { describe, expect, it } from 'vitest';
import { ADR_ACTIONS } from '../../../src/adr/cards.js';
import { type Harness, SIGNING_SECRET, startHarness } from '../../helpers/bot-harness.js';
import { lastUserText } from '../../helpers/fake-anthropic.js';
import { randomInt as int, seededRandom as prng } from '../../helpers/random.js';
import {
  appMentionEnvelope,
  blockActionsPayload,
  messageEnvelope,
  nextTs,
  type SendResult,
  sendEvent,
  sendRaw,
  slackSignature,
} from '../../helpers/slack-requests.js';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const ONE_MB = 1024 * 1024;

// A request no listener acknowledged gets a 404 once its listeners have run, or after 3 s (Bolt's timeout,
// kept by src/slack/direct-receiver.ts) when they hang. Only far beyond that does a request count as never
// answered.
const ANSWER_WITHIN_MS = 8_000;

// --- deterministic randomness ------------------------------------------------------------------------------

function pick<T>(rng: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from empty list');
  return item;
}

// --- sending ---------------------------------------------------------------------------------------------------

interface Hostile {
  name: string;
  body: string;
  contentType: string;
}

interface Outcome {
  name: string;
  /** HTTP status, or 0 when no answer came in time. */
  status: number;
  body: string;
}

/**
 * A correctly signed POST that gives up after `ANSWER_WITHIN_MS` or on `signal` (sendRaw would wait for
 * ever on a request the bot never answers, which is one of the failures looked for here).
 */
async function signedPost(url: string, req: Hostile, signal?: AbortSignal): Promise<Outcome> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const timeout = AbortSignal.timeout(ANSWER_WITHIN_MS);
  try {
    const res = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': req.contentType,
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, req.body),
      },
      body: req.body,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    return { name: req.name, status: res.status, body: await res.text() };
  } catch {
    return { name: req.name, status: 0, body: '' };
  }
}

function sendAll(h: Harness, cases: readonly Hostile[], signal?: AbortSignal): Promise<Outcome[]> {
  return Promise.all(cases.map((c) => signedPost(h.url, c, signal)));
}

function outcomeOf(name: string, res: SendResult): Outcome {
  return { name, status: res.status, body: res.body };
}

// --- what a safe answer looks like -----------------------------------------------------------------------------

// Stack frames and source paths: what neither a caller nor a log line should ever carry.
const STACK_TRACE = /\n\s+at |\bat [\w.<>$]+ \(|(?:file:\/\/|\/)[\w.@/-]+\.(?:[cm]?js|ts):\d+|node_modules\//;

function answerProblem(outcome: Outcome): string | null {
  const { status, body } = outcome;
  if (status === 0) return 'no answer';
  if (status < 200 || (status >= 300 && status < 400) || status >= 500) return `status ${status}`;
  if (STACK_TRACE.test(body) || /\w*Error:/.test(body)) return `internals in the body: ${body.slice(0, 200)}`;
  return null;
}

function problems(outcomes: readonly Outcome[]): string[] {
  return outcomes.flatMap((o) => {
    const problem = answerProblem(o);
    return problem ? [`${o.name}: ${problem}`] : [];
  });
}

/** Log lines that report an error nobody handled, or that carry a stack trace. */
function unhandledErrorLines(logs: readonly Record<string, unknown>[]): string[] {
  return logs
    .filter(
      (line) =>
        STACK_TRACE.test(JSON.stringify(line)) ||
        (line.level === 'error' && /\b(?:unhandled|uncaught)\b/i.test(String(line.msg))),
    )
    .map((line) => JSON.stringify(line));
}

/**
 * An unhandled rejection is a crash by default in Node 20 (src/main.ts only logs it), yet Vitest would
 * report it as a stray error of the whole run. Captured here instead, so the test can name the request.
 */
async function catchingUnhandledRejections<T>(
  run: () => Promise<T>,
  onRejection: () => void = () => {},
): Promise<{ result: T; rejections: string[] }> {
  const previous = process.listeners('unhandledRejection');
  const rejections: string[] = [];
  const listener = (reason: unknown) => {
    rejections.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
    onRejection();
  };
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', listener);
  try {
    const result = await run();
    // Node reports unhandled rejections once the microtask queue has drained.
    await new Promise((resolve) => setImmediate(resolve));
    return { result, rejections };
  } finally {
    process.off('unhandledRejection', listener);
    for (const l of previous) process.on('unhandledRejection', l);
  }
}

/** Nothing of the junk became a question; a real mention is then answered and is Claude's only request. */
async function expectStillAnswering(h: Harness): Promise<void> {
  expect(h.logs.filter((l) => l.msg === 'question accepted')).toEqual([]);
  expect(h.anthropic.requests).toHaveLength(0);
  expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  h.anthropic.enqueue({ kind: 'text', text: 'Still here.' });
  const res = await h.event(appMentionEnvelope({ text: '<@UBOT> Are you still there?' }));
  expect(res.status).toBe(200);
  await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0], { what: 'the real question answered' });
  expect(h.anthropic.requests).toHaveLength(1);
  expect(lastUserText(h.anthropic.requests[0]?.body ?? {})).toContain('Are you still there?');
}

// --- named cases ---------------------------------------------------------------------------------------------

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function payloadForm(payload: unknown): string {
  return form({ payload: JSON.stringify(payload) });
}

function without(record: Record<string, unknown>, ...drop: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !drop.includes(key)));
}

function envelope(event: unknown): Record<string, unknown> {
  return {
    token: 'fake-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: `EvJunk${nextTs().replace('.', '')}`,
    event_time: 1_767_400_000,
    authorizations: [{ enterprise_id: null, team_id: 'T0001', user_id: 'UBOT', is_bot: true }],
    event,
  };
}

/** An app_mention that would be a real question, but for the fields dropped. */
function mentionWithout(...drop: string[]): Record<string, unknown> {
  const full = appMentionEnvelope({ text: '<@UBOT> junk question' });
  return envelope(without(full.event as Record<string, unknown>, ...drop));
}

/** A DM that would be a real question, but for the fields dropped. */
function dmWithout(...drop: string[]): Record<string, unknown> {
  const full = messageEnvelope({ text: 'junk question', channel: 'D0001', channel_type: 'im' });
  return envelope(without(full.event as Record<string, unknown>, ...drop));
}

const COMMAND_FIELDS: Record<string, string> = {
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
  return form(without(COMMAND_FIELDS, ...drop) as Record<string, string>);
}

function click(actionId: string, value: string): Record<string, unknown> {
  return blockActionsPayload({ action_id: actionId, value, message_ts: nextTs(), thread_ts: nextTs() });
}

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

const JUNK_MENTION = appMentionEnvelope({ text: '<@UBOT> junk question' });
const MULTIPART = '--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\nhello\r\n--xyz--\r\n';
const NO_SUCH_SUGGESTION = 'sug_does_not_exist';

const NAMED_CASES: NamedCase[] = [
  // Bodies
  { name: 'invalid JSON', send: raw('{"type": "event_callback", "event": {', JSON_TYPE) },
  { name: 'a JSON array', send: raw(JSON.stringify([JUNK_MENTION]), JSON_TYPE) },
  { name: 'a JSON number', send: raw('42', JSON_TYPE) },
  { name: 'a JSON string', send: raw('"event_callback"', JSON_TYPE) },
  { name: 'an empty JSON body', send: raw('', JSON_TYPE) },
  { name: 'an empty form body', send: raw('', FORM_TYPE) },
  { name: 'text/plain prose', send: raw('hello bot, please answer', 'text/plain') },
  { name: 'multipart form data', send: raw(MULTIPART, 'multipart/form-data; boundary=xyz') },
  { name: 'a form body labelled JSON', send: raw(commandWithout(), JSON_TYPE) },
  { name: 'JSON labelled as a form', send: raw(JSON.stringify(JUNK_MENTION), FORM_TYPE) },
  { name: 'a form with a charset parameter', send: raw(commandWithout(), `${FORM_TYPE}; charset=utf-8`) },
  // Event envelopes
  { name: 'an envelope without event', send: event(without(envelope({}), 'event')) },
  { name: 'an envelope with an empty event', send: event(envelope({})) },
  { name: 'an envelope without team_id', send: event(without(JUNK_MENTION, 'team_id')) },
  { name: 'an app_mention without channel', send: event(mentionWithout('channel')) },
  { name: 'an app_mention without user', send: event(mentionWithout('user')) },
  { name: 'an app_mention without ts', send: event(mentionWithout('ts')) },
  { name: 'an app_mention without text', send: event(mentionWithout('text')) },
  {
    name: 'an app_mention without channel, user and ts',
    send: event(mentionWithout('channel', 'user', 'ts')),
  },
  { name: 'a DM without channel', send: event(dmWithout('channel')) },
  { name: 'a DM without user', send: event(dmWithout('user')) },
  { name: 'a DM without ts', send: event(dmWithout('ts')) },
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
  {
    name: 'a made-up event type',
    send: event(envelope({ type: 'bot_takeover', channel: 'C0001', text: 'hi' })),
  },
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
    name: 'block_actions with no actions',
    send: raw(payloadForm({ ...click('x', 'x'), actions: [] }), FORM_TYPE),
  },
  {
    name: 'block_actions without actions',
    send: raw(payloadForm(without(click('x', 'x'), 'actions')), FORM_TYPE),
  },
  { name: 'an unknown action_id', send: raw(payloadForm(click('drop_tables', 'x')), FORM_TYPE) },
  ...Object.values(ADR_ACTIONS).map((actionId) => ({
    name: `${actionId} naming no suggestion`,
    send: raw(payloadForm(click(actionId, NO_SUCH_SUGGESTION)), FORM_TYPE),
  })),
  // Size
  {
    name: 'a JSON body over 1 MB',
    send: event(envelope({ type: 'reaction_added', user: 'U0001', padding: 'x'.repeat(ONE_MB + 10) })),
  },
  { name: 'a form body over 1 MB', send: raw(form({ filler: 'y'.repeat(ONE_MB + 10) }), FORM_TYPE) },
  { name: 'a body over Bolt’s 4 MB limit', send: raw(`"${'z'.repeat(4 * ONE_MB + 10)}"`, JSON_TYPE) },
];

// --- fuzz corpus ---------------------------------------------------------------------------------------------

const FUZZ_SEED = 20_251_126;
const FUZZ_REQUESTS = 300;

const KEYS = [
  ...['type', 'event', 'event_id', 'team_id', 'channel', 'user', 'ts', 'text', 'actions', 'payload'],
  ...['command', 'challenge', 'ssl_check', 'authorizations', 'item', 'name', 'view', 'token', 'api_app_id'],
  ...['enterprise', 'is_enterprise_install', 'channel_id', 'container', 'message', 'thread_ts', 'bot_id'],
  ...['subtype', 'channel_type', 'id', 'value', 'action_id', 'team', 'user_id', 'response_url', 'trigger_id'],
  ...['__proto__', 'constructor', 'function_data', 'bot_access_token', 'enterprise_id', 'assistant_thread'],
  'previous_message',
];
const WORDS = [
  ...['', 'event_callback', 'app_mention', 'message', 'block_actions', 'url_verification', 'reaction_added'],
  ...['team_join', 'shortcut', 'view_submission', 'block_suggestion', 'interactive_message', 'im', '1.2'],
  ...['dialog_submission', 'message_action', 'function_executed', '<@UBOT> hi', 'U0001', 'UBOT', 'C0001'],
  ...[
    'D0001',
    'T0001',
    ...Object.values(ADR_ACTIONS),
    '/fastapi',
    '1',
    'true',
    'null',
    '{',
    '\u0000',
    '日本',
  ],
  ...['<!here>', '🎉', 'at Object.<anonymous> (/app/x.js:1:1)'],
];
const CONTENT_TYPES = [
  ...[JSON_TYPE, FORM_TYPE, 'text/plain', 'multipart/form-data; boundary=x', 'application/octet-stream'],
  ...[`${JSON_TYPE}; charset=utf-8`, ''],
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
  const record: Record<string, unknown> = {};
  for (let i = int(rng, 0, 6); i > 0; i--) record[pick(rng, KEYS)] = randomValue(rng, depth - 1);
  return record;
}

/** Random JSON, biased towards the envelopes Slack sends so the fuzz gets past the first checks. */
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
    // Decoded as UTF-8 so that the string re-encodes to exactly the bytes that were signed.
    const bytes = Buffer.from(Array.from({ length: int(rng, 0, 200) }, () => int(rng, 0, 255)));
    return {
      name: `fuzz #${i} (bytes)`,
      body: bytes.toString('utf8'),
      contentType: pick(rng, CONTENT_TYPES),
    };
  }
  if (r < 0.65) {
    const contentType = rng() < 0.85 ? JSON_TYPE : pick(rng, CONTENT_TYPES);
    return { name: `fuzz #${i} (json)`, body: JSON.stringify(randomShape(rng)) ?? 'null', contentType };
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
  return { name: `fuzz #${i} (form)`, body: fields.toString(), contentType: FORM_TYPE };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The body as Bolt 5.1 parses it (parseHTTPRequestBody); undefined when that throws (Bolt answers 400). */
function boltBody(req: Hostile): { value: unknown } | undefined {
  try {
    if (req.contentType === FORM_TYPE) {
      const fields = new URLSearchParams(req.body);
      const payload = fields.getAll('payload');
      // node:querystring makes a repeated field an array, which Bolt does not JSON-parse.
      if (payload.length === 1) return { value: JSON.parse(payload[0] ?? '') };
      return { value: Object.fromEntries(fields) };
    }
    return { value: JSON.parse(req.body) };
  } catch {
    return undefined;
  }
}

// Fields Slack sends as objects; `team` and `enterprise` are null in org-wide installs.
const OBJECT_FIELDS = ['user', 'channel', 'container', 'message', 'view'];
const NULLABLE_OBJECT_FIELDS = ['team', 'enterprise'];
const EVENT_OBJECT_FIELDS = ['item', 'assistant_thread', 'message', 'previous_message', 'subteam'];
// Body types Bolt routes as interactivity (actions, options, shortcuts, views): it reads their user.
const INTERACTIVE_TYPES = new Set([
  'block_suggestion',
  'dialog_submission',
  'shortcut',
  'message_action',
  'view_submission',
  'view_closed',
]);

/**
 * Whether every field Bolt 5.1 dereferences is there with the JSON type Slack gives it (or, where Slack may
 * leave it out, is absent). Bolt answers 500, or never answers, when one is not: those shapes are the
 * `it.fails` cases below.
 */
function slackTyped(req: Hostile): boolean {
  const parsed = boltBody(req);
  if (parsed === undefined) return true;
  const body = parsed.value;
  if (body === null) return false;
  if (!isRecord(body)) return true;
  const recordOrAbsent = (v: unknown) => v === undefined || isRecord(v);
  if (!OBJECT_FIELDS.every((k) => recordOrAbsent(body[k]))) return false;
  if (!NULLABLE_OBJECT_FIELDS.every((k) => body[k] === null || recordOrAbsent(body[k]))) return false;
  if (body.actions !== undefined && !(Array.isArray(body.actions) && body.actions.every(isRecord)))
    return false;
  if (body.event !== undefined) {
    const ev = body.event;
    if (!isRecord(ev) || !EVENT_OBJECT_FIELDS.every((k) => recordOrAbsent(ev[k]))) return false;
    const idOrRecord = (v: unknown) => v === undefined || typeof v === 'string' || isRecord(v);
    return idOrRecord(ev.channel) && idOrRecord(ev.user);
  }
  if (body.command !== undefined) return true;
  const interactive =
    body.name !== undefined || body.actions !== undefined || INTERACTIVE_TYPES.has(String(body.type));
  if (!interactive) return true;
  if (String(body.type).startsWith('view_') && !isRecord(body.view)) return false;
  return isRecord(body.user);
}

// --- tests -----------------------------------------------------------------------------------------------------

describe('hostile requests with a valid signature', () => {
  // Named cases and fuzz share one bot, in one burst. Failures name the request.
  it('answers malformed requests and a seeded fuzz with 2xx or 4xx, accepts none, and keeps answering', async () => {
    const h = await startHarness();
    const rng = prng(FUZZ_SEED);
    const corpus = Array.from({ length: FUZZ_REQUESTS }, (_, i) => randomRequest(rng, i));
    // Every shape, including those Bolt alone would choke on: the gate in front of it refuses them.
    const fuzz = corpus;
    expect(corpus.filter((req) => !slackTyped(req)).length).toBeGreaterThan(0);

    const { result, rejections } = await catchingUnhandledRejections(() =>
      Promise.all([
        Promise.all(NAMED_CASES.map(async (c) => outcomeOf(c.name, await c.send(h)))),
        sendAll(h, fuzz),
      ]),
    );
    const [named, fuzzed] = result;
    const statuses = Object.fromEntries(named.map((o) => [o.name, o.status]));
    expect(problems(named), JSON.stringify(statuses, null, 2)).toEqual([]);
    expect(problems(fuzzed)).toEqual([]);
    expect(rejections).toEqual([]);
    // Bolt's 4 MB body limit holds: a larger body is refused before it is parsed.
    expect(statuses['a body over Bolt’s 4 MB limit']).toBe(413);

    // A button naming no suggestion is answered privately and changes no card.
    await h.slack.waitFor(
      () => h.slack.callsTo('chat.postEphemeral').length >= Object.keys(ADR_ACTIONS).length || undefined,
      { what: 'an ephemeral answer to each button naming no suggestion' },
    );
    expect(h.slack.callsTo('chat.update')).toHaveLength(0);

    expect(unhandledErrorLines(h.logs)).toEqual([]);
    await expectStillAnswering(h);
  });

  // Regression: Bolt 5.1's getTypeAndConversation ran `'channel' in event` on a null event and answered
  // 500; the gate (src/http/slack-gate.ts) now refuses the shape before Bolt sees it.
  it('refuses an event_callback whose event is null without a 500', async () => {
    const h = await startHarness();
    const res = await sendEvent(h.url, SIGNING_SECRET, envelope(null));
    expect(problems([outcomeOf('event: null', res)])).toEqual([]);
    expect(unhandledErrorLines(h.logs)).toEqual([]);
    await expectStillAnswering(h);
  });

  // Regression, same Bolt code paths: `in` on a non-object event or event.channel, `for…of` over non-list
  // actions, `body.user.team_id` when an interactivity payload has neither team nor user.
  it('refuses bodies whose fields have the wrong JSON type without a 500', async () => {
    const h = await startHarness();
    const cases: Hostile[] = [
      { name: 'event: "message"', body: JSON.stringify(envelope('message')), contentType: JSON_TYPE },
      { name: 'event: 7', body: JSON.stringify(envelope(7)), contentType: JSON_TYPE },
      { name: 'event: true', body: JSON.stringify(envelope(true)), contentType: JSON_TYPE },
      {
        name: 'event.channel: null',
        body: JSON.stringify(envelope({ type: 'app_mention', channel: null })),
        contentType: JSON_TYPE,
      },
      {
        name: 'actions: {…} (not a list)',
        body: payloadForm({
          ...click(ADR_ACTIONS.document, 'x'),
          actions: { action_id: ADR_ACTIONS.document },
        }),
        contentType: FORM_TYPE,
      },
      {
        name: 'block_actions without user and team',
        body: payloadForm(without(click(ADR_ACTIONS.document, 'x'), 'user', 'team')),
        contentType: FORM_TYPE,
      },
    ];
    const outcomes = await sendAll(h, cases);
    expect(problems(outcomes)).toEqual([]);
    expect(unhandledErrorLines(h.logs)).toEqual([]);
    await expectStillAnswering(h);
  });

  // Regression: Bolt 5.1's HTTPReceiver reads `body.ssl_check` outside any try/catch, so a JSON `null`
  // body (or payload) rejected unhandled and was never answered; the gate now answers 400 first.
  it('answers a JSON null body or payload field instead of rejecting unhandled', async () => {
    const h = await startHarness();
    const stop = new AbortController();
    const cases: Hostile[] = [
      { name: 'body: null', body: 'null', contentType: JSON_TYPE },
      { name: 'payload=null', body: form({ payload: 'null' }), contentType: FORM_TYPE },
    ];
    // Stops waiting as soon as the rejection shows, rather than for the full answer timeout.
    const { result, rejections } = await catchingUnhandledRejections(
      () => sendAll(h, cases, stop.signal),
      () => stop.abort(),
    );
    expect(rejections).toEqual([]);
    expect(problems(result)).toEqual([]);
    await expectStillAnswering(h);
  });

  // Regression: a command without trigger_id was accepted as "cmd:undefined" (and every later one dropped as
  // its twin); the gate now requires the command's ids.
  it('does not take a slash command without trigger_id as a question', async () => {
    const h = await startHarness();
    const res = await sendRaw(h.url, SIGNING_SECRET, commandWithout('trigger_id'), FORM_TYPE);
    expect(problems([outcomeOf('command without trigger_id', res)])).toEqual([]);
    await expectStillAnswering(h);
  });
});
