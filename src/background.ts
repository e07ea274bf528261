import type { Logger } from './log.js';

/**
 * Work started by a click that must outlive the listener (Slack wants its ack within 3 s, and in
 * HTTP mode the ack is only sent when the listener returns). Tracked so shutdown can wait for it.
 * `run` is the error boundary of that work: a task that throws is logged here with its name; a task
 * tells people about the failures they need to know of itself.
 */
export class BackgroundTasks {
  readonly #running = new Set<Promise<void>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  run(name: string, work: () => Promise<void>): void {
    const task = work()
      .catch((error: unknown) => this.#logger.error('background task failed', { task: name, error }))
      .finally(() => this.#running.delete(task));
    this.#running.add(task);
  }

  /** Waits for every task, including ones started while waiting. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
