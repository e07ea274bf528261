import type { Config } from '../config/load.js';
import { FeedbackStore } from '../feedback/store.js';
import { InboxStore } from '../inbox/store.js';
import type { Logger } from '../log.js';
import { linkSecretFrom } from '../phr/service.js';
import { PhrStore } from '../phr/store.js';
import { ConversationStore } from '../store/conversation-store.js';
import { checkpointInBackground, type Db, openDatabase } from '../store/database.js';

export interface Storage {
  db: Db;
  inbox: InboxStore;
  store: ConversationStore;
  phrStore: PhrStore;
  /** Votes and comments on answers. */
  feedback: FeedbackStore;
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
    const phrStore = new PhrStore(db);
    return {
      db,
      inbox: new InboxStore(db, now),
      store: new ConversationStore(db, now),
      phrStore,
      feedback: new FeedbackStore(db, now),
      linkSecret: linkSecretFrom(phrStore, config.recordsLinkSecret),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
