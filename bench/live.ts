// Parts 1 (burst), 2 (streaming overhead) and the request half of 4 (prompt caching): the built bot and a
// bare Bolt app as child processes, driven over loopback HTTP against the fake Slack and Anthropic servers.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FakeAnthropic, lastUserText, type RecordedRequest, type Reply } from '../tests/helpers/fake-anthropic.js';
import { asRecord, asString, FakeSlack, type RecordedCall } from '../tests/helpers/fake-slack.js';
import { appMentionEnvelope, nextTs, sendEvent } from '../tests/helpers/slack-requests.js';
import { exposedGc } from '../src/housekeeping/idle-collection.js';
import {
  ANTHROPIC_KEY,
  BOT_ID,
  BOT_TOKEN,
  BOT_USER_ID,
  type Cleanup,
  fixed,
  nowMs,
  progress,
  ROOT,
  SIGNING_SECRET,
  type Summary,
  sleep,
  summarize,
} from './common.js';
import type { LoadResult } from './load-process.js';
import {
  type CpuShare,
  cpuWindow,
  type GcTotals,
  gcSince,
  gcTotals,
  LoadClient,
  RssSampler,
  spawnChild,
  statusKib,
  waitForHealth,
  waitForPort,
} from './processes.js';

export interface LiveConfig {
  events: number;
  threads: number;
  connections: number;
  warmup: number;
  /** Bot bursts, each between two bare Bolt rounds. */
  rounds: number;
  drainTimeoutMs: number;
  /** The fake model's pace while a burst is being acked: `burstChunkChars` characters every this many ms. */
  burstTokenDelayMs: number;
  burstChunkChars: number;
  /** The pace once a burst's acks are all in, for the rest of its drain (0: no delays). */
  drainTokenDelayMs: number;
  streamTokenDelayMs: number;
  streamQuestions: number;
  diagnostics: boolean;
}

export interface RunStats {
  sent: number;
  ok200: number;
  statuses: Record<string, number>;
  errors: string[];
  latencyMs: Summary;
  durationMs: number;
  requestsPerSecond: number;
}

/** One bot burst and the bare Bolt rounds right before and right after it. */
export interface BurstRound {
  round: number;
  bot: RunStats;
  bareBefore: RunStats;
  bareAfter: RunStats;
  /** Mean of the two neighbouring bare rounds. */
  bareP50Ms: number;
  bareP99Ms: number;
  p50Ratio: number;
  p99Ratio: number;
  /** Model requests answered while this burst was being acked (answers streaming next to the acks). */
  modelRequestsWhileAcking: number;
  drainMs: number;
  drainTimedOut: boolean;
  /** CLOCK_MONOTONIC microseconds (the clock of a V8 .cpuprofile) around the burst, for profiles. */
  monotonicUs: { start: number; end: number };
  /** CPU use during the burst of the bot, the bench (fake Slack and Anthropic) and the load generator. */
  cpu: Record<string, CpuShare>;
  /** The bot's garbage collections during the burst, from its own /metrics (prom-client's GC histogram). */
  gc: GcTotals;
}

export interface LiveResults {
  config: LiveConfig;
  order: string;
  /** monotonicUs: each bare run's CLOCK_MONOTONIC window (microseconds), as for the rounds. */
  bare: {
    rounds: RunStats[];
    peakRssMib: number;
    monotonicUs: { start: number; end: number }[];
    cpu: Record<string, CpuShare>[];
    /** The bot's garbage collections during each bare run (it should be idle and collect nothing). */
    botGc: GcTotals[];
  };
  rounds: BurstRound[];
  /** The highest per-round ratios: the target holds only if it holds in every round. */
  worstP50Ratio: number;
  worstP99Ratio: number;
  /**
   * The noise floor (A/A): bare round r's p99 (r = 1..R) against the mean of bare rounds r-1 and r+1.
   * A bot exactly as fast as bare Bolt would stray this far from 1 by chance.
   */
  bareAgainstNeighbours: number[];
  answers: {
    expected: number;
    answeredExactlyOnce: number;
    anthropicRequestsForBurst: number;
    /** Every /v1/messages request between the end of the warm-up and the end of the drain. */
    modelRequestsDuringBurst: number;
    /** chat.postEphemeral calls during the burst: a refused question (rate limit, allow-list) shows here. */
    privateNotes: number;
    anthropicDuplicates: number;
    slackMissing: number;
    slackDuplicates: number;
    wrongThread: number;
    stopStreamNotOnce: number;
    warningMessages: number;
    dbQuestions: number;
    dbDistinctMessages: number;
    dbAnswered: number;
    dbFailed: number;
  };
  /** Summed over the rounds' drains. */
  drain: { ms: number; timedOut: boolean; answersPerSecond: number };
  /** Peak over startup, warm-up, burst and drain; afterStreaming: VmHWM once part 2 also ran. */
  rss: { peakMib: number; vmHwmMib: number; sampledMaxMib: number; afterStreamingHwmMib: number };
  /** VmRSS of the bot after each phase. */
  rssTimeline: { after: string; rssMib: number }[];
  memorySplitAfterDrain: { anonMib: number; fileMib: number };
  /** The burst repeated with the model held: acks without answer work in the same event loop. */
  heldDiagnostic: { bot: RunStats; bare: RunStats; p99Ratio: number } | undefined;
  botProblems: Record<string, number>;
  botExitCode: number | null;
  streaming: {
    questions: number;
    tokenDelayMs: number;
    measured: number;
    firstTokenToFirstTextMs: Summary;
    mentionToFirstTokenMs: Summary;
    mentionToFirstTextMs: Summary;
  };
}

const BARE_CHANNEL = 'CX00000001';
const BARE_USER = 'UX0001';

// The bot refuses more than USER_QUESTIONS_PER_HOUR (default 30) questions per user and
// CHANNEL_QUESTIONS_PER_HOUR (default 120) per channel. The bench keeps the bot's defaults and spreads its
// traffic like a busy workspace would (12 questions per person, 60 per channel), so every question is
// accepted and the limit checks stay on the measured path.
export const PER_USER = 12;
export const PER_CHANNEL = 60;

export function ids(prefix: string, count: number): string[] {
  return Array.from({ length: Math.max(1, count) }, (_, i) => `${prefix}${String(i + 1).padStart(4, '0')}`);
}

export function pick(list: readonly string[], index: number): string {
  return list[index % list.length] ?? list[0] ?? '';
}
const MARKER = /\b([QWS]ID\d{6})\b/g;

const QUESTIONS = [
  'how should we paginate GET /items over 2M rows with SQLAlchemy 2 async?',
  'is it OK to open a DB session per request with Depends, or should we share one?',
  'where do idempotency keys for POST /payments belong: middleware or the endpoint?',
  'how do we version the API without duplicating every router?',
  'BackgroundTasks or Celery for sending the confirmation emails?',
  'what is a sane connection pool size for 4 uvicorn workers on one Postgres?',
  'how do we validate webhook signatures before Pydantic parses the body?',
  'should readiness checks hit the database, or is liveness enough?',
  'how do we stream a large CSV export without loading it all in memory?',
  'how should we structure error responses so clients can branch on a code?',
];

export function marker(prefix: 'QID' | 'WID' | 'SID', n: number): string {
  return `${prefix}${String(n).padStart(6, '0')}`;
}

/** The question a request to the model is about: the last marker in its last user message. */
export function lastMarker(text: string): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(MARKER)) found = match[1];
  return found;
}

/** A plausible answer (~600 characters with a code block); its first line names the question. */
export function burstAnswer(id: string): string {
  return [
    `Answer for ${id}: use keyset pagination instead of OFFSET.`,
    '',
    'Keep the last seen primary key and filter on it, so every page is an index range scan no matter how deep',
    'the client pages. Return the cursor as an opaque token.',
    '',
    '```python',
    '@router.get("/items")',
    'async def list_items(after: int | None = None, limit: int = Query(50, le=200),',
    '                     session: AsyncSession = Depends(get_session)) -> Page[Item]:',
    '    query = select(ItemRow).order_by(ItemRow.id).limit(limit + 1)',
    '    if after is not None:',
    '        query = query.where(ItemRow.id > after)',
    '    rows = (await session.scalars(query)).all()',
    '    return Page.of(rows[:limit], has_more=len(rows) > limit)',
    '```',
    '',
    'Add a composite index if you sort by anything other than the key.',
  ].join('\n');
}

/** `text` cut into pieces of `size` code points, one text_delta each. */
export function piecesOf(text: string, size: number): string[] {
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(''));
  return pieces;
}

function streamAnswer(id: string): string {
  return (
    `Answer for ${id}: open one AsyncSession per request with a yield dependency, commit in the ` +
    'endpoint that owns the unit of work, and let the dependency close it. Sharing a session across ' +
    'requests shares its identity map and transaction, which breaks isolation under concurrency.'
  );
}

export function mentionBody(o: {
  id: string;
  n: number;
  user: string;
  channel: string;
  ts?: string;
  threadTs?: string;
  fromOtherBot?: boolean;
}): string {
  const envelope = appMentionEnvelope({
    text: `<@${BOT_USER_ID}> ${o.id} ${QUESTIONS[o.n % QUESTIONS.length] ?? ''}`,
    user: o.user,
    channel: o.channel,
    ...(o.ts !== undefined ? { ts: o.ts } : {}),
    ...(o.threadTs !== undefined ? { thread_ts: o.threadTs } : {}),
  });
  const event = asRecord(envelope.event);
  // A mention written by another app: Bolt delivers it and both listeners return at once. Used only to
  // open keep-alive connections right before a measured run, without queueing answers.
  if (o.fromOtherBot && event) event.bot_id = 'B0OTHERAPP';
  return JSON.stringify(envelope);
}

export function stats(result: LoadResult): RunStats {
  const statuses: Record<string, number> = {};
  for (const status of result.statuses) statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
  const ok = result.latenciesMs.filter((_, i) => result.statuses[i] === 200);
  const durationMs = result.endedAt - result.startedAt;
  return {
    sent: result.statuses.length,
    ok200: ok.length,
    statuses,
    errors: result.errors,
    latencyMs: summarize(ok),
    durationMs,
    requestsPerSecond: (result.statuses.length / durationMs) * 1000,
  };
}

/** Arrival times of the Web API calls that matter here, keyed so answers can be matched to questions. */
export class SlackStamps {
  /** `${channel}/${thread_ts}` → when the first streamed text of an answer arrived. */
  readonly firstText = new Map<string, number>();
  readonly stopStreams: { channel: string; ts: string; at: number }[] = [];
  /** `${channel}/${thread_ts}` → when the last chat.postMessage into the thread arrived (the PHR line). */
  readonly threadPosts = new Map<string, number>();
  /** Private notes (refusals: rate limits, allow-lists) sent so far. */
  ephemerals = 0;

  record(call: RecordedCall, at: number): void {
    const channel = asString(call.args.channel) ?? '';
    if (call.method === 'chat.startStream') {
      const key = `${channel}/${asString(call.args.thread_ts) ?? ''}`;
      const text = asString(call.args.markdown_text) ?? '';
      if (text.trim() !== '' && !this.firstText.has(key)) this.firstText.set(key, at);
    } else if (call.method === 'chat.stopStream') {
      this.stopStreams.push({ channel, ts: asString(call.args.ts) ?? '', at });
    } else if (call.method === 'chat.postEphemeral') {
      this.ephemerals++;
    } else if (call.method === 'chat.postMessage') {
      const threadTs = asString(call.args.thread_ts);
      if (threadTs !== undefined) this.threadPosts.set(`${channel}/${threadTs}`, at);
    }
  }
}

/**
 * FakeSlack records every Web API call with `calls.push()` as soon as the request body is parsed, before
 * answering. Wrapping that one array's push gives arrival times without editing tests/helpers.
 */
export function stampCalls(slack: FakeSlack, stamps: SlackStamps): void {
  const calls = slack.calls;
  const push = calls.push.bind(calls);
  calls.push = (...items: RecordedCall[]): number => {
    const at = nowMs();
    for (const item of items) stamps.record(item, at);
    return push(...items);
  };
}

export async function waitUntil(check: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

export async function runLive(config: LiveConfig, cleanup: Cleanup): Promise<LiveResults> {
  // --- fakes -------------------------------------------------------------------------------------------
  const requestsByMarker = new Map<string, number>();
  const firstTokenAt = new Map<string, number>();
  let tokenDelayMs = config.burstTokenDelayMs;
  const anthropic = await FakeAnthropic.start({
    defaultReply: (request: RecordedRequest): Reply => {
      // FakeAnthropic calls this right before it writes the SSE head and the first text_delta in the same
      // tick (only later chunks wait tokenDelayMs), so this instant is when the first token was written.
      const at = nowMs();
      const id = lastMarker(lastUserText(request.body)) ?? 'unknown';
      requestsByMarker.set(id, (requestsByMarker.get(id) ?? 0) + 1);
      if (!firstTokenAt.has(id)) firstTokenAt.set(id, at);
      if (id.startsWith('SID')) return { kind: 'text', text: streamAnswer(id), tokenDelayMs };
      // Burst and warm-up answers come in model-sized pieces: `burstChunkChars` characters per text_delta.
      return { kind: 'text', text: piecesOf(burstAnswer(id), config.burstChunkChars), tokenDelayMs };
    },
  });
  cleanup.add('close fake Anthropic', () => anthropic.close());
  const slack = await FakeSlack.start({ token: BOT_TOKEN, botUserId: BOT_USER_ID, botId: BOT_ID });
  cleanup.add('close fake Slack', () => slack.close());
  const stamps = new SlackStamps();
  stampCalls(slack, stamps);
  // Every round has its own askers and channels (round 1: UQA…, CQA…), so no round eats into another's
  // hourly limits.
  const roundLetter = (round: number) => String.fromCharCode(64 + round);
  const roundPeople = Array.from({ length: config.rounds }, (_, r) => ({
    users: ids(`UQ${roundLetter(r + 1)}`, Math.ceil(config.events / PER_USER)),
    channels: ids(
      `CQ${roundLetter(r + 1)}`,
      Math.min(config.threads, Math.ceil(config.events / PER_CHANNEL)),
    ),
  }));
  const burstUsers = roundPeople.flatMap((people) => people.users);
  const burstChannels = roundPeople.flatMap((people) => people.channels);
  const warmUsers = ids('UW', Math.ceil(config.warmup / PER_USER));
  const warmChannels = ids('CW', Math.ceil(config.warmup / PER_CHANNEL));
  const streamUsers = ids('US', Math.ceil(config.streamQuestions / PER_USER));
  const streamChannels = ids('CS', Math.ceil(config.streamQuestions / PER_CHANNEL));
  for (const [i, user] of [...burstUsers, ...warmUsers, ...streamUsers, BARE_USER].entries()) {
    slack.users.set(user, { name: `dev${i + 1}`, real_name: `Dev ${i + 1}` });
  }

  // --- threads and request bodies ----------------------------------------------------------------------
  // Questions are mentions inside existing threads (their roots seeded in FakeSlack, so the bot's
  // conversations.replies for a thread it joins late finds them); 12 per thread are answered in order.
  const seedThread = (channel: string, user: string, n: number): string => {
    const ts = nextTs();
    slack.seedMessage({ channel, ts, user, text: `Design thread ${n}` });
    return ts;
  };
  const warmThreads = Array.from({ length: 10 }, (_, t) => {
    const channel = pick(warmChannels, t);
    return { channel, ts: seedThread(channel, pick(warmUsers, t), t) };
  });

  const threadOfQuestion = new Map<string, string>();
  const burstBodies = roundPeople.map(({ users, channels }, r) => {
    const threads = Array.from({ length: config.threads }, (_, t) => {
      const channel = pick(channels, t);
      return { channel, ts: seedThread(channel, pick(users, t), t) };
    });
    return Array.from({ length: config.events }, (_, i) => {
      const thread = threads[i % threads.length] ?? { channel: pick(channels, 0), ts: nextTs() };
      const id = marker('QID', r * config.events + i);
      threadOfQuestion.set(id, `${thread.channel}/${thread.ts}`);
      const user = pick(users, Math.floor(i / PER_USER));
      return mentionBody({ id, n: i, user, channel: thread.channel, threadTs: thread.ts });
    });
  });
  const botWarmBodies = Array.from({ length: config.warmup }, (_, i) => {
    const thread = warmThreads[i % warmThreads.length] ?? { channel: pick(warmChannels, 0), ts: nextTs() };
    const user = pick(warmUsers, Math.floor(i / PER_USER));
    return mentionBody({ id: marker('WID', i), n: i, user, channel: thread.channel, threadTs: thread.ts });
  });
  const bareBodies = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      mentionBody({ id: marker('QID', i), n: i, user: BARE_USER, channel: BARE_CHANNEL }),
    );
  const refreshBodies = () =>
    Array.from({ length: config.connections }, (_, i) =>
      mentionBody({
        id: marker('WID', 900_000 + i),
        n: i,
        user: BARE_USER,
        channel: BARE_CHANNEL,
        fromOtherBot: true,
      }),
    );

  // --- children ------------------------------------------------------------------------------------------
  const dir = mkdtempSync(join(tmpdir(), 'fastapi-bot-bench-'));
  cleanup.add('remove the bot temp dir', () => rmSync(dir, { recursive: true, force: true }));
  const cwd = join(dir, 'cwd');
  mkdirSync(cwd);
  const dbPath = join(dir, 'db', 'bot.db');
  const path = process.env.PATH ?? '';

  const bareNodeArgs = (process.env.BENCH_BARE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const bare = spawnChild(
    'bare bolt',
    [...bareNodeArgs, join(ROOT, '.bench', 'bench', 'bare-bolt.js')],
    {
      cwd,
      env: {
        PATH: path,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        SLACK_BOT_ID: BOT_ID,
        SLACK_BOT_USER_ID: BOT_USER_ID,
      },
      ipc: true,
    },
  );
  cleanup.add('stop the bare Bolt app', () => bare.stop(2_000));
  // The bot is started exactly as `npm start` / the Dockerfile start it; cwd is an empty temp folder so a
  // developer's .env is not read.
  // Node flags NODE_OPTIONS refuses (`--cpu-prof --cpu-prof-dir=/tmp/prof`), space-separated.
  const botNodeArgs = (process.env.BENCH_BOT_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const bot = spawnChild('bot', [...botNodeArgs, join(ROOT, 'dist', 'main.js')], {
    cwd,
    env: {
      PATH: path,
      AGENTS_DIR: join(ROOT, 'agents'),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      PORT: '0',
      DATABASE_PATH: dbPath,
      DATA_DIR: join(dir, 'data'),
      // No docs unless a test brings an archive: the sync finds nothing there and never reaches the network.
      FASTAPI_DOCS_SOURCE: join(dir, 'no-fastapi-docs.tar.gz'),
      DOCS_INDEX_PATH: join(dir, 'fastapi-docs.sqlite'),
      LOG_LEVEL: 'warn',
      // For memory investigations only (e.g. --max-old-space-size=96 tells retained memory from garbage).
      ...(process.env.BENCH_BOT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS } : {}),
    },
  });
  cleanup.add('stop the bot', () => bot.stop(5_000));
  const botRss = new RssSampler(bot.pid);
  cleanup.add('stop the RSS sampler', () => botRss.stop());

  const barePort = await waitForPort(bare, 20_000);
  const botPort = await waitForPort(bot, 30_000);
  const bareOrigin = `http://127.0.0.1:${barePort}`;
  const botOrigin = `http://127.0.0.1:${botPort}`;
  await waitForHealth(`${botOrigin}/healthz`, 20_000);
  progress(`bot pid ${bot.pid} on port ${botPort}, bare Bolt pid ${bare.pid} on port ${barePort}`);

  // The bot's own database, read-only, to know when every accepted question is closed.
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  cleanup.add('close the bot database', () => db.close());
  const counts = db.prepare(`
    SELECT count(*) AS total,
           count(DISTINCT channel_id || '/' || message_key) AS distinctMessages,
           coalesce(sum(state IN ('pending', 'answering')), 0) AS open,
           coalesce(sum(state = 'answered'), 0) AS answered,
           coalesce(sum(state = 'failed'), 0) AS failed
    FROM questions WHERE channel_id LIKE ?`);
  type Counts = { total: number; distinctMessages: number; open: number; answered: number; failed: number };
  const countsFor = (channelPattern: string) => counts.get(channelPattern) as Counts;
  const questionState = db.prepare('SELECT state FROM questions WHERE channel_id = ? AND message_key = ?');

  const load = new LoadClient();
  cleanup.add('close the load worker', () => load.close());
  const fire = (origin: string, bodies: string[]) =>
    load.run({ origin, path: '/slack/events', secret: SIGNING_SECRET, bodies, lanes: config.connections });
  // A measured run (a bot burst or a bare round alike) starts with the harness's garbage collected, here
  // and in the load generator, before the CPU window opens: the fakes keep every call for the checks, and
  // a collection of that heap in the middle of a burst takes a core from whichever server is measured.
  const collectOwnGarbage = exposedGc() ?? (() => {});
  const quiesceHarness = async () => {
    collectOwnGarbage();
    await load.collect();
  };
  // Before a bare round the bot must be done with its last burst, its idle collection included, or that
  // collection would take a core from bare Bolt's round: wait (at most 5 s) until the bot's count of
  // major collections has not moved for a second. Polled every 250 ms, so the scrapes themselves stay
  // far below what the bot counts as a busy event loop.
  const botSettled = async () => {
    let last = await gcTotals(botOrigin);
    let stableSince = Date.now();
    const deadline = Date.now() + 5_000;
    while (Date.now() - stableSince < 1_000 && Date.now() < deadline) {
      await sleep(250);
      const now = await gcTotals(botOrigin);
      if ((now.major?.count ?? 0) !== (last.major?.count ?? 0)) stableSince = Date.now();
      last = now;
    }
  };

  // --- part 1: burst -------------------------------------------------------------------------------------
  const bareRounds: RunStats[] = [];
  const describe = (result: RunStats) =>
    `${result.ok200}/${result.sent} 200s, p50 ${result.latencyMs.p50.toFixed(2)} ms, ` +
    `p99 ${result.latencyMs.p99.toFixed(2)} ms, ${result.requestsPerSecond.toFixed(0)} req/s`;
  const cpuPids = { bot: bot.pid, bench: process.pid, load: load.pid ?? 0, bare: bare.pid };
  const bareWindows: { start: number; end: number }[] = [];
  const bareCpu: Record<string, CpuShare>[] = [];
  const bareBotGc: GcTotals[] = [];
  const measureBare = async () => {
    await botSettled();
    await fire(bareOrigin, refreshBodies());
    await quiesceHarness();
    const botGcBefore = await gcTotals(botOrigin);
    const cpuEnd = cpuWindow(cpuPids);
    const start = Number(process.hrtime.bigint() / 1000n);
    const result = stats(await fire(bareOrigin, bareBodies(config.events)));
    bareWindows.push({ start, end: Number(process.hrtime.bigint() / 1000n) });
    bareCpu.push(cpuEnd());
    // The bot's collections while bare Bolt was measured: any would have shared the cores with it.
    bareBotGc.push(gcSince(botGcBefore, await gcTotals(botOrigin)));
    return result;
  };
  const bareRound = async (round: number) => {
    const result = await measureBare();
    bareRounds.push(result);
    progress(`bare Bolt round ${round}: ${describe(result)}`);
  };
  const rssTimeline: { after: string; rssMib: number }[] = [];
  const noteRss = (after: string) => rssTimeline.push({ after, rssMib: statusKib(bot.pid, 'VmRSS') / 1024 });
  noteRss('start');

  progress(`warming up: ${config.warmup} mentions to each server`);
  await fire(bareOrigin, bareBodies(config.warmup));
  tokenDelayMs = config.burstTokenDelayMs;
  await fire(botOrigin, botWarmBodies);
  const warmed = await waitUntil(
    () => {
      const c = countsFor('CW%');
      return c.total >= config.warmup && c.open === 0;
    },
    60_000,
    100,
  );
  if (!warmed) throw new Error(`the bot did not answer its ${config.warmup} warm-up questions within 60 s`);
  noteRss('warm-up answered');
  // Bare rounds right before and right after every bot burst: neighbours' load on a shared machine changes
  // over tens of seconds, so the rounds next to a burst are the fairest comparison for it. Each bare round
  // runs while the bot is idle (its previous burst drained), so bare Bolt never shares the cores with the
  // bot's answering.
  await bareRound(0);
  const anthropicBefore = anthropic.requests.length;
  const stopsBefore = stamps.stopStreams.length;
  const ephemeralsBefore = stamps.ephemerals;
  const rounds: BurstRound[] = [];
  let drainTimedOut = false;
  for (let r = 1; r <= config.rounds; r++) {
    const pattern = `CQ${roundLetter(r)}%`;
    const bodies = burstBodies[r - 1] ?? [];
    progress(
      `round ${r}/${config.rounds}: ${bodies.length} mentions in ${config.threads} threads over ` +
        `${config.connections} connections; the model streams ${config.burstChunkChars} characters every ` +
        `${config.burstTokenDelayMs} ms`,
    );
    await fire(botOrigin, refreshBodies());
    const roundStops = stamps.stopStreams.length;
    tokenDelayMs = config.burstTokenDelayMs;
    const modelBefore = anthropic.requests.length;
    await quiesceHarness();
    const gcBefore = await gcTotals(botOrigin);
    const cpuEnd = cpuWindow(cpuPids);
    const monoStart = Number(process.hrtime.bigint() / 1000n);
    const burstRaw = await fire(botOrigin, bodies);
    const monoEnd = Number(process.hrtime.bigint() / 1000n);
    const cpu = cpuEnd();
    const gc = gcSince(gcBefore, await gcTotals(botOrigin));
    const modelWhileAcking = anthropic.requests.length - modelBefore;
    // The acks are measured; the rest of the answers may come as fast as the bot takes them.
    tokenDelayMs = config.drainTokenDelayMs;
    const botStats = stats(burstRaw);
    if (r === 1) noteRss('burst acked');
    progress(
      `bot round ${r}: ${describe(botStats)}; ${modelWhileAcking} answers started while acking; draining`,
    );
    const deadline = burstRaw.startedAt + config.drainTimeoutMs;
    let timedOut = false;
    let lastReport = Date.now();
    for (;;) {
      const c = countsFor(pattern);
      if (c.total >= botStats.ok200 && c.open === 0) break;
      if (nowMs() > deadline) {
        timedOut = true;
        progress(`drain: gave up after ${config.drainTimeoutMs / 1000} s with ${c.open} questions open`);
        break;
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        progress(`drain: ${c.answered + c.failed}/${c.total} answered, ${c.open} open`);
      }
      await sleep(100);
    }
    const lastStop = stamps.stopStreams
      .slice(roundStops)
      .reduce((latest, stop) => Math.max(latest, stop.at), Number.NEGATIVE_INFINITY);
    if (r === 1) noteRss('drained');
    drainTimedOut ||= timedOut;
    // The PHR line of the last answers may still be on its way; it is not part of the next measurement.
    await sleep(500);
    await bareRound(r);
    const before = bareRounds[r - 1] ?? botStats;
    const after = bareRounds[r] ?? botStats;
    const bareP50Ms = (before.latencyMs.p50 + after.latencyMs.p50) / 2;
    const bareP99Ms = (before.latencyMs.p99 + after.latencyMs.p99) / 2;
    const round: BurstRound = {
      round: r,
      bot: botStats,
      bareBefore: before,
      bareAfter: after,
      bareP50Ms,
      bareP99Ms,
      p50Ratio: botStats.latencyMs.p50 / bareP50Ms,
      p99Ratio: botStats.latencyMs.p99 / bareP99Ms,
      modelRequestsWhileAcking: modelWhileAcking,
      drainMs: timedOut ? Number.NaN : lastStop - burstRaw.startedAt,
      drainTimedOut: timedOut,
      monotonicUs: { start: monoStart, end: monoEnd },
      cpu,
      gc,
    };
    rounds.push(round);
    progress(
      `round ${r}: ack p50 ${fixed(round.p50Ratio)}x, p99 ${fixed(round.p99Ratio)}x bare Bolt's ` +
        `(bot ${fixed(botStats.latencyMs.p50)} / ${fixed(botStats.latencyMs.p99)} ms, bare ${fixed(bareP50Ms)} / ${fixed(bareP99Ms)} ms)`,
    );
  }
  // The noise floor: one more bare round, so every bare round 1..R has a neighbour on each side and can
  // be held against their mean exactly as the bot's round r is held against bare rounds r-1 and r (an
  // A/A comparison: how far bare Bolt strays from itself on this machine, with the bot idle).
  await bareRound(config.rounds + 1);
  const bareAgainstNeighbours = rounds.map((round) => {
    const neighbours = [bareRounds[round.round - 1], bareRounds[round.round + 1]];
    const mean = neighbours.reduce((sum, run) => sum + (run?.latencyMs.p99 ?? Number.NaN), 0) / 2;
    return (bareRounds[round.round]?.latencyMs.p99 ?? Number.NaN) / mean;
  });
  const burstStops = stamps.stopStreams.slice(stopsBefore);
  const drainMs = rounds.reduce((sum, round) => sum + round.drainMs, 0);
  const vmHwmKib = statusKib(bot.pid, 'VmHWM');
  const memorySplit = {
    anonMib: statusKib(bot.pid, 'RssAnon') / 1024,
    fileMib: statusKib(bot.pid, 'RssFile') / 1024,
  };
  const sampledMaxKib = botRss.maxKib;

  // --- part 1: exactly one answer per question -------------------------------------------------------------
  const stopsPerMessage = new Map<string, number>();
  for (const stop of burstStops) {
    const key = `${stop.channel}/${stop.ts}`;
    stopsPerMessage.set(key, (stopsPerMessage.get(key) ?? 0) + 1);
  }
  const slackAnswers = new Map<string, { thread: string; stops: number }[]>();
  let warningMessages = 0;
  for (const channel of burstChannels) {
    for (const message of slack.messages(channel)) {
      if (message.user !== BOT_USER_ID) continue;
      if (message.text.startsWith(':warning:')) warningMessages++;
      const id = /^Answer for (QID\d{6})/.exec(message.text)?.[1];
      if (!id || message.streaming) continue;
      const list = slackAnswers.get(id) ?? [];
      list.push({
        thread: `${message.channel}/${message.thread_ts ?? ''}`,
        stops: stopsPerMessage.get(`${message.channel}/${message.ts}`) ?? 0,
      });
      slackAnswers.set(id, list);
    }
  }
  const expected = config.events * config.rounds;
  let answeredExactlyOnce = 0;
  let anthropicDuplicates = 0;
  let slackMissing = 0;
  let slackDuplicates = 0;
  let wrongThread = 0;
  let stopStreamNotOnce = 0;
  let anthropicRequestsForBurst = 0;
  for (let i = 0; i < expected; i++) {
    const id = marker('QID', i);
    const requests = requestsByMarker.get(id) ?? 0;
    anthropicRequestsForBurst += requests;
    if (requests > 1) anthropicDuplicates++;
    const answers = slackAnswers.get(id) ?? [];
    if (answers.length === 0) slackMissing++;
    if (answers.length > 1) slackDuplicates++;
    const answer = answers[0];
    const rightThread = answer !== undefined && answer.thread === threadOfQuestion.get(id);
    if (answer && !rightThread) wrongThread++;
    if (answer && answer.stops !== 1) stopStreamNotOnce++;
    if (requests === 1 && answers.length === 1 && rightThread && answer?.stops === 1) answeredExactlyOnce++;
  }
  const dbCounts = countsFor('CQ%');
  const burstRequests = anthropic.requests.slice(anthropicBefore).filter((r) => r.path === '/v1/messages');
  progress(
    `answers: ${answeredExactlyOnce}/${expected} exactly once; model requests ${burstRequests.length}; ` +
      `drains ${rounds.map((round) => fixed(round.drainMs / 1000, 1)).join(' · ')} s; bot VmHWM ${(vmHwmKib / 1024).toFixed(0)} MiB`,
  );
  const bareHwmKib = statusKib(bare.pid, 'VmHWM');

  // --- part 2: streaming overhead --------------------------------------------------------------------------
  tokenDelayMs = config.streamTokenDelayMs;
  progress(`streaming: ${config.streamQuestions} sequential questions, ${tokenDelayMs} ms per token chunk`);
  const overhead: number[] = [];
  const pickup: number[] = [];
  const endToEnd: number[] = [];
  for (let k = 0; k < config.streamQuestions; k++) {
    const id = marker('SID', k);
    const ts = nextTs();
    const channel = pick(streamChannels, k);
    const key = `${channel}/${ts}`;
    const sentAt = nowMs();
    const response = await sendEvent(
      botOrigin,
      SIGNING_SECRET,
      appMentionEnvelope({
        text: `<@${BOT_USER_ID}> ${id} ${QUESTIONS[k % QUESTIONS.length] ?? ''}`,
        user: pick(streamUsers, Math.floor(k / PER_USER)),
        channel,
        ts,
      }),
    );
    if (response.status !== 200) continue;
    await waitUntil(() => {
      const row = questionState.get(channel, ts) as { state: string } | undefined;
      return row?.state === 'answered' || row?.state === 'failed';
    }, 30_000);
    // The PHR line follows the answer; waiting for it keeps one question's tail out of the next one's numbers.
    await waitUntil(() => stamps.threadPosts.has(key), 3_000);
    const token = firstTokenAt.get(id);
    const text = stamps.firstText.get(key);
    if (token === undefined || text === undefined) continue;
    overhead.push(text - token);
    pickup.push(token - sentAt);
    endToEnd.push(text - sentAt);
  }

  noteRss('streaming done');

  // --- diagnostic: the same burst while no answer is being written -------------------------------------------
  // The model is held, so the worker's 4 claimed answers wait and the event loop does nothing but ack. The
  // gap to the live burst is what answering in the same process costs the acks.
  let held: LiveResults['heldDiagnostic'];
  if (config.diagnostics) {
    progress('diagnostic: the burst again with the model held (no answer work while acking)');
    const heldUsers = ids('UD', Math.ceil(config.events / PER_USER));
    const heldChannels = ids('CD', Math.min(config.threads, Math.ceil(config.events / PER_CHANNEL)));
    for (const [i, user] of heldUsers.entries()) slack.users.set(user, { name: `held${i + 1}` });
    const heldThreads = Array.from({ length: config.threads }, (_, t) => {
      const channel = pick(heldChannels, t);
      return { channel, ts: seedThread(channel, pick(heldUsers, t), t) };
    });
    const heldBodies = Array.from({ length: config.events }, (_, i) => {
      const thread = heldThreads[i % heldThreads.length] ?? { channel: pick(heldChannels, 0), ts: nextTs() };
      const user = pick(heldUsers, Math.floor(i / PER_USER));
      return mentionBody({
        id: marker('WID', 500_000 + i),
        n: i,
        user,
        channel: thread.channel,
        threadTs: thread.ts,
      });
    });
    const gate = anthropic.hold();
    try {
      const bareNext = await measureBare();
      progress(`bare Bolt, next to it: ${describe(bareNext)}`);
      await fire(botOrigin, refreshBodies());
      const botHeld = stats(await fire(botOrigin, heldBodies));
      progress(`bot with the model held: ${describe(botHeld)}`);
      held = { bot: botHeld, bare: bareNext, p99Ratio: botHeld.latencyMs.p99 / bareNext.latencyMs.p99 };
    } finally {
      gate.release();
    }
    noteRss('held burst acked');
  }

  // --- wind down -------------------------------------------------------------------------------------------
  botRss.stop();
  const finalHwmKib = statusKib(bot.pid, 'VmHWM');
  const botExitCode = await bot.stop(25_000);
  await bare.stop(2_000);

  return {
    config,
    order:
      'bare Bolt warm-up, bot warm-up (answers drained), bare Bolt round 0, then per round r: bot burst r ' +
      `(and its drain), bare Bolt round r; then bare Bolt round R+1; round r's ratio is against the mean of ` +
      `bare rounds r-1 and r, and the noise floor is bare round r's p99 against the mean of bare rounds r-1 and r+1; ` +
      `every measured run is preceded by ${config.connections} no-op mentions (written by another app) ` +
      'that (re)open the keep-alive connections',
    bare: {
      rounds: bareRounds,
      peakRssMib: bareHwmKib / 1024,
      monotonicUs: bareWindows,
      cpu: bareCpu,
      botGc: bareBotGc,
    },
    rounds,
    worstP50Ratio: Math.max(...rounds.map((round) => round.p50Ratio)),
    worstP99Ratio: Math.max(...rounds.map((round) => round.p99Ratio)),
    bareAgainstNeighbours,
    answers: {
      expected,
      answeredExactlyOnce,
      anthropicRequestsForBurst,
      modelRequestsDuringBurst: burstRequests.length,
      privateNotes: stamps.ephemerals - ephemeralsBefore,
      anthropicDuplicates,
      slackMissing,
      slackDuplicates,
      wrongThread,
      stopStreamNotOnce,
      warningMessages,
      dbQuestions: dbCounts.total,
      dbDistinctMessages: dbCounts.distinctMessages,
      dbAnswered: dbCounts.answered,
      dbFailed: dbCounts.failed,
    },
    drain: {
      ms: drainMs,
      timedOut: drainTimedOut,
      answersPerSecond: (burstStops.length / drainMs) * 1000,
    },
    rss: {
      peakMib: Math.max(vmHwmKib, sampledMaxKib) / 1024,
      vmHwmMib: vmHwmKib / 1024,
      sampledMaxMib: sampledMaxKib / 1024,
      afterStreamingHwmMib: finalHwmKib / 1024,
    },
    rssTimeline,
    memorySplitAfterDrain: memorySplit,
    heldDiagnostic: held,
    botProblems: Object.fromEntries(bot.problems()),
    botExitCode,
    streaming: {
      questions: config.streamQuestions,
      tokenDelayMs: config.streamTokenDelayMs,
      measured: overhead.length,
      firstTokenToFirstTextMs: summarize(overhead),
      mentionToFirstTokenMs: summarize(pickup),
      mentionToFirstTextMs: summarize(endToEnd),
    },
  };
}
