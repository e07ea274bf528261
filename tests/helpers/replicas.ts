import { onTestFinished } from 'vitest';
import { closePostgres, openPostgres, type PgPool } from '../../src/store/postgres/connect.js';
import { migratedDatabase } from './postgres.js';

/**
 * Two pools on one fresh, migrated PostgreSQL database: two replicas of the bot sharing it. Each pool
 * has its own connections, so nothing in-process serialises them; only the database can. Closed and
 * dropped when the test finishes.
 */
export async function twoReplicas(): Promise<[PgPool, PgPool]> {
  const database = await migratedDatabase();
  const other = openPostgres(database.url);
  onTestFinished(async () => {
    await closePostgres(other);
    await database.close();
  });
  return [database.pool, other];
}
