import { describe, expect, it, vi } from 'vitest';
import { startHousekeeping } from '../../../src/housekeeping/schedule.js';
import { silentLogger } from '../../../src/log.js';

describe('housekeeping', () => {
  it('runs retention, forgets old event ids and releases abandoned work now and on every tick', async () => {
    vi.useFakeTimers();
    try {
      const done: string[] = [];
      const housekeeping = startHousekeeping({
        retention: { run: async () => void done.push('retention') },
        inbox: { forgetEventsBefore: async () => done.push('events') },
        releaseAbandoned: async () => void done.push('abandoned'),
        logger: silentLogger,
        intervalMs: 1_000,
      });
      await vi.advanceTimersByTimeAsync(1_000);
      await housekeeping.stop();
      expect(done).toEqual(['retention', 'events', 'abandoned', 'retention', 'events', 'abandoned']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('logs a failed run and tries again on the next', async () => {
    vi.useFakeTimers();
    try {
      let runs = 0;
      const errors: string[] = [];
      const logger = { ...silentLogger, error: (message: string) => void errors.push(message) };
      const housekeeping = startHousekeeping({
        retention: { run: async () => void runs++ },
        inbox: { forgetEventsBefore: async () => 0 },
        releaseAbandoned: async () => {
          throw new Error('database gone');
        },
        logger: logger as typeof silentLogger,
        intervalMs: 1_000,
      });
      await vi.advanceTimersByTimeAsync(1_000);
      await housekeeping.stop();
      expect(runs).toBe(2);
      expect(errors).toEqual(['housekeeping failed', 'housekeeping failed']);
    } finally {
      vi.useRealTimers();
    }
  });
});
