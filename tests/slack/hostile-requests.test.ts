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
const STACK_TRACE = /\n\s+at |\bat [\w.<>$]+ \(|(?:file:\/\/|\/)[\w.@/-]+\.(?:[cm]?js|ts):\d+|node_modules|\w*Error:/;

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
    .filter((text) => STACK_TRACE.test(text) || /"level":"error".*"msg":"[^"]*\b(?:unhandled|uncaught)\b/i.test(text));
}

/**
 * Node 20 ends the process on an unhandled rejection, so one is as fatal as a crash; Vitest would only
 * report it as a stray run error. Captured here instead, so the test can say which request caused it.
 */
async function catchingUnhandledRejections<T>(run: () => Promise<T>): Promise<{ result: T; rejections: string[] }> {
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

async function sendAll(
  h: Harness,
  cases: readonly Hostile[],
): Promise<{ name: string; outcome: Outcome }[]> {
  return Promise.all(cases.map(async (c) => ({ name: c.name, outcome: await signedPost(h.url, c) })));
}

function problems(results: readonly { name: string; outcome: Outcome }[]): string[] {
  return results.flatMap(({ name, outcome }) => {
    const problem = answerProblem(outcome);
    return problem ? [`${name}: ${problem}`] : [];
  });
}
