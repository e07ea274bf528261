import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config/load.js';
import { postgresRateWindows } from '../inbox/store-rates-postgres.js';
import type { Logger } from '../log.js';
import { linkSecretFrom } from '../phr/service.js';
import { closePostgres, openPostgres } from '../store/postgres/connect.js';
import { migratePostgres } from '../store/postgres/migrate.js';
import { postgresStores } from '../stores/open.js';
import type { Storage } from './storage.js';

/**
 * PostgreSQL at DATABASE_URL, shared by every replica: migrated under an advisory lock (replicas
 * starting together migrate once), and the stores over it. The URL is never logged.
 */
export async function openPostgresStorage(
  config: Config,
  url: string,
  logger: Logger,
  now: () => Date,
): Promise<Storage> {
  const pool = openPostgres(url, {
    // Answers in flight, their renewals and the acks of a burst share the pool.
    max: Math.max(10, config.maxConcurrentAnswers * 2 + 4),
    onError: (error) => logger.warn('an idle PostgreSQL connection failed; the pool replaces it', { error }),
  });
  const close = () => closePostgres(pool);
  try {
    const version = await migratePostgres(pool);
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
      writable: async () => {
        try {
          await pool.query(
            "INSERT INTO settings (key, value) VALUES ('readiness_probe', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [new Date().toISOString()],
          );
          return true;
        } catch (error) {
          return (error as { code?: string }).code ?? 'not writable';
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
