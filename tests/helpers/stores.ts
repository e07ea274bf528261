import type { PhrStore } from '../../src/phr/store.js';
import { PostgresPhrStore } from '../../src/phr/store-postgres.js';
import { SqlitePhrStore } from '../../src/phr/store-sqlite.js';
import type { Opened } from './backends.js';

/** The store implementation for whichever database a contract suite opened. */
export function phrStoreOn(opened: Opened): PhrStore {
  return opened.kind === 'sqlite' ? new SqlitePhrStore(opened.db) : new PostgresPhrStore(opened.pool);
}
