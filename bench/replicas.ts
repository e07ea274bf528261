// Part 6 (replicas): the same burst against one bot on SQLite, one on PostgreSQL and two on one PostgreSQL,
// one setup after the other, against the loopback fakes of the live part. Reported numbers, not targets,
// except that every question is answered exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type RunningPostgres,
  socketUrl,
  startEmbeddedPostgres,
} from '../tests/helpers/embedded-postgres.js';
import { nextTs } from '../tests/helpers/slack-requests.js';
import { type Cleanup, fixed, nowMs, progress, sleep } from './common.js';
import { ids, marker, mentionBody, PER_CHANNEL, PER_USER, type RunStats, stats } from './live.js';
import { LoadClient, statusKib } from './processes.js';
import {
  type AnswerCheck,
  type Bot,
  exactlyOnce,
  type Fakes,
  fireSpread,
  postgresCounter,
  postmasterPid,
  type QuestionCounter,
  refreshBodies,
  sqliteCounter,
  startBot,
  startFakes,
  treeCpuMs,
  waitDrained,
} from './replica-fleet.js';

export interface ReplicasConfig {
  events: number;
  threads: number;
  connections: number;
  warmup: number;
  burstTokenDelayMs: number;
  burstChunkChars: number;
  drainTokenDelayMs: number;
  drainTimeoutMs: number;
}

export interface SetupResult {
  name: string;
  backend: 'sqlite' | 'postgres';
  replicas: number;
  /** Acks of the burst, all replicas together; perReplicaOk: the 200s each replica sent. */
  acks: RunStats;
  perReplicaOk: number[];
  /** First model request of the burst -> last chat.stopStream. */
  drainMs: number;
  drainTimedOut: boolean;
  answersPerSecond: number;
  /** CPU seconds during the burst and its drain: all bots, the PostgreSQL server, the bench (fakes), the load generator. */
  cpuSeconds: { bots: number; postgres: number; bench: number; load: number };
  /** Model requests made while the burst was being acked (answers streaming next to the acks). */
  modelRequestsWhileAcking: number;
  answers: AnswerCheck & {
    expected: number;
    modelRequests: number;
    /** chat.postEphemeral calls: a refused question (rate limit) shows here. */
    privateNotes: number;
    dbAnswered: number;
    dbFailed: number;
  };
  /** Per replica: VmHWM after the drain, and the highest VmRSS sampled every 50 ms. */
  peakRssMib: number[];
  sampledRssMib: number[];
  exitCodes: (number | null)[];
  problems: Record<string, number>;
}

export interface ReplicasResults {
  config: ReplicasConfig;
  postgresStartMs: number;
  setups: SetupResult[];
}

/** The bodies of one setup: its own askers, channels and threads, spread so rate limits accept all. */
function setupBodies(fakes: Fakes, config: ReplicasConfig, setup: number) {
  const letter = String.fromCharCode(65 + setup);
  const users = ids(`U${letter}R`, Math.ceil(config.events / PER_USER));
  const channels = ids(`C${letter}R`, Math.min(config.threads, Math.ceil(config.events / PER_CHANNEL)));
  const warmUsers = ids(`U${letter}W`, Math.ceil(config.warmup / PER_USER));
  const warmChannels = ids(`C${letter}W`, Math.ceil(config.warmup / PER_CHANNEL));
  for (const user of [...users, ...warmUsers]) fakes.slack.users.set(user, { name: user.toLowerCase() });
  const threadOf = new Map<string, string>();
  const build = (
    people: string[],
    rooms: string[],
    count: number,
    threads: number,
    id: (i: number) => string,
  ) => {
    const roots = Array.from({ length: threads }, (_, t) => {
      const channel = rooms[t % rooms.length] ?? '';
      const ts = nextTs();
      fakes.slack.seedMessage({
        channel,
        ts,
        user: people[t % people.length] ?? '',
        text: `Design thread ${t}`,
      });
      return { channel, ts };
    });
    return Array.from({ length: count }, (_, i) => {
      const root = roots[i % roots.length] ?? { channel: rooms[0] ?? '', ts: nextTs() };
      threadOf.set(id(i), `${root.channel}/${root.ts}`);
      const user = people[Math.floor(i / PER_USER) % people.length] ?? '';
      return mentionBody({ id: id(i), n: i, user, channel: root.channel, threadTs: root.ts });
    });
  };
  const burst = build(users, channels, config.events, config.threads, (i) =>
    marker('QID', setup * 100_000 + i),
  );
  const warm = build(warmUsers, warmChannels, config.warmup, 10, (i) => marker('WID', setup * 100_000 + i));
  return { burst, warm, threadOf, channels, burstPrefix: `C${letter}R`, warmPrefix: `C${letter}W` };
}

interface SetupPlan {
  name: string;
  backend: 'sqlite' | 'postgres';
  replicas: number;
}

export const SETUPS: SetupPlan[] = [
  { name: '1 bot, SQLite', backend: 'sqlite', replicas: 1 },
  { name: '1 bot, PostgreSQL', backend: 'postgres', replicas: 1 },
  { name: '2 bots, one PostgreSQL', backend: 'postgres', replicas: 2 },
];

interface Context {
  config: ReplicasConfig;
  fakes: Fakes;
  load: LoadClient;
  postgres: RunningPostgres;
  cleanup: Cleanup;
}

/** The setup's database (a fresh PostgreSQL database, or a SQLite file), its bots and a reader of its questions. */
async function openSetup(plan: SetupPlan, index: number, context: Context) {
  const { fakes, postgres, cleanup } = context;
  const dir = mkdtempSync(join(tmpdir(), 'fastapi-bot-replicas-'));
  cleanup.add(`remove the ${plan.name} temp dir`, () => rmSync(dir, { recursive: true, force: true }));
  let database: Record<string, string>;
  let openCounter: () => QuestionCounter;
  if (plan.backend === 'postgres') {
    const name = `bench_setup_${index}`;
    const admin = new pg.Client({ connectionString: socketUrl(postgres.server, 'postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
    const url = socketUrl(postgres.server, name);
    database = { DATABASE_URL: url };
    openCounter = () => postgresCounter(url);
  } else {
    const path = join(dir, 'db', 'bot.db');
    database = { DATABASE_PATH: path };
    openCounter = () => sqliteCounter(path);
  }
  const bots: Bot[] = [];
  for (let k = 0; k < plan.replicas; k++) {
    const bot = await startBot(
      `${plan.name} replica ${k + 1}`,
      fakes,
      join(dir, `replica-${k + 1}`),
      database,
    );
    cleanup.add(`stop ${bot.child.name}`, () => bot.child.stop(5_000));
    cleanup.add(`stop the RSS sampler of ${bot.child.name}`, () => bot.rss.stop());
    bots.push(bot);
  }
  // Opened once the bots migrated the database.
  const counter = openCounter();
  cleanup.add(`close the ${plan.name} question counter`, () => counter.close());
  return { bots, counter };
}

/** Starts counting CPU time; the returned function gives the seconds used since, per group. */
function cpuMeter(bots: Bot[], context: Context) {
  const postmaster = postmasterPid(context.postgres.dataDir);
  const read = () => ({
    bots: treeCpuMs(bots.map((bot) => bot.child.pid)),
    postgres: treeCpuMs([postmaster]),
    bench: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    load: treeCpuMs(context.load.pid ? [context.load.pid] : []),
  });
  const before = read();
  return () => {
    const after = read();
    return {
      bots: (after.bots - before.bots) / 1000,
      postgres: (after.postgres - before.postgres) / 1000,
      bench: (after.bench - before.bench) / 1000,
      load: (after.load - before.load) / 1000,
    };
  };
}

/** Warm-up (drained at the model's pace), then the measured burst and its drain. */
async function burstAndDrain(
  plan: SetupPlan,
  bodies: ReturnType<typeof setupBodies>,
  setup: { bots: Bot[]; counter: QuestionCounter },
  context: Context,
) {
  const { config, fakes, load } = context;
  const { bots, counter } = setup;
  fakes.setDelay(config.burstTokenDelayMs);
  await fireSpread(load, bots, bodies.warm, config.connections);
  const warmed = await waitDrained(counter, bodies.warmPrefix, config.warmup, nowMs() + 60_000);
  if (warmed.timedOut) throw new Error(`${plan.name}: the warm-up questions were not answered within 60 s`);

  await fireSpread(load, bots, refreshBodies(config.connections), config.connections);
  const from = {
    stops: fakes.stamps.stopStreams.length,
    model: fakes.anthropic.requests.length,
    notes: fakes.stamps.ephemerals,
  };
  const cpu = cpuMeter(bots, context);
  const { merged, perReplicaOk } = await fireSpread(load, bots, bodies.burst, config.connections);
  const modelWhileAcking = fakes.anthropic.requests.length - from.model;
  // The acks are measured; the rest of the answers may come as fast as the bots take them.
  fakes.setDelay(config.drainTokenDelayMs);
  const acks = stats(merged);
  progress(
    `${plan.name}: ${acks.ok200}/${acks.sent} acked, p50 ${fixed(acks.latencyMs.p50)} ms, ` +
      `p99 ${fixed(acks.latencyMs.p99)} ms; draining`,
  );
  const deadline = merged.startedAt + config.drainTimeoutMs;
  const drained = await waitDrained(counter, bodies.burstPrefix, acks.ok200, deadline);
  const cpuSeconds = cpu();
  const lastStop = fakes.stamps.stopStreams
    .slice(from.stops)
    .reduce((latest, stop) => Math.max(latest, stop.at), 0);
  const firstRequest = Math.min(
    ...[...bodies.threadOf.keys()]
      .filter((id) => id.startsWith('QID'))
      .map((id) => fakes.firstRequestAt.get(id) ?? Number.POSITIVE_INFINITY),
  );
  // The record lines of the last answers may still be on their way.
  await sleep(500);
  return {
    acks,
    perReplicaOk,
    drained,
    drainMs: drained.timedOut ? Number.NaN : lastStop - firstRequest,
    check: exactlyOnce(fakes, bodies.channels, bodies.threadOf, from.stops),
    modelRequests: fakes.anthropic.requests.slice(from.model).filter((r) => r.path === '/v1/messages').length,
    privateNotes: fakes.stamps.ephemerals - from.notes,
    modelWhileAcking,
    cpuSeconds,
  };
}

async function runSetup(plan: SetupPlan, index: number, context: Context): Promise<SetupResult> {
  const { config, fakes } = context;
  const bodies = setupBodies(fakes, config, index);
  const setup = await openSetup(plan, index, context);
  progress(`${plan.name}: ${setup.bots.map((bot) => `pid ${bot.child.pid} at ${bot.origin}`).join(', ')}`);
  const run = await burstAndDrain(plan, bodies, setup, context);
  const peakRssMib = setup.bots.map((bot) => statusKib(bot.child.pid, 'VmHWM') / 1024);
  const sampledRssMib = setup.bots.map((bot) => bot.rss.maxKib / 1024);
  const problems: Record<string, number> = {};
  const exitCodes: (number | null)[] = [];
  for (const bot of setup.bots) {
    bot.rss.stop();
    exitCodes.push(await bot.child.stop(25_000));
    for (const [message, n] of bot.child.problems()) problems[message] = (problems[message] ?? 0) + n;
  }
  await setup.counter.close();
  const answersPerSecond = (run.drained.counts.answered / run.drainMs) * 1000;
  progress(
    `${plan.name}: ${run.check.answeredExactlyOnce}/${config.events} answered exactly once ` +
      `${JSON.stringify(run.check)}; drain ${fixed(run.drainMs / 1000, 1)} s (${fixed(answersPerSecond, 1)} ` +
      `answers/s); VmHWM ${peakRssMib.map((mib) => fixed(mib, 0)).join(' · ')} MiB`,
  );
  return {
    name: plan.name,
    backend: plan.backend,
    replicas: plan.replicas,
    acks: run.acks,
    perReplicaOk: run.perReplicaOk,
    drainMs: run.drainMs,
    drainTimedOut: run.drained.timedOut,
    answersPerSecond,
    modelRequestsWhileAcking: run.modelWhileAcking,
    cpuSeconds: run.cpuSeconds,
    answers: {
      ...run.check,
      expected: config.events,
      modelRequests: run.modelRequests,
      privateNotes: run.privateNotes,
      dbAnswered: run.drained.counts.answered,
      dbFailed: run.drained.counts.failed,
    },
    peakRssMib,
    sampledRssMib,
    exitCodes,
    problems,
  };
}

export async function runReplicas(config: ReplicasConfig, cleanup: Cleanup): Promise<ReplicasResults> {
  const fakes = await startFakes(config, cleanup);
  progress('replicas: starting the embedded PostgreSQL (UNIX socket only)');
  const started = nowMs();
  const postgres = await startEmbeddedPostgres('fastapi-pg-bench-');
  cleanup.add('stop the embedded PostgreSQL', () => postgres.stop());
  const postgresStartMs = nowMs() - started;
  const load = new LoadClient();
  cleanup.add('close the load worker (replicas)', () => load.close());
  const setups: SetupResult[] = [];
  for (const [index, plan] of SETUPS.entries()) {
    progress(
      `replicas: ${plan.name}: ${config.events} mentions in ${config.threads} threads over ` +
        `${config.connections} connections`,
    );
    setups.push(await runSetup(plan, index, { config, fakes, load, postgres, cleanup }));
  }
  return { config, postgresStartMs, setups };
}
