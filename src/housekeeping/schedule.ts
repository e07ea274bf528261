import type { InboxStore } from '../inbox/store.js';
import type { Logger } from '../log.js';

const HOUR_MS = 60 * 60 * 1000;
/** Slack stops redelivering after ~5 minutes; a day of event ids is plenty. */
const EVENT_ID_MEMORY_MS = 24 * HOUR_MS;

export interface HousekeepingOptions {
  retention: { run(): Promise<void> };
  inbox: Pick<InboxStore, 'forgetEventsBefore'>;
  /**
   * With several replicas: work a dead replica abandoned that no start-up will take back (e.g. ADR
   * drafts), released on every run.
   */
  releaseAbandoned?: () => Promise<void>;
  logger: Logger;
  now?: () => Date;
  intervalMs?: number;
}

export interface Housekeeping {
  /** Stops the timer; resolves once a run in progress has ended (so the database can be closed). */
  stop(): Promise<void>;
}

/**
 * Runs housekeeping now and then hourly: retention, and forgetting event ids too old to be redelivered.
 * A failure is logged and the next run tries again; the timer never keeps the process alive.
 */
export function startHousekeeping(options: HousekeepingOptions): Housekeeping {
  const now = options.now ?? (() => new Date());
  const run = async () => {
    try {
      await options.retention.run();
      await options.inbox.forgetEventsBefore(new Date(now().getTime() - EVENT_ID_MEMORY_MS));
      await options.releaseAbandoned?.();
    } catch (error) {
      options.logger.error('housekeeping failed', { error });
    }
  };
  // The first run starts now; later ones are chained, never overlapping. run() never rejects (a failure
  // is logged inside it).
  let running = run();
  const start = () => {
    running = running.then(run);
  };
  const timer = setInterval(start, options.intervalMs ?? HOUR_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return running;
    },
  };
}
