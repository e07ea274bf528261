import { DatabaseVersionError } from '../database.js';
import { closePostgres, openPostgres, type PgClient, type PgPool, type PostgresOptions } from './connect.js';
import { MIGRATIONS } from './migrations.js';

/**
 * The advisory lock key replicas agree on while migrating. Any fixed bigint works; advisory locks
 * are per database, so this only has to be unlikely to clash with another app sharing the database.
 */
export const MIGRATION_LOCK_KEY = 7_204_114_853_390_611n;

/**
 * A pool on `url` with the schema brought up to date, as the bot and the command-line tools open it;
 * the pool is closed again when migrating fails.
 */
export async function openMigrated(
  url: string,
  options: PostgresOptions = {},
): Promise<{ pool: PgPool; version: number }> {
  const pool = openPostgres(url, options);
  try {
    return { pool, version: await migratePostgres(pool) };
  } catch (error) {
    await closePostgres(pool);
    throw error;
  }
}

/**
 * Brings the database to the newest schema this build knows. Replicas starting together serialise
 * on an advisory lock, and each re-reads the version after getting it, so every entry is applied
 * exactly once. Each entry and its version row commit together: a failure leaves the previous
 * version intact. Throws DatabaseVersionError when the database is newer than this build.
 * Returns the schema version the database is at.
 */
export async function migratePostgres(
  pool: PgPool,
  migrations: readonly string[] = MIGRATIONS,
): Promise<number> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    // A long migration or a long wait for another replica's must not hit the pool's statement_timeout.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    return await migrateLocked(client, migrations);
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    // Closing the connection ends the session, which releases the lock even if the unlock failed and
    // keeps the session settings above out of the pool.
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => {});
    client.release(failure ?? true);
  }
}

async function migrateLocked(client: PgClient, migrations: readonly string[]): Promise<number> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_version (
      version    INTEGER PRIMARY KEY,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
  const { rows } = await client.query<{ version: number }>(
    'SELECT coalesce(max(version), 0) AS version FROM schema_version',
  );
  const current = rows[0]?.version ?? 0;
  if (current > migrations.length) {
    const name = await client.query<{ name: string }>('SELECT current_database() AS name');
    // Names the database, never the URL: that may carry a password.
    const label = `PostgreSQL database ${name.rows[0]?.name ?? '?'}`;
    throw new DatabaseVersionError(label, current, migrations.length);
  }
  for (let version = current; version < migrations.length; version++) {
    await client.query('BEGIN');
    try {
      await client.query(migrations[version] as string);
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [version + 1]);
      await client.query('COMMIT');
    } catch (error) {
      // The connection is discarded afterwards anyway; the migration's error is the one to report.
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }
  return migrations.length;
}
