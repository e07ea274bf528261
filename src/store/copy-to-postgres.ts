import type Database from 'better-sqlite3';
import type pg from 'pg';
import { withTransaction } from './postgres/connect.js';

/**
 * Tables in the order their references need, and the SQLite columns that do not move: turn ids are
 * per thread in SQLite and one sequence in PostgreSQL (the order is kept by inserting in thread order).
 */
const TABLES: readonly { name: string; order: string; skip?: readonly string[] }[] = [
  { name: 'settings', order: 'key' },
  { name: 'users', order: 'user_id' },
  { name: 'threads', order: 'channel_id, thread_ts' },
  { name: 'turns', order: 'channel_id, thread_ts, sort_ts, id', skip: ['id'] },
  { name: 'seen_events', order: 'event_id' },
  { name: 'questions', order: 'id' },
  { name: 'phrs', order: 'id' },
  { name: 'adr_suggestions', order: 'id' },
  { name: 'adrs', order: 'id' },
  { name: 'feedback_votes', order: 'phr_public_id, user_id' },
];

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table. */
const BATCH = 500;

export class TargetNotEmptyError extends Error {
  constructor(readonly table: string) {
    super(`the PostgreSQL database already holds ${table}; move into an empty database (nothing was copied)`);
    this.name = 'TargetNotEmptyError';
  }
}

/**
 * Copies everything the SQLite file holds into a migrated, empty PostgreSQL database in one
 * transaction: either all of it arrives or none. Questions that were being answered go back to the
 * queue (no replica holds them yet). Returns the rows copied per table.
 */
export async function copySqliteToPostgres(
  source: Database.Database,
  pool: pg.Pool,
): Promise<Map<string, number>> {
  const copied = new Map<string, number>();
  await withTransaction(pool, async (client) => {
    for (const table of TABLES) {
      const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${table.name}) AS taken`);
      if ((rows[0] as { taken: boolean }).taken) throw new TargetNotEmptyError(table.name);
    }
    for (const table of TABLES) {
      const columns = await sharedColumns(source, client, table.name, table.skip ?? []);
      const rows = source
        .prepare(`SELECT ${columns.join(', ')} FROM ${table.name} ORDER BY ${table.order}`)
        .raw()
        .all() as unknown[][];
      for (let start = 0; start < rows.length; start += BATCH) {
        await insertRows(client, table.name, columns, rows.slice(start, start + BATCH));
      }
      copied.set(table.name, rows.length);
    }
    await client.query("UPDATE questions SET state = 'pending' WHERE state = 'answering'");
    // Explicit ids were inserted: move each identity sequence past them.
    for (const table of ['questions', 'phrs', 'adr_suggestions', 'adrs']) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`,
      );
    }
  });
  return copied;
}

async function sharedColumns(
  source: Database.Database,
  client: pg.PoolClient,
  table: string,
  skip: readonly string[],
): Promise<string[]> {
  const sqlite = (
    source.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]
  ).filter((name) => !skip.includes(name));
  const { rows } = await client.query<{ column_name: string }>(
    'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
    [table],
  );
  const postgres = new Set(rows.map((row) => row.column_name));
  const missing = sqlite.filter((name) => !postgres.has(name));
  if (missing.length) throw new Error(`PostgreSQL table ${table} has no column ${missing.join(', ')}`);
  return sqlite;
}

async function insertRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
) {
  if (rows.length === 0) return;
  const values = rows.map(
    (_, row) => `(${columns.map((__, column) => `$${row * columns.length + column + 1}`).join(', ')})`,
  );
  await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, rows.flat());
}
