import type { AdrStore } from '../adr/store.js';
import { SqliteAdrStore } from '../adr/store-sqlite.js';
import type { Config } from '../config/load.js';
import type { FeedbackStore } from '../feedback/store.js';
import { SqliteFeedbackStore } from '../feedback/store-sqlite.js';
import type { InboxStore } from '../inbox/store.js';
import { SqliteInboxStore } from '../inbox/store-sqlite.js';
import type { Logger } from '../log.js';
import { linkSecretFrom } from '../phr/service.js';
import type { PhrStore } from '../phr/store.js';
import { SqlitePhrStore } from '../phr/store-sqlite.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { SqliteConversationStore } from '../store/conversation-store-sqlite.js';
import { checkpointInBackground, type Db, openDatabase } from '../store/database.js';

export interface Storage {
  db: Db;
  inbox: InboxStore;
  store: ConversationStore;
  phrStore: PhrStore;
  /** Votes and comments on answers. */
  feedback: FeedbackStore;
  /** ADR suggestions and ADRs. */
  adrs: AdrStore;
  /** Signs record links: RECORDS_LINK_SECRET, or the one generated on first start. */
  linkSecret: Buffer;
  /** Stops background checkpoints and closes the database. */
  close(): Promise<void>;
}

/** Opens the database with background checkpoints, and the stores over it. */
export async function openStorage(config: Config, logger: Logger, now: () => Date): Promise<Storage> {
  const db = openDatabase(config.databasePath);
  const checkpointer = checkpointInBackground(db, config.databasePath, (error) =>
    logger.error('background checkpoints stopped; SQLite checkpoints on its own again', { error }),
  );
  const close = async () => {
    await checkpointer.stop();
    db.close();
  };
  try {
    const phrStore = new SqlitePhrStore(db);
    return {
      db,
      inbox: new SqliteInboxStore(db, now),
      store: new SqliteConversationStore(db, now),
      phrStore,
      feedback: new SqliteFeedbackStore(db, now),
      adrs: new SqliteAdrStore(db, now),
      linkSecret: await linkSecretFrom(phrStore, config.recordsLinkSecret),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
