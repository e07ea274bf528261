import type { Logger } from '../log.js';
import type { InboxStore, Question } from './store.js';

export interface WorkerOptions {
  inbox: InboxStore;
  /** Answers one claimed question and records its outcome in the inbox. */
  handle: (question: Question, signal: AbortSignal) => Promise<void>;
  concurrency: number;
  logger: Logger;
  /**
   * Several replicas share the inbox: claim every `pollMs` too (questions another replica accepted, or
   * claimed and then died with), and renew the claims of answers in flight every `renewMs`.
   */
  shared?: { pollMs: number; renewMs: number };
}

export interface Worker {
  /**
   * Something was accepted: claim work up to the concurrency limit. Cheap; call freely: one claiming loop
   * runs at a time, and a call made while it runs sends it round once more.
   */
  notify(): void;
  readonly inFlight: number;
  /**
   * Stops claiming, lets answers in flight finish for up to `graceMs`, then aborts the rest and gives
   * them back to the inbox (answered again by another replica, or after the next start).
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
        settled.delete(question.id);
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
        // Claimed while stopping: given back, for another replica or the next start.
        if (stopping) {
          await release(question.id);
          return;
        }
        // Our own answer, whose lease ran out while renewals failed: claiming it again renewed it.
        if (running.has(question.id)) continue;
        run(question);
      }
    } while (again && !stopping);
  };

  const release = (id: number) =>
    options.inbox.release(id).catch((error: unknown) =>
      options.logger.warn('question not given back; it is answered once its claim runs out', {
        question_id: id,
        error,
      }),
    );

  /** Claims lost or given up already, so they are not asked about again. */
  const settled = new Set<number>();
  let renewing = false;
  const renew = async () => {
    if (renewing) return;
    renewing = true;
    try {
      const ids = [...running.keys()].filter((id) => !settled.has(id));
      const held = new Set(await options.inbox.renewLeases(ids));
      for (const id of ids) if (!held.has(id)) await notHeld(id);
    } catch (error) {
      // A database hiccup is not a lost claim: the next renewal may well succeed before the lease ends.
      options.logger.warn('claims not renewed', { in_flight: running.size, error });
    } finally {
      renewing = false;
    }
  };
  /** An answer whose claim was not renewed: closed by its own answer meanwhile, or taken over. */
  const notHeld = async (id: number) => {
    settled.add(id);
    const state = (await options.inbox.get(id))?.state;
    if (state === 'answered' || state === 'failed') return;
    options.logger.warn('claim lost to another replica; this answer stops here', { question_id: id });
    running.get(id)?.abort.abort();
  };
  const timers = options.shared
    ? [
        setInterval(() => worker.notify(), options.shared.pollMs),
        setInterval(() => void renew(), options.shared.renewMs),
      ]
    : [];
  for (const timer of timers) timer.unref();

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
      // Renewals go on while answers finish; they end with the last one.
      clearInterval(timers[0]);
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
        const interrupted = [...running.keys()];
        for (const entry of running.values()) entry.abort.abort();
        await Promise.allSettled([...running.values()].map((entry) => entry.done));
        // Their partial messages stay on record: whoever answers next marks them as interrupted.
        for (const id of interrupted) await release(id);
      }
      for (const timer of timers) clearInterval(timer);
    },
  };
  return worker;
}
