import type { Config } from '../config/load.js';
import type { Logger } from '../log.js';
import { linkSecretFrom } from '../phr/service.js';
import { checkpointInBackground, openDatabase, openReadinessProbe } from '../store/database.js';
import { sqliteStores } from '../stores/open.js';
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
    const stores = sqliteStores(db, now);
    return {
      ...stores,
      linkSecret: await linkSecretFrom(stores.phrStore, config.recordsLinkSecret),
      writable: async () => writable(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
