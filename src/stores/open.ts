import type { AdrStore } from '../adr/store.js';
import { PostgresAdrStore } from '../adr/store-postgres.js';
import { SqliteAdrStore } from '../adr/store-sqlite.js';
import type { FeedbackStore } from '../feedback/store.js';
import { PostgresFeedbackStore } from '../feedback/store-postgres.js';
import { SqliteFeedbackStore } from '../feedback/store-sqlite.js';
import type { InboxStore } from '../inbox/store.js';
import { PostgresInboxStore } from '../inbox/store-postgres.js';
import { SqliteInboxStore } from '../inbox/store-sqlite.js';
import type { PhrStore } from '../phr/store.js';
import { PostgresPhrStore } from '../phr/store-postgres.js';
import { SqlitePhrStore } from '../phr/store-sqlite.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { PostgresConversationStore } from '../store/conversation-store-postgres.js';
import { SqliteConversationStore } from '../store/conversation-store-sqlite.js';
import type { Db } from '../store/database.js';
import type { PgPool } from '../store/postgres/connect.js';

/** Every store over one database: what the bot and the command-line tools share. */
export interface Stores {
  kind: 'sqlite' | 'postgres';
  inbox: InboxStore;
  store: ConversationStore;
  phrStore: PhrStore;
  /** Votes and comments on answers. */
  feedback: FeedbackStore;
  /** ADR suggestions and ADRs. */
  adrs: AdrStore;
}

/** The stores over an open SQLite file. */
export function sqliteStores(db: Db, now: () => Date): Stores {
  return {
    kind: 'sqlite',
    inbox: new SqliteInboxStore(db, now),
    store: new SqliteConversationStore(db, now),
    phrStore: new SqlitePhrStore(db),
    feedback: new SqliteFeedbackStore(db, now),
    adrs: new SqliteAdrStore(db, now),
  };
}

/**
 * The stores over a migrated PostgreSQL. `replica` names this process on the questions it claims and
 * says how long a claim lasts unless renewed.
 */
export function postgresStores(
  pool: PgPool,
  now: () => Date,
  replica: { id: string; leaseSeconds: number },
): Stores {
  return {
    kind: 'postgres',
    inbox: new PostgresInboxStore(pool, { replicaId: replica.id, leaseSeconds: replica.leaseSeconds, now }),
    store: new PostgresConversationStore(pool, now),
    phrStore: new PostgresPhrStore(pool),
    feedback: new PostgresFeedbackStore(pool, now),
    adrs: new PostgresAdrStore(pool, now),
  };
}
