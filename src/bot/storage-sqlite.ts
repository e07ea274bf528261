import { SqliteAdrStore } from '../adr/store-sqlite.js';
import type { Config } from '../config/load.js';
import { SqliteFeedbackStore } from '../feedback/store-sqlite.js';
import { SqliteInboxStore } from '../inbox/store-sqlite.js';
import type { Logger } from '../log.js';
import { linkSecretFrom } from '../phr/service.js';
import { SqlitePhrStore } from '../phr/store-sqlite.js';
import { SqliteConversationStore } from '../store/conversation-store-sqlite.js';
import { checkpointInBackground, openDatabase, openReadinessProbe } from '../store/database.js';
import type { Storage } from './storage.js';

/** The SQLite file at DATABASE_PATH, with background checkpoints, and the stores over it. */
export async function openSqliteStorage(config: Config, logger: Logger, now: () => Date): Promise<Storage> {
  const db = openDatabase(config.databasePath);
  const checkpointer = checkpointInBackground(db, config.databasePath, (error) =>
    logger.error('background checkpoints stopped; SQLite checkpoints on its own again', { error }),
  );
  let probe: ReturnType<typeof openReadinessProbe> | undefined;
  const close = async () => {
    probe?.close();
    await checkpointer.stop();
    db.close();
  };
  try {
    probe = openReadinessProbe(config.databasePath);
    const writable = probe.writable;
    const phrStore = new SqlitePhrStore(db);
    return {
      kind: 'sqlite',
      inbox: new SqliteInboxStore(db, now),
      store: new SqliteConversationStore(db, now),
      phrStore,
      feedback: new SqliteFeedbackStore(db, now),
      adrs: new SqliteAdrStore(db, now),
      linkSecret: await linkSecretFrom(phrStore, config.recordsLinkSecret),
      writable: async () => writable(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
