import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { closePostgres, type PgPool } from '../../src/store/postgres/connect.js';
import { openMigrated } from '../../src/store/postgres/migrate.js';
import { type PostgresServer, socketUrl } from './embedded-postgres.js';

export type { PostgresServer };

/** Connection details of the run's PostgreSQL, started by postgres-global-setup.ts. */
export function postgresServer(): PostgresServer {
  return inject('postgres');
}

/** A URL for one database of the test server; the socket folder goes in ?host=, as pg expects. */
export function postgresUrl(database: string): string {
  return socketUrl(postgresServer(), database);
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface FreshDatabase {
  name: string;
  url: string;
  /** Drops the database, closing any connections still open to it. */
  drop(): Promise<void>;
}

/**
 * A new, empty database on the shared test server, so tests (and the two workers) never see each
 * other's rows. Call drop() when done, e.g. in afterEach/afterAll.
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  const name = `test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  return {
    name,
    url: postgresUrl(name),
    async drop() {
      await admin((client) =>
        client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}

export interface MigratedDatabase extends FreshDatabase {
  pool: PgPool;
  /** Closes the pool, then drops the database. */
  close(): Promise<void>;
}

/** A fresh database with the bot's schema, and a pool on it. */
export async function migratedDatabase(): Promise<MigratedDatabase> {
  const database = await freshDatabase();
  const { pool } = await openMigrated(database.url);
  return {
    ...database,
    pool,
    async close() {
      await closePostgres(pool);
      await database.drop();
    },
  };
}
