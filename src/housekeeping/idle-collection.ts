import { performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../log.js';

/**
 * Collects the garbage answering leaves behind while the process is idle, instead of in the next burst
 * of acks.
 *
 * Why: answers (model streams, Slack calls, records) make short-lived objects by the megabyte, and many
 * outlive a scavenge, so the old generation fills with garbage while the bot answers. V8 collects it when
 * the heap next grows past its limit, which is typically when the next burst of Slack requests arrives
 * and allocates: a mark-compact of a 150 MiB heap then stalls every ack in flight for 20-45 ms (measured
 * with `npm run bench`, part 1, as the rounds that broke the 1.2x ack target). V8's own memory reducer
 * waits about 8 s of low allocation before it starts, longer than the gaps between bursts.
 *
 * So: when the event loop has been nearly idle for a few ticks and the heap holds at least `growthBytes`
 * more than the smallest it has been since the last collection (garbage, very likely), one full
 * collection runs now. A process that answers little never reaches the growth and never collects here.
 */
export interface IdleCollectorOptions {
  /** A full (mark-compact) garbage collection. */
  collect: () => void;
  /** V8's used heap in bytes. */
  heapUsed: () => number;
  /** The event loop's utilisation (0..1) since the previous call. */
  utilisation: () => number;
  /** Heap growth over the smallest seen since the last collection that is worth a collection. */
  growthBytes?: number;
  /** Consecutive ticks with utilisation under `quietUtilisation` that count as idle. */
  quietTicks?: number;
  quietUtilisation?: number;
  logger: Logger;
}

export interface IdleCollector {
  /** One look at the process (the caller's timer calls this every `IDLE_TICK_MS`). */
  tick(): void;
}

const IDLE_TICK_MS = 100;
const MIB = 1024 * 1024;
const DEFAULT_GROWTH_BYTES = 64 * MIB;

export function createIdleCollector(options: IdleCollectorOptions): IdleCollector {
  const growthBytes = options.growthBytes ?? DEFAULT_GROWTH_BYTES;
  const quietTicks = options.quietTicks ?? 3;
  const quietUtilisation = options.quietUtilisation ?? 0.05;
  // The smallest heap seen since the last collection: about the live data, since V8's own collections
  // bring the heap down to it now and then.
  let floor = options.heapUsed();
  let quiet = 0;
  return {
    tick() {
      const used = options.heapUsed();
      floor = Math.min(floor, used);
      quiet = options.utilisation() < quietUtilisation ? quiet + 1 : 0;
      if (quiet < quietTicks || used - floor < growthBytes) return;
      const started = performance.now();
      options.collect();
      const after = options.heapUsed();
      options.logger.debug('idle garbage collection', {
        heap_before_mib: Math.round(used / MIB),
        heap_after_mib: Math.round(after / MIB),
        ms: Math.round(performance.now() - started),
      });
      floor = after;
      quiet = 0;
    },
  };
}

/**
 * V8's `gc()`: the one given by `--expose-gc` when the process was started with it, otherwise the flag
 * is set now and the function read from a fresh context (the flag applies to contexts created after it,
 * the way test runners that report heap usage obtain it). Null when this V8 will not give it.
 */
export function exposedGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('typeof gc === "function" ? gc : null') as (() => void) | null;
    return typeof gc === 'function' ? gc : null;
  } catch {
    return null;
  }
}

/**
 * Starts idle collection for this process; `stop` clears its timer (which never keeps the process alive).
 * `tuning` is for tests: a smaller growth, and a collection they can watch (V8 decides for itself when
 * dropped garbage goes, so a test cannot count on the real one having something to free).
 */
export function startIdleCollection(
  logger: Logger,
  tuning: Partial<Pick<IdleCollectorOptions, 'growthBytes' | 'collect'>> = {},
): { stop(): void } {
  const collect = tuning.collect ?? exposedGc();
  if (!collect) {
    logger.debug('idle garbage collection unavailable: this V8 does not expose gc()');
    return { stop: () => {} };
  }
  let last = performance.eventLoopUtilization();
  const collector = createIdleCollector({
    collect,
    heapUsed: () => getHeapStatistics().used_heap_size,
    utilisation: () => {
      const now = performance.eventLoopUtilization();
      const since = performance.eventLoopUtilization(now, last);
      last = now;
      return since.utilization;
    },
    logger,
    ...(tuning.growthBytes ? { growthBytes: tuning.growthBytes } : {}),
  });
  const timer = setInterval(() => collector.tick(), IDLE_TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
