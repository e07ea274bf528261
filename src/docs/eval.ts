import { EVAL_QUESTIONS, type EvalQuestion } from './eval/questions.js';
import type { DocsIndex, SearchResult } from './search.js';

export interface Scores {
  questions: number;
  recallAt1: number;
  recallAt3: number;
  recallAt5: number;
  mrr: number;
  misses: string[];
}

export interface EvalReport {
  tuned: { search: Scores; baseline: Scores };
  heldOut: { search: Scores; baseline: Scores };
  latency: { p50: number; p99: number; queries: number };
}

function score(questions: readonly EvalQuestion[], search: (q: string) => SearchResult[]): Scores {
  const ranks = questions.map((question) => {
    const pages = [...new Set(search(question.question).map((result) => result.page))];
    return pages.findIndex((page) => question.pages.includes(page)) + 1;
  });
  const share = (hit: (rank: number) => boolean) => ranks.filter(hit).length / Math.max(1, ranks.length);
  return {
    questions: questions.length,
    recallAt1: share((rank) => rank === 1),
    recallAt3: share((rank) => rank >= 1 && rank <= 3),
    recallAt5: share((rank) => rank >= 1 && rank <= 5),
    mrr: ranks.reduce((sum, rank) => sum + (rank > 0 ? 1 / rank : 0), 0) / Math.max(1, ranks.length),
    misses: questions.flatMap((q, i) => (ranks[i] === 1 ? [] : [`${q.question} (rank ${ranks[i] || '-'})`])),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Recall@1/3/5 and MRR of the search and of the plain baseline, plus search latency. */
export function evaluate(index: DocsIndex, questions = EVAL_QUESTIONS, rounds = 20): EvalReport {
  const limit = { limit: 10 };
  const both = (set: readonly EvalQuestion[]) => ({
    search: score(set, (q) => index.search(q, limit)),
    baseline: score(set, (q) => index.searchPlain(q, limit)),
  });
  const timings: number[] = [];
  for (let round = 0; round < rounds; round++)
    for (const { question } of questions) {
      const started = performance.now();
      index.search(question, { limit: 5 });
      timings.push(performance.now() - started);
    }
  timings.sort((a, b) => a - b);
  return {
    tuned: both(questions.filter((q) => !q.heldOut)),
    heldOut: both(questions.filter((q) => q.heldOut)),
    latency: { p50: percentile(timings, 50), p99: percentile(timings, 99), queries: timings.length },
  };
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`.padStart(7);

export function formatReport(report: EvalReport, verbose = false): string {
  const lines = [`${'set'.padEnd(10)} ${'method'.padEnd(12)}   n     R@1     R@3     R@5    MRR`];
  for (const [name, set] of [
    ['tuned', report.tuned],
    ['held-out', report.heldOut],
  ] as const)
    for (const [method, s] of [
      ['docs search', set.search],
      ['plain bm25', set.baseline],
    ] as const)
      lines.push(
        `${name.padEnd(10)} ${method.padEnd(12)} ${String(s.questions).padStart(3)} ${pct(s.recallAt1)} ${pct(s.recallAt3)} ${pct(s.recallAt5)}  ${s.mrr.toFixed(3)}`,
      );
  const { p50, p99, queries } = report.latency;
  lines.push(`search latency over ${queries} queries: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
  if (verbose)
    for (const [name, s] of [
      ['tuned', report.tuned.search],
      ['held-out', report.heldOut.search],
    ] as const)
      for (const miss of s.misses) lines.push(`  not first (${name}): ${miss}`);
  return lines.join('\n');
}
