import pg from 'pg';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

export interface PostgresOptions {
  /** Connections per replica. Small: several replicas share one server's connection limit. */
  max?: number;
  /** Longest a single statement may run; a stuck query must not hold a connection for ever. */
  statementTimeoutMs?: number;
  /** How long to wait for a free connection before a query fails instead of queueing without end. */
  connectionTimeoutMs?: number;
  /** Errors of idle connections (server restart, failover); the pool replaces them on next use. */
  onError?: (error: Error) => void;
}

const INT8_OID = 20;

/**
 * BIGINT ids and COUNT(*) come back from pg as strings by default (int8 can exceed 2^53). Our ids and
 * counts stay far below that, and the store code shares row mapping with SQLite, which gives numbers;
 * a value that would lose precision fails loudly instead of being silently rounded.
 */
function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} does not fit a JS number`);
  return parsed;
}

/** Per pool rather than pg.types.setTypeParser, so no other pg user in the process is affected. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A connection pool for DATABASE_URL. Connecting is lazy: the first query opens the first
 * connection, so a wrong URL shows up there (migratePostgres runs one at start-up).
 */
export function openPostgres(url: string, options: PostgresOptions = {}): PgPool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    // Shows in pg_stat_activity, so an operator can tell the bot's connections from others.
    application_name: 'fastapi-architect-bot',
    types,
  });
  // Without a listener, an idle connection dropped by the server is an uncaught 'error' event that
  // ends the process; the pool already discards that connection and opens a new one when needed.
  pool.on('error', (error) => options.onError?.(error));
  return pool;
}

/**
 * Runs fn inside BEGIN/COMMIT on one connection, rolling back if it throws. The connection is
 * always returned; after a failed ROLLBACK it is destroyed, since its state is unknown.
 */
export async function withTransaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * For readiness checks: true when a tiny write goes through now, or the error's code. The write goes to
 * the settings table, like the SQLite probe's (store/database.ts).
 */
export async function probeWritable(pool: PgPool): Promise<boolean | string> {
  try {
    await pool.query(
      "INSERT INTO settings (key, value) VALUES ('readiness_probe', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [new Date().toISOString()],
    );
    return true;
  } catch (error) {
    return (error as { code?: string }).code ?? 'not writable';
  }
}

/** Closes idle connections now and checked-out ones as they are released; safe to call twice. */
export async function closePostgres(pool: PgPool): Promise<void> {
  if (!pool.ended) await pool.end();
}
