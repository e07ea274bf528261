// Shared pieces of the benchmark: constants, clocks, statistics, a seeded PRNG and the cleanup list.
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs as .bench/bench/common.js. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-bench-bot-token';
export const ANTHROPIC_KEY = 'sk-ant-bench-key-0123456789';
/** FakeSlack's defaults; the bare Bolt app is told them so it never needs auth.test. */
export const BOT_USER_ID = 'UBOT';
export const BOT_ID = 'BBOT';

/**
 * Epoch milliseconds with sub-millisecond resolution. Worker threads have their own timeOrigin, so only
 * timeOrigin + now() is comparable across threads.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function progress(message: string): void {
  const clock = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${clock}] ${message}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function envInt(name: string, fallback: number, min = 0): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name}=${JSON.stringify(raw)} is not a whole number >= ${min}`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------------------

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (no interpolation, so every value was observed). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(Math.max(Math.ceil((p / 100) * sorted.length), 1), sorted.length);
  return sorted[rank - 1] ?? Number.NaN;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

// ---------------------------------------------------------------------------------------------------------
// Deterministic randomness: runs are comparable because the data is the same every time
// ---------------------------------------------------------------------------------------------------------

/** Shared with the property tests: mulberry32, good enough to shuffle rows and pick lengths. */
export { randomInt, seededRandom as createRng } from '../tests/helpers/random.js';

const WORDS = (
  'fastapi endpoint dependency injection pydantic model validation async await sqlalchemy session ' +
  'transaction pagination cursor keyset offset index postgres query latency throughput cache redis ' +
  'background task celery worker queue retry idempotency key token oauth scope middleware router ' +
  'response schema migration alembic connection pool timeout uvicorn gunicorn replica deployment ' +
  'kubernetes health check readiness liveness metrics tracing logging structured error handler ' +
  'exception status code rate limit webhook signature event payload contract versioning'
).split(' ');

/** Prose of exactly `length` characters, made of plausible words and sentences. */
export function prose(rng: () => number, length: number): string {
  const parts: string[] = [];
  let size = 0;
  let sentence = 0;
  while (size < length) {
    const word = WORDS[Math.floor(rng() * WORDS.length)] ?? 'api';
    sentence++;
    const piece = sentence > 8 && rng() < 0.2 ? `${word}. ` : `${word} `;
    if (piece.endsWith('. ')) sentence = 0;
    parts.push(piece);
    size += piece.length;
  }
  return parts.join('').slice(0, length);
}

// ---------------------------------------------------------------------------------------------------------
// Cleanup: children, servers and temp folders go away on success, failure and Ctrl-C alike
// ---------------------------------------------------------------------------------------------------------

export class Cleanup {
  readonly #steps: { what: string; run: () => unknown }[] = [];
  #running: Promise<void> | undefined;

  add(what: string, run: () => unknown): void {
    this.#steps.push({ what, run });
  }

  /**
   * Runs every step, newest first; a failing step is reported and does not stop the others. A second
   * caller (a signal arriving while the bench ends, or the bench ending while a signal cleans up) gets the
   * same promise, so nobody exits before the children are gone.
   */
  run(): Promise<void> {
    this.#running ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          progress(`cleanup: ${step.what} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.#running;
  }
}
