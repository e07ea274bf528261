import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config/load.js';
import type { RateWindows } from '../inbox/admission.js';
import { postgresRateWindows } from '../inbox/store-rates-postgres.js';
import type { Logger } from '../log.js';
import { linkSecretFrom } from '../phr/service.js';
import {
  checkpointInBackground,
  DatabaseVersionError,
  openDatabase,
  openReadinessProbe,
} from '../store/database.js';
import { closePostgres, probeWritable } from '../store/postgres/connect.js';
import { openMigrated } from '../store/postgres/migrate.js';
import { postgresStores, type Stores, sqliteStores } from '../stores/open.js';
import { StartupError } from './options.js';

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

/** The SQLite file at DATABASE_PATH, with background checkpoints, and the stores over it. */
async function openSqliteStorage(config: Config, logger: Logger, now: () => Date): Promise<Storage> {
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

/**
 * PostgreSQL at DATABASE_URL, shared by every replica: migrated under an advisory lock (replicas
 * starting together migrate once), and the stores over it. The URL is never logged.
 */
async function openPostgresStorage(
  config: Config,
  url: string,
  logger: Logger,
  now: () => Date,
): Promise<Storage> {
  const { pool, version } = await openMigrated(url, {
    // Answers in flight, their renewals and the acks of a burst share the pool.
    max: Math.max(10, config.maxConcurrentAnswers * 2 + 4),
    onError: (error) => logger.warn('an idle PostgreSQL connection failed; the pool replaces it', { error }),
  }).catch((error: unknown) => {
    if (error instanceof DatabaseVersionError) throw error;
    // Unreachable, refused or wrong credentials: something the person deploying fixes, so one sentence
    // (never the URL: it carries the password).
    throw new StartupError(
      `PostgreSQL at DATABASE_URL could not be opened and migrated: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const close = () => closePostgres(pool);
  try {
    // Unique per start: a restarted replica must not mistake its predecessor's claims for its own.
    const replicaId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const leaseMs = config.claimLeaseSeconds * 1000;
    logger.info('database: PostgreSQL', { schema_version: version, replica: replicaId });
    const stores = postgresStores(pool, now, { id: replicaId, leaseSeconds: config.claimLeaseSeconds });
    return {
      ...stores,
      linkSecret: await linkSecretFrom(stores.phrStore, config.recordsLinkSecret),
      rateWindows: postgresRateWindows(pool),
      // Renewed three times per lease, so one slow round trip never costs a claim.
      sharedInbox: { pollMs: Math.min(1_000, leaseMs / 3), renewMs: leaseMs / 3 },
      writable: () => probeWritable(pool),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
