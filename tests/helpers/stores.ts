import type { AdrStore } from '../../src/adr/store.js';
import { PostgresAdrStore } from '../../src/adr/store-postgres.js';
import { SqliteAdrStore } from '../../src/adr/store-sqlite.js';
import type { FeedbackStore } from '../../src/feedback/store.js';
import { PostgresFeedbackStore } from '../../src/feedback/store-postgres.js';
import { SqliteFeedbackStore } from '../../src/feedback/store-sqlite.js';
import type { PhrStore } from '../../src/phr/store.js';
import { PostgresPhrStore } from '../../src/phr/store-postgres.js';
import { SqlitePhrStore } from '../../src/phr/store-sqlite.js';
import type { Opened } from './backends.js';

/** The store implementation for whichever database a contract suite opened. */
export function phrStoreOn(opened: Opened): PhrStore {
  return opened.kind === 'sqlite' ? new SqlitePhrStore(opened.db) : new PostgresPhrStore(opened.pool);
}

export function feedbackStoreOn(opened: Opened, now?: () => Date): FeedbackStore {
  return opened.kind === 'sqlite'
    ? new SqliteFeedbackStore(opened.db, now)
    : new PostgresFeedbackStore(opened.pool, now);
}

export function adrStoreOn(opened: Opened, now?: () => Date): AdrStore {
  return opened.kind === 'sqlite'
    ? new SqliteAdrStore(opened.db, now)
    : new PostgresAdrStore(opened.pool, now);
}
