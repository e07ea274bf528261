import type { Config } from '../config/load.js';
import type { RateWindows } from '../inbox/admission.js';
import type { Logger } from '../log.js';
import type { Stores } from '../stores/open.js';
import { openPostgresStorage } from './storage-postgres.js';
import { openSqliteStorage } from './storage-sqlite.js';

export interface Storage extends Stores {
  /** Signs record links: RECORDS_LINK_SECRET, or the one generated on first start. */
  linkSecret: Buffer;
  /** Where rate-limit counts live when replicas share them; unset: this process's memory. */
  rateWindows?: RateWindows;
  /**
   * Set when replicas share the inbox: how often the worker looks for questions it was not told
   * about and renews the claims of its answers.
   */
  sharedInbox?: { pollMs: number; renewMs: number };
  /** For /readyz: true when a tiny write goes through now, or why not. */
  writable(): Promise<boolean | string>;
  /** Closes the database (and, for SQLite, stops background checkpoints). */
  close(): Promise<void>;
}

/** Opens the database DATABASE_URL or DATABASE_PATH names, migrated, and the stores over it. */
export function openStorage(config: Config, logger: Logger, now: () => Date): Promise<Storage> {
  return config.databaseUrl === undefined
    ? openSqliteStorage(config, logger, now)
    : openPostgresStorage(config, config.databaseUrl, logger, now);
}
