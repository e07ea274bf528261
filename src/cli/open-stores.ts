import { existsSync } from 'node:fs';
import type { Config } from '../config/load.js';
import { openDatabase } from '../store/database.js';
import { closePostgres } from '../store/postgres/connect.js';
import { openMigrated } from '../store/postgres/migrate.js';
import { postgresStores, type Stores, sqliteStores } from '../stores/open.js';

/** The stores a command-line tool needs, over the configured database. */
export interface CliStores extends Stores {
  /** Closes the database; the process can exit after it. */
  close(): Promise<void>;
}

/**
 * The one door command-line tools (`npm run export`, `npm run ask`) open the database through: PostgreSQL
 * when DATABASE_URL is set, else the SQLite file at DATABASE_PATH, migrated like the bot's start (the
 * PostgreSQL schema under the same advisory lock). Unlike the bot's storage there is no background work
 * (no checkpoints, no readiness probe) and the pool is small, so a tool exits once it has closed them.
 * With `mustExist`, a missing SQLite file is an error instead of a new, empty database.
 */
export async function openCliStores(
  config: Config,
  options: { mustExist?: boolean } = {},
): Promise<CliStores> {
  const now = () => new Date();
  if (config.databaseUrl !== undefined) return openPostgresStores(config.databaseUrl, now);
  if (options.mustExist && !existsSync(config.databasePath))
    throw new Error(`no database at ${config.databasePath} (DATABASE_PATH)`);
  const db = openDatabase(config.databasePath);
  return {
    ...sqliteStores(db, now),
    close: async () => {
      db.close();
    },
  };
}

async function openPostgresStores(url: string, now: () => Date): Promise<CliStores> {
  const { pool } = await openMigrated(url, { max: 2 });
  const close = () => closePostgres(pool);
  // A tool claims no questions; the id only names it should it ever touch the inbox.
  return { ...postgresStores(pool, now, { id: `cli-${process.pid}`, leaseSeconds: 30 }), close };
}
