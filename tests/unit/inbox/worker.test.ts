import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { InboxStore, Question } from '../../../src/inbox/store.js';
import { createWorker } from '../../../src/inbox/worker.js';
import { silentLogger } from '../../../src/log.js';

function question(id: number): Question {
  return {
    id,
    source: 'mention',
    teamId: 'T1',
    channelId: 'C1',
    messageKey: `1.${id}`,
    threadTs: `1.${id}`,
    userId: 'U1',
    userTeamId: null,
    text: 'How do I paginate?',
    responseUrl: null,
    state: 'answering',
    attempts: 1,
    partialTs: null,
    createdAt: new Date(0).toISOString(),
  };
}

/** An inbox whose claims take a few milliseconds, like a database round trip. */
function slowInbox(pending: number[]) {
  let claims = 0;
  const released: number[] = [];
  const inbox = {
    release: async (id: number) => void released.push(id),
    claimNext: async () => {
      claims++;
      await sleep(2);
      const id = pending.shift();
      return id === undefined ? undefined : question(id);
    },
    finish: async () => {},
  } as unknown as InboxStore;
  return { inbox, claims: () => claims, released };
}

describe('the worker', () => {
  it('claims no more than its concurrency however often it is notified while claiming', async () => {
    const { inbox } = slowInbox([1, 2, 3, 4, 5]);
    const answering = new Set<number>();
    let most = 0;
    const release: (() => void)[] = [];
    const worker = createWorker({
      inbox,
      concurrency: 2,
      logger: silentLogger,
      handle: async (q) => {
        answering.add(q.id);
        most = Math.max(most, answering.size);
        await new Promise<void>((resolve) => release.push(resolve));
        answering.delete(q.id);
      },
    });
    for (let i = 0; i < 5; i++) worker.notify();
    await sleep(30);
    expect(worker.inFlight).toBe(2);
    expect([...answering]).toEqual([1, 2]);
    while (release.length > 0 || answering.size > 0) {
      release.shift()?.();
      await sleep(10);
    }
    expect(most).toBe(2);
    await worker.stop(100);
  });

  it('goes round again when notified while a claim that found nothing was running', async () => {
    const claims: ((question: Question | undefined) => void)[] = [];
    const inbox = {
      claimNext: () => new Promise<Question | undefined>((resolve) => claims.push(resolve)),
      finish: async () => {},
      release: async () => {},
    } as unknown as InboxStore;
    const answered: number[] = [];
    const worker = createWorker({
      inbox,
      concurrency: 4,
      logger: silentLogger,
      handle: async (q) => {
        answered.push(q.id);
      },
    });
    worker.notify();
    expect(claims).toHaveLength(1);
    // A question accepted while that claim runs: no second claim at once...
    worker.notify();
    expect(claims).toHaveLength(1);
    // ...but when the running one finds nothing (it looked before the question was stored), it looks again.
    claims[0]?.(undefined);
    await sleep(0);
    expect(claims).toHaveLength(2);
    claims[1]?.(question(7));
    await sleep(0);
    expect(answered).toEqual([7]);
    // Idle again: claims find nothing, and the loop stops (the answer's end sent it round once more).
    for (let i = 2; i < claims.length; i++) {
      claims[i]?.(undefined);
      await sleep(0);
    }
    const total = claims.length;
    await sleep(10);
    expect(claims).toHaveLength(total);
    expect(total).toBeLessThanOrEqual(4);
    await worker.stop(100);
  });

  it('does not start a question claimed after stop began, and gives it back', async () => {
    const { inbox, released } = slowInbox([1]);
    const answered: number[] = [];
    const worker = createWorker({
      inbox,
      concurrency: 1,
      logger: silentLogger,
      handle: async (q) => {
        answered.push(q.id);
      },
    });
    worker.notify();
    await worker.stop(100);
    expect(answered).toEqual([]);
    expect(released).toEqual([1]);
    expect(worker.inFlight).toBe(0);
  });

  it('aborts what is still answering when the grace period ends, and gives it back', async () => {
    const { inbox, released } = slowInbox([1, 2]);
    const started: number[] = [];
    const worker = createWorker({
      inbox,
      concurrency: 2,
      logger: silentLogger,
      handle: (q, signal) =>
        new Promise<void>((resolve) => {
          started.push(q.id);
          signal.addEventListener('abort', () => resolve());
        }),
    });
    worker.notify();
    await vi.waitFor(() => expect(started).toEqual([1, 2]));
    await worker.stop(0);
    expect(released.sort()).toEqual([1, 2]);
  });
});
