// Part 3: the bot's SQLite code in-process, against a file the size of a long-lived workspace.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPrompt } from '../src/answering/prompt.js';
import { SqliteInboxStore } from '../src/inbox/store-sqlite.js';
import { FolderNumbers } from '../src/records/numbered-files.js';
import { SqliteConversationStore } from '../src/store/conversation-store-sqlite.js';
import { checkpointInBackground, openDatabase } from '../src/store/database.js';
import {
  type Cleanup,
  createRng,
  median,
  progress,
  prose,
  randomInt,
  type Summary,
  summarize,
} from './common.js';

export interface StorageConfig {
  turns: number;
  threads: number;
  /** Threads of exactly `longThreadTurns` turns, the ones the prompt benchmark reads. */
  longThreads: number;
  longThreadTurns: number;
  promptIterations: number;
  acceptIterations: number;
  rounds: number;
  budgetTokens: number;
}

export interface StorageResults {
  config: StorageConfig;
  build: { seconds: number; rowsPerSecond: number; fileMiB: number; questions: number; seenEvents: number };
  /** Medians over `rounds` rounds of `promptIterations` random long threads each. */
  prompt: {
    turnsPerThread: number;
    textKiB: number;
    p50Ms: number;
    p99Ms: number;
    queryP50Ms: number;
    queryP99Ms: number;
    buildP50Ms: number;
    buildP99Ms: number;
    rounds: { totalMs: Summary; queryMs: Summary; buildPromptMs: Summary; textKiB: number }[];
    /** One extra round with PRAGMA mmap_size = 4 GiB (not what the bot does). */
    diagnosticWithMmap: Summary;
    /** One extra round on threads whose rows were inserted contiguously (not how the bot's rows arrive). */
    diagnosticContiguousRows: Summary;
  };
  /** Medians over `rounds` rounds of `acceptIterations` accepts each. */
  accept: {
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    over1msPerRound: number[];
    rounds: Summary[];
    accepted: number;
    expected: number;
    retryDropped: boolean;
    /** One extra round with SQLite's automatic checkpoints on (what the bot avoids: see store/checkpointer.ts). */
    diagnosticWithoutAutoCheckpoint: Summary;
  };
  /** Median time of one uncached folder scan (readdirSync) over a records folder of `files` files; the bot now scans once per folder. */
  phrNumbering: { files: number; ms: number }[];
}

const CHANNELS = 500;
const HISTORY_START = Date.parse('2025-01-01T00:00:00Z');
const USERS = 2_000;
const BATCH = 20_000;
const POOL = 1_024;

const channelId = (n: number) => `C${String(n % CHANNELS).padStart(9, '0')}`;
const threadTs = (t: number) => `${1_600_000_000 + t}.000100`;
/** Unique per row, increasing in insertion order like real Slack timestamps. */
const messageTs = (i: number) =>
  `${1_700_000_000 + Math.floor(i / 100_000)}.${String(i % 100_000).padStart(6, '0')}`;

export async function runStorage(config: StorageConfig, cleanup: Cleanup): Promise<StorageResults> {
  const dir = mkdtempSync(join(tmpdir(), 'fastapi-bot-bench-store-'));
  cleanup.add('remove the storage temp dir', () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'bot.db');
  const rng = createRng(20_260_101);

  // Realistic sizes: people write a few lines, the assistant a few paragraphs.
  const userTexts = Array.from({ length: POOL }, () => prose(rng, randomInt(rng, 150, 900)));
  const assistantTexts = Array.from({ length: POOL }, () => prose(rng, randomInt(rng, 400, 1_500)));

  // How many turns each thread has: `longThreads` of exactly 200, the rest shared evenly.
  const longThreads = Math.min(config.longThreads, config.threads);
  const rest = config.turns - longThreads * config.longThreadTurns;
  const others = config.threads - longThreads;
  if (rest < others) throw new Error('BENCH_TURNS is too small for the thread counts');
  const perThread = new Uint32Array(config.threads);
  for (let t = 0; t < config.threads; t++) {
    perThread[t] =
      t < longThreads
        ? config.longThreadTurns
        : Math.floor(rest / others) + (t - longThreads < rest % others ? 1 : 0);
  }
  // Turns arrive interleaved across threads over time, so a thread's rows are spread over the whole file
  // (not stored next to each other as a thread-by-thread load would leave them).
  const order = new Int32Array(config.turns);
  let filled = 0;
  for (let t = 0; t < config.threads; t++) {
    for (let k = 0; k < (perThread[t] ?? 0); k++) order[filled++] = t;
  }
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const swap = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = swap;
  }

  // --- build -----------------------------------------------------------------------------------------
  progress(
    `storage: building ${config.turns.toLocaleString('en')} turns in ${config.threads.toLocaleString('en')} threads`,
  );
  const started = performance.now();
  const build = openDatabase(path);
  // Build-only settings (the load is not what is measured); the measurements reopen the file with the
  // bot's own openDatabase() settings.
  build.pragma('synchronous = OFF');
  build.pragma('cache_size = -262144');
  const insertThread = build.prepare(
    "INSERT INTO threads (channel_id, thread_ts, team_id, created_at) VALUES (?, ?, 'T0001', ?)",
  );
  // Turns are keyed by (channel, thread, id); any increasing id keeps each thread's order.
  let turnId = 0;
  const insertTurnRow = build.prepare(`
    INSERT INTO turns (channel_id, thread_ts, id, role, user_id, user_name, text, message_ts, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertTurn = {
    run: (channel: string, thread: string, ...rest: (string | null)[]) =>
      insertTurnRow.run(channel, thread, ++turnId, ...rest),
  };
  const insertQuestion = build.prepare(`
    INSERT INTO questions (source, team_id, channel_id, message_key, thread_ts, user_id, text, state, attempts,
                           created_at, updated_at)
    VALUES ('mention', 'T0001', ?, ?, ?, ?, ?, 'answered', 1, ?, ?)`);
  const insertSeen = build.prepare('INSERT INTO seen_events (event_id, received_at) VALUES (?, ?)');
  const createdAt = new Date('2026-01-01T00:00:00Z').toISOString();

  build.transaction(() => {
    for (let t = 0; t < config.threads; t++) insertThread.run(channelId(t), threadTs(t), createdAt);
  })();
  const nextTurn = new Uint32Array(config.threads);
  let questions = 0;
  const insertBatch = build.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const t = order[i] ?? 0;
      const k = nextTurn[t] ?? 0;
      nextTurn[t] = k + 1;
      const channel = channelId(t);
      const thread = threadTs(t);
      const ts = messageTs(i);
      // A turn every 25 s or so: a couple of years of history, in the order it happened.
      const at = new Date(HISTORY_START + i * 25_000).toISOString();
      const pick = (t * 31 + k) % POOL;
      if (k % 2 === 0) {
        const user = (t * 7 + k) % USERS;
        const text = userTexts[pick] ?? '';
        insertTurn.run(channel, thread, 'user', `U${user}`, `dev${user}`, text, ts, at);
        // Every user turn was once a question in the inbox (kept unless RETENTION_DAYS is set).
        insertQuestion.run(channel, ts, thread, `U${user}`, text, at, at);
        questions++;
      } else {
        insertTurn.run(channel, thread, 'assistant', null, null, assistantTexts[pick] ?? '', ts, at);
      }
    }
  });
  let lastReport = performance.now();
  for (let from = 0; from < config.turns; from += BATCH) {
    insertBatch(from, Math.min(from + BATCH, config.turns));
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      progress(`storage: ${Math.min(from + BATCH, config.turns).toLocaleString('en')} turns written`);
    }
  }
  // Diagnostic threads whose rows are contiguous (as if the table were clustered by thread), kept apart from
  // the measured ones: comparing both says how much of a prompt's cost is rows scattered over the file.
  const contiguous = Math.min(100, longThreads);
  build.transaction(() => {
    let i = config.turns;
    for (let d = 0; d < contiguous; d++) {
      const t = config.threads + d;
      insertThread.run(channelId(t), threadTs(t), createdAt);
      for (let k = 0; k < config.longThreadTurns; k++) {
        const user = k % 2 === 0;
        const text = (user ? userTexts : assistantTexts)[(t * 31 + k) % POOL] ?? '';
        insertTurn.run(
          channelId(t),
          threadTs(t),
          user ? 'user' : 'assistant',
          null,
          null,
          text,
          messageTs(i++),
          createdAt,
        );
      }
    }
  })();
  // A day of Slack event ids, which the bot keeps for deduplication.
  const seenEvents = 50_000;
  build.transaction(() => {
    for (let i = 0; i < seenEvents; i++) insertSeen.run(`EvSEEN${String(i).padStart(8, '0')}`, createdAt);
  })();
  build.pragma('wal_checkpoint(TRUNCATE)');
  build.close();
  const seconds = (performance.now() - started) / 1000;
  const fileMiB = statSync(path).size / 1024 / 1024;
  progress(`storage: built in ${seconds.toFixed(1)} s, ${fileMiB.toFixed(0)} MiB`);

  // --- measure with the bot's settings -----------------------------------------------------------------------
  const db = openDatabase(path);
  // As the bot does: checkpoints in a background thread, not inside an accept.
  const checkpointer = checkpointInBackground(db, path);
  cleanup.add('close the storage database', () => {
    if (db.open) db.close();
  });
  const conversations = new SqliteConversationStore(db);
  const inbox = new SqliteInboxStore(db);

  // Each measurement runs in rounds and reports the median round: the machine is shared, and one noisy
  // neighbour's burst should move one round, not the result.
  const promptRound = async (pickThread = () => Math.floor(rng() * longThreads)) => {
    const total: number[] = [];
    const query: number[] = [];
    const build: number[] = [];
    let chars = 0;
    for (let i = 0; i < config.promptIterations; i++) {
      const t = pickThread();
      const key = { channelId: channelId(t), threadTs: threadTs(t) };
      const t0 = performance.now();
      const turns = await conversations.turns(key);
      const t1 = performance.now();
      const built = buildPrompt(turns, config.budgetTokens);
      const t2 = performance.now();
      if (turns.length !== config.longThreadTurns || built.messages.length === 0) {
        throw new Error(`thread ${t} has ${turns.length} turns, expected ${config.longThreadTurns}`);
      }
      total.push(t2 - t0);
      query.push(t1 - t0);
      build.push(t2 - t1);
      chars += turns.reduce((sum, turn) => sum + turn.text.length, 0);
    }
    return {
      totalMs: summarize(total),
      queryMs: summarize(query),
      buildPromptMs: summarize(build),
      textKiB: chars / config.promptIterations / 1024,
    };
  };

  let acceptSerial = 0;
  let accepted = 0;
  const questionText = userTexts[0] ?? 'how do we paginate?';
  const acceptRound = async () => {
    const times: number[] = [];
    for (let i = 0; i < config.acceptIterations; i++) {
      const n = acceptSerial++;
      const t = Math.floor(rng() * config.threads);
      const question = {
        source: 'mention' as const,
        teamId: 'T0001',
        channelId: channelId(t),
        messageKey: `1800000000.${String(n).padStart(6, '0')}`,
        threadTs: threadTs(t),
        userId: `U${n % USERS}`,
        text: questionText,
      };
      const t0 = performance.now();
      const result = await inbox.accept(`EvBENCH${String(n).padStart(8, '0')}`, question);
      times.push(performance.now() - t0);
      if (result.accepted) accepted++;
    }
    return { ms: summarize(times), over1ms: times.filter((time) => time > 1).length };
  };

  // JIT and statement warm-up, not counted.
  for (let i = 0; i < 50; i++) await conversations.turns({ channelId: channelId(i), threadTs: threadTs(i) });
  const promptRounds: Awaited<ReturnType<typeof promptRound>>[] = [];
  const acceptRounds: Awaited<ReturnType<typeof acceptRound>>[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    promptRounds.push(await promptRound());
    acceptRounds.push(await acceptRound());
    const p = promptRounds.at(-1);
    const a = acceptRounds.at(-1);
    progress(
      `storage round ${round}: prompt p50 ${p?.totalMs.p50.toFixed(2)} p99 ${p?.totalMs.p99.toFixed(2)} ms; ` +
        `accept p50 ${a?.ms.p50.toFixed(3)} p99 ${a?.ms.p99.toFixed(3)} ms`,
    );
  }
  // The dedupe path: a redelivery of the last event must be dropped.
  const retry = await inbox.accept(`EvBENCH${String(acceptSerial - 1).padStart(8, '0')}`, {
    source: 'mention',
    teamId: 'T0001',
    channelId: channelId(0),
    messageKey: '1899999999.000001',
    threadTs: threadTs(0),
    userId: 'U1',
    text: questionText,
  });

  // Diagnostics, NOT the bot's settings: one round each with one knob changed, to say what limits the numbers.
  const onContiguousRows = (await promptRound(() => config.threads + Math.floor(rng() * contiguous))).totalMs;
  db.pragma('mmap_size = 4294967296');
  const withMmap = (await promptRound()).totalMs;
  db.pragma('mmap_size = 0');
  await checkpointer.stop();
  db.pragma('wal_autocheckpoint = 1000');
  const withoutAutoCheckpoint = (await acceptRound()).ms;
  db.pragma('wal_autocheckpoint = 0');
  db.close();

  // Every answer's PHR number comes from listing its records folder (records/numbered-files.ts), with
  // synchronous fs calls on the event loop that also acks Slack: timed here as the folder grows.
  const folder = join(dir, 'history', 'prompts', 'general');
  mkdirSync(folder, { recursive: true });
  const phrNumbering: { files: number; ms: number }[] = [];
  let files = 0;
  for (const target of [1_250, 20_000]) {
    for (; files < target; files++) {
      writeFileSync(
        join(folder, `${String(files + 1).padStart(4, '0')}-paginate-items-endpoint.general.prompt.md`),
        '',
      );
    }
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      new FolderNumbers().highest(folder);
      times.push(performance.now() - t0);
    }
    phrNumbering.push({ files: target, ms: median(times) });
  }

  const mid = <T>(values: T[], pick: (value: T) => number) => median(values.map(pick));
  return {
    config,
    build: { seconds, rowsPerSecond: config.turns / seconds, fileMiB, questions, seenEvents },
    prompt: {
      turnsPerThread: config.longThreadTurns,
      textKiB: mid(promptRounds, (r) => r.textKiB),
      p50Ms: mid(promptRounds, (r) => r.totalMs.p50),
      p99Ms: mid(promptRounds, (r) => r.totalMs.p99),
      queryP50Ms: mid(promptRounds, (r) => r.queryMs.p50),
      queryP99Ms: mid(promptRounds, (r) => r.queryMs.p99),
      buildP50Ms: mid(promptRounds, (r) => r.buildPromptMs.p50),
      buildP99Ms: mid(promptRounds, (r) => r.buildPromptMs.p99),
      rounds: promptRounds,
      diagnosticWithMmap: withMmap,
      diagnosticContiguousRows: onContiguousRows,
    },
    accept: {
      p50Ms: mid(acceptRounds, (r) => r.ms.p50),
      p99Ms: mid(acceptRounds, (r) => r.ms.p99),
      maxMs: Math.max(...acceptRounds.map((r) => r.ms.max)),
      over1msPerRound: acceptRounds.map((r) => r.over1ms),
      rounds: acceptRounds.map((r) => r.ms),
      accepted,
      expected: acceptSerial,
      retryDropped: !retry.accepted && retry.reason === 'retry',
      diagnosticWithoutAutoCheckpoint: withoutAutoCheckpoint,
    },
    phrNumbering,
  };
}
