import { getHeapStatistics } from 'node:v8';
import { describe, expect, it, vi } from 'vitest';
import {
  createIdleCollector,
  exposedGc,
  startIdleCollection,
} from '../../../src/housekeeping/idle-collection.js';
import { silentLogger } from '../../../src/log.js';

const MIB = 1024 * 1024;

/** A process whose heap and event-loop load the test sets; `collect` brings the heap back to `live`. */
function fakeProcess(options: { live: number }) {
  const state = { heap: options.live, busy: 0, collections: 0 };
  const collector = createIdleCollector({
    collect: () => {
      state.collections++;
      state.heap = options.live;
    },
    heapUsed: () => state.heap,
    utilisation: () => state.busy,
    growthBytes: 64 * MIB,
    quietTicks: 3,
    quietUtilisation: 0.05,
    logger: silentLogger,
  });
  const ticks = (count: number) => {
    for (let i = 0; i < count; i++) collector.tick();
  };
  return { state, ticks };
}

describe('idle garbage collection', () => {
  it('collects once the loop has been quiet for three ticks and the heap grew by the threshold', () => {
    const process = fakeProcess({ live: 40 * MIB });
    process.state.heap = 170 * MIB;
    process.ticks(2);
    expect(process.state.collections).toBe(0);
    process.ticks(1);
    expect(process.state.collections).toBe(1);
    expect(process.state.heap).toBe(40 * MIB);
    // Nothing new to collect: quiet ticks alone never collect again.
    process.ticks(20);
    expect(process.state.collections).toBe(1);
  });

  it('never collects while the event loop is busy, however large the heap', () => {
    const process = fakeProcess({ live: 40 * MIB });
    process.state.heap = 400 * MIB;
    process.state.busy = 0.3;
    process.ticks(50);
    expect(process.state.collections).toBe(0);
    // One busy tick in the quiet run starts the count again.
    process.state.busy = 0;
    process.ticks(2);
    process.state.busy = 0.5;
    process.ticks(1);
    process.state.busy = 0;
    process.ticks(2);
    expect(process.state.collections).toBe(0);
    process.ticks(1);
    expect(process.state.collections).toBe(1);
  });

  it('measures growth from the smallest heap seen, so garbage V8 collected by itself does not count', () => {
    const process = fakeProcess({ live: 40 * MIB });
    process.state.busy = 0.5;
    process.state.heap = 150 * MIB;
    process.ticks(1);
    // V8 collected on its own: the heap is back near the live data.
    process.state.heap = 42 * MIB;
    process.ticks(1);
    process.state.heap = 100 * MIB;
    process.state.busy = 0;
    process.ticks(10);
    expect(process.state.collections).toBe(0);
    process.state.heap = 110 * MIB;
    process.ticks(3);
    expect(process.state.collections).toBe(1);
  });

  it('gets a working gc() from this V8 without --expose-gc on the command line', () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    const gc = exposedGc();
    expect(gc).toBeTypeOf('function');
    let garbage: number[][] | null = Array.from({ length: 64 }, () =>
      Array.from({ length: 100_000 }, (_, i) => i),
    );
    const held = getHeapStatistics().used_heap_size;
    expect(garbage.length).toBe(64);
    garbage = null;
    gc?.();
    const after = getHeapStatistics().used_heap_size;
    // 64 arrays of 100,000 small integers are about 50 MiB; a full collection frees nearly all of it.
    expect(held - after).toBeGreaterThan(30 * MIB);
  });

  it('runs on a timer in the process: it collects once the heap has grown and the loop idles', async () => {
    let collections = 0;
    const collection = startIdleCollection(silentLogger, {
      growthBytes: 16 * MIB,
      collect: () => void collections++,
    });
    try {
      // Held, so V8 cannot free it first: the heap stays 30+ MiB over where the collector started.
      const held = Array.from({ length: 48 }, () => Array.from({ length: 100_000 }, (_, i) => i));
      // The loop idles between these checks, so three quiet ticks come and the collection runs.
      await vi.waitFor(() => expect(collections).toBe(1), { timeout: 5_000, interval: 50 });
      expect(held).toHaveLength(48);
    } finally {
      collection.stop();
    }
  });
});
