import { existsSync } from 'node:fs';
import type { AdrStore } from '../adr/store.js';
import { PostgresAdrStore } from '../adr/store-postgres.js';
import { SqliteAdrStore } from '../adr/store-sqlite.js';
import type { Config } from '../config/load.js';
import type { FeedbackStore } from '../feedback/store.js';
import { PostgresFeedbackStore } from '../feedback/store-postgres.js';
import { SqliteFeedbackStore } from '../feedback/store-sqlite.js';
import type { PhrStore } from '../phr/store.js';
import { PostgresPhrStore } from '../phr/store-postgres.js';
import { SqlitePhrStore } from '../phr/store-sqlite.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { PostgresConversationStore } from '../store/conversation-store-postgres.js';
import { SqliteConversationStore } from '../store/conversation-store-sqlite.js';
import { openDatabase } from '../store/database.js';
import { closePostgres, openPostgres } from '../store/postgres/connect.js';
import { migratePostgres } from '../store/postgres/migrate.js';

/** The stores a command-line tool needs, over the configured database. */
export interface CliStores {
  kind: 'sqlite' | 'postgres';
  store: ConversationStore;
  phrStore: PhrStore;
  feedback: FeedbackStore;
  adrs: AdrStore;
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
  if (config.databaseUrl !== undefined) return openPostgresStores(config.databaseUrl);
  if (options.mustExist && !existsSync(config.databasePath))
    throw new Error(`no database at ${config.databasePath} (DATABASE_PATH)`);
  const db = openDatabase(config.databasePath);
  return {
    kind: 'sqlite',
    store: new SqliteConversationStore(db),
    phrStore: new SqlitePhrStore(db),
    feedback: new SqliteFeedbackStore(db),
    adrs: new SqliteAdrStore(db),
    close: async () => {
      db.close();
    },
  };
}

async function openPostgresStores(url: string): Promise<CliStores> {
  const pool = openPostgres(url, { max: 2 });
  const close = () => closePostgres(pool);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    kind: 'postgres',
    store: new PostgresConversationStore(pool),
    phrStore: new PostgresPhrStore(pool),
    feedback: new PostgresFeedbackStore(pool),
    adrs: new PostgresAdrStore(pool),
    close,
  };
}
