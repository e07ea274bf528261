// The replicas part's pieces: the fakes, bot replicas as child processes, the load spread over them, the
// question states read from their database (SQLite or PostgreSQL), and the exactly-once check.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { closePostgres, openPostgres } from '../src/store/postgres/connect.js';
import {
  FakeAnthropic,
  lastUserText,
  type RecordedRequest,
  type Reply,
} from '../tests/helpers/fake-anthropic.js';
import { FakeSlack } from '../tests/helpers/fake-slack.js';
import {
  ANTHROPIC_KEY,
  BOT_ID,
  BOT_TOKEN,
  BOT_USER_ID,
  type Cleanup,
  nowMs,
  progress,
  ROOT,
  SIGNING_SECRET,
  sleep,
} from './common.js';
import { burstAnswer, lastMarker, marker, mentionBody, piecesOf, SlackStamps, stampCalls } from './live.js';
import type { LoadResult } from './load-process.js';
import {
  type ChildHandle,
  type LoadClient,
  RssSampler,
  spawnChild,
  waitForHealth,
  waitForPort,
} from './processes.js';

export type Counts = { total: number; open: number; answered: number; failed: number };

/** Question states of one setup's channels, read from the bots' database (never written). */
export interface QuestionCounter {
  counts(channelPrefix: string): Promise<Counts>;
  close(): Promise<void>;
}

const countSql = (prefix: string) => `
  SELECT count(*) AS total,
         coalesce(sum(CASE WHEN state IN ('pending', 'answering') THEN 1 ELSE 0 END), 0) AS open,
         coalesce(sum(CASE WHEN state = 'answered' THEN 1 ELSE 0 END), 0) AS answered,
         coalesce(sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) AS failed
  FROM questions WHERE channel_id LIKE '${prefix.replace(/[^A-Z0-9]/g, '')}%'`;

const numbers = (row: Record<string, unknown> | undefined): Counts => ({
  total: Number(row?.total ?? 0),
  open: Number(row?.open ?? 0),
  answered: Number(row?.answered ?? 0),
  failed: Number(row?.failed ?? 0),
});

export function sqliteCounter(path: string): QuestionCounter {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  return {
    counts: async (prefix) => numbers(db.prepare(countSql(prefix)).get() as Record<string, unknown>),
    close: async () => {
      db.close();
    },
  };
}

export function postgresCounter(url: string): QuestionCounter {
  const pool = openPostgres(url, { max: 1 });
  return {
    counts: async (prefix) => numbers((await pool.query(countSql(prefix))).rows[0]),
    close: () => closePostgres(pool),
  };
}

export interface Fakes {
  anthropic: FakeAnthropic;
  slack: FakeSlack;
  stamps: SlackStamps;
  requestsByMarker: Map<string, number>;
  firstRequestAt: Map<string, number>;
  setDelay(ms: number): void;
}

export async function startFakes(
  config: { burstTokenDelayMs: number; burstChunkChars: number },
  cleanup: Cleanup,
): Promise<Fakes> {
  const requestsByMarker = new Map<string, number>();
  const firstRequestAt = new Map<string, number>();
  let tokenDelayMs = config.burstTokenDelayMs;
  const anthropic = await FakeAnthropic.start({
    defaultReply: (request: RecordedRequest): Reply => {
      const id = lastMarker(lastUserText(request.body)) ?? 'unknown';
      requestsByMarker.set(id, (requestsByMarker.get(id) ?? 0) + 1);
      if (!firstRequestAt.has(id)) firstRequestAt.set(id, nowMs());
      return { kind: 'text', text: piecesOf(burstAnswer(id), config.burstChunkChars), tokenDelayMs };
    },
  });
  cleanup.add('close fake Anthropic (replicas)', () => anthropic.close());
  const slack = await FakeSlack.start({ token: BOT_TOKEN, botUserId: BOT_USER_ID, botId: BOT_ID });
  cleanup.add('close fake Slack (replicas)', () => slack.close());
  const stamps = new SlackStamps();
  stampCalls(slack, stamps);
  return {
    anthropic,
    slack,
    stamps,
    requestsByMarker,
    firstRequestAt,
    setDelay: (ms) => {
      tokenDelayMs = ms;
    },
  };
}

export interface Bot {
  child: ChildHandle;
  origin: string;
  rss: RssSampler;
}

/** One built bot, started as `npm start` starts it, in its own temp folder. */
export async function startBot(
  name: string,
  fakes: Fakes,
  dir: string,
  database: Record<string, string>,
): Promise<Bot> {
  const cwd = join(dir, 'cwd');
  mkdirSync(cwd, { recursive: true });
  const child = spawnChild(name, [join(ROOT, 'dist', 'main.js')], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      AGENTS_DIR: join(ROOT, 'agents'),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fakes.slack.apiUrl,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: fakes.anthropic.baseUrl,
      PORT: '0',
      DATA_DIR: join(dir, 'data'),
      FASTAPI_DOCS_SOURCE: join(dir, 'no-fastapi-docs.tar.gz'),
      DOCS_INDEX_PATH: join(dir, 'fastapi-docs.sqlite'),
      LOG_LEVEL: 'warn',
      ...database,
    },
  });
  const rss = new RssSampler(child.pid);
  const origin = `http://127.0.0.1:${await waitForPort(child, 30_000)}`;
  await waitForHealth(`${origin}/healthz`, 20_000);
  return { child, origin, rss };
}

/** Mentions written by another app (the bots ignore them): they (re)open the keep-alive connections. */
export const refreshBodies = (connections: number) =>
  Array.from({ length: connections }, (_, i) =>
    mentionBody({
      id: marker('WID', 900_000 + i),
      n: i,
      user: 'UX0001',
      channel: 'CX00000001',
      fromOtherBot: true,
    }),
  );

/** Sends `bodies` spread over the bots (body i to bot i mod n), `connections` split between them. */
export async function fireSpread(load: LoadClient, bots: Bot[], bodies: string[], connections: number) {
  const lanes = Math.max(1, Math.floor(connections / bots.length));
  const parts = await Promise.all(
    bots.map((bot, k) =>
      load.run({
        origin: bot.origin,
        path: '/slack/events',
        secret: SIGNING_SECRET,
        bodies: bodies.filter((_, i) => i % bots.length === k),
        lanes,
      }),
    ),
  );
  const merged: LoadResult = {
    type: 'result',
    id: 0,
    latenciesMs: parts.flatMap((part) => part.latenciesMs),
    statuses: parts.flatMap((part) => part.statuses),
    startedAt: Math.min(...parts.map((part) => part.startedAt)),
    endedAt: Math.max(...parts.map((part) => part.endedAt)),
    errors: parts.flatMap((part) => part.errors),
  };
  return { merged, perReplicaOk: parts.map((part) => part.statuses.filter((s) => s === 200).length) };
}

export async function waitDrained(
  counter: QuestionCounter,
  prefix: string,
  expected: number,
  deadline: number,
) {
  let lastReport = Date.now();
  for (;;) {
    const c = await counter.counts(prefix);
    if (c.total >= expected && c.open === 0) return { counts: c, timedOut: false };
    if (nowMs() > deadline) return { counts: c, timedOut: true };
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      progress(`drain: ${c.answered + c.failed}/${c.total} answered, ${c.open} open`);
    }
    await sleep(50);
  }
}

export interface AnswerCheck {
  answeredExactlyOnce: number;
  /** Questions whose marker reached the model other than once. */
  modelNotOnce: number;
  /** No final answer message, more than one, in another thread, or not closed by exactly one stopStream. */
  missing: number;
  duplicates: number;
  wrongThread: number;
  stopStreamNotOnce: number;
}

/** One final answer per question marker, in the right thread, with one chat.stopStream, after one request. */
export function exactlyOnce(
  fakes: Fakes,
  channels: string[],
  threadOf: Map<string, string>,
  stopsFrom: number,
): AnswerCheck {
  const stops = new Map<string, number>();
  for (const stop of fakes.stamps.stopStreams.slice(stopsFrom)) {
    stops.set(`${stop.channel}/${stop.ts}`, (stops.get(`${stop.channel}/${stop.ts}`) ?? 0) + 1);
  }
  const answers = new Map<string, { thread: string; stops: number }[]>();
  for (const channel of channels) {
    for (const message of fakes.slack.messages(channel)) {
      const id = /^Answer for (QID\d{6})/.exec(message.text)?.[1];
      if (message.user !== BOT_USER_ID || !id || message.streaming) continue;
      const list = answers.get(id) ?? [];
      list.push({
        thread: `${message.channel}/${message.thread_ts ?? ''}`,
        stops: stops.get(`${message.channel}/${message.ts}`) ?? 0,
      });
      answers.set(id, list);
    }
  }
  const check: AnswerCheck = {
    answeredExactlyOnce: 0,
    modelNotOnce: 0,
    missing: 0,
    duplicates: 0,
    wrongThread: 0,
    stopStreamNotOnce: 0,
  };
  for (const [id, thread] of threadOf) {
    if (!id.startsWith('QID')) continue;
    const list = answers.get(id) ?? [];
    const modelOnce = fakes.requestsByMarker.get(id) === 1;
    const rightThread = list[0]?.thread === thread;
    const oneStop = list[0]?.stops === 1;
    if (!modelOnce) check.modelNotOnce++;
    if (list.length === 0) check.missing++;
    if (list.length > 1) check.duplicates++;
    if (list.length > 0 && !rightThread) check.wrongThread++;
    if (list.length > 0 && !oneStop) check.stopStreamNotOnce++;
    if (modelOnce && list.length === 1 && rightThread && oneStop) check.answeredExactlyOnce++;
  }
  return check;
}

/** Fields 14 and 15 of /proc/<pid>/stat (utime, stime) and field 4 (ppid); undefined once it is gone. */
function procStat(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/**
 * CPU milliseconds used so far by each process of `roots` and its direct children (PostgreSQL's backends
 * are children of the postmaster); a child that exited inside a window is not counted. USER_HZ is 100.
 */
export function treeCpuMs(roots: number[]): number {
  const wanted = new Set(roots);
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = procStat(pid);
    if (stat && (wanted.has(pid) || wanted.has(stat.ppid))) ticks += stat.ticks;
  }
  return ticks * 10;
}

/** The postmaster's pid, from the first line of postmaster.pid in the data folder. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}
