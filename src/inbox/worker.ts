import type { Logger } from '../log.js';
import type { InboxStore, Question } from './store.js';

export interface WorkerOptions {
  inbox: InboxStore;
  /** Answers one claimed question and records its outcome in the inbox. */
  handle: (question: Question, signal: AbortSignal) => Promise<void>;
  concurrency: number;
  logger: Logger;
}

export interface Worker {
  /**
   * Something was accepted: claim work up to the concurrency limit. Cheap; call freely: one claiming loop
   * runs at a time, and a call made while it runs sends it round once more.
   */
  notify(): void;
  readonly inFlight: number;
  /**
   * Stops claiming, lets answers in flight finish for up to `graceMs`, then aborts the rest (they
   * stay `answering` in the inbox and are answered again after the next start).
   */
  stop(graceMs: number): Promise<void>;
}

export function createWorker(options: WorkerOptions): Worker {
  const running = new Map<number, { done: Promise<void>; abort: AbortController }>();
  let stopping = false;

  const run = (question: Question) => {
    const abort = new AbortController();
    const done = options
      .handle(question, abort.signal)
      .catch(async (error: unknown) => {
        // The worker's error boundary. The handler records expected outcomes itself and tells the asker
        // what went wrong; reaching here is a bug, not a user error, so it is logged and the question closed.
        options.logger.error('answering failed unexpectedly', {
          question_id: question.id,
          team: question.teamId,
          channel: question.channelId,
          user: question.userId,
          error,
        });
        if (abort.signal.aborted) return;
        await options.inbox
          .finish(question.id, { state: 'failed', error: 'internal' })
          .catch((finishError: unknown) =>
            options.logger.error('question not closed', { question_id: question.id, error: finishError }),
          );
      })
      .finally(() => {
        running.delete(question.id);
        worker.notify();
      });
    running.set(question.id, { done, abort });
  };

  /** The claiming loop in progress, if any; `again` when a notify came while it ran. */
  let claiming: Promise<void> | null = null;
  let again = false;
  const claim = async () => {
    do {
      again = false;
      while (!stopping && running.size < options.concurrency) {
        const question = await options.inbox.claimNext();
        if (!question) break;
        // Claimed while stopping: it stays `answering` and is answered again after the next start.
        if (stopping) return;
        run(question);
      }
    } while (again && !stopping);
  };

  const worker: Worker = {
    notify() {
      if (claiming !== null) {
        again = true;
        return;
      }
      claiming = claim()
        .catch((error: unknown) => options.logger.error('claiming a question failed', { error }))
        .finally(() => {
          claiming = null;
        });
    },
    get inFlight() {
      return running.size;
    },
    async stop(graceMs) {
      stopping = true;
      await claiming;
      const all = Promise.allSettled([...running.values()].map((entry) => entry.done));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        options.logger.warn('grace period over, interrupting answers', { in_flight: running.size });
        for (const entry of running.values()) entry.abort.abort();
        await Promise.allSettled([...running.values()].map((entry) => entry.done));
      }
    },
  };
  return worker;
}
