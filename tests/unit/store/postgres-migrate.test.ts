import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseVersionError } from '../../../src/store/database.js';
import {
  closePostgres,
  openPostgres,
  type PgPool,
  probeWritable,
  withTransaction,
} from '../../../src/store/postgres/connect.js';
import { migratePostgres, openMigrated } from '../../../src/store/postgres/migrate.js';
import { MIGRATIONS } from '../../../src/store/postgres/migrations.js';
import { type FreshDatabase, freshDatabase } from '../../helpers/postgres.js';

const TABLES = [
  'adr_suggestions',
  'adrs',
  'feedback_votes',
  'phrs',
  'questions',
  'rate_events',
  'schema_version',
  'seen_events',
  'settings',
  'threads',
  'turns',
  'users',
];

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Pools first: dropping a database with open connections would have to kill them.
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function database(): Promise<FreshDatabase> {
  const db = await freshDatabase();
  cleanup.push(db.drop);
  return db;
}

function pool(url: string): PgPool {
  const opened = openPostgres(url, { max: 2 });
  cleanup.push(() => closePostgres(opened));
  return opened;
}

const versions = async (p: PgPool) =>
  (await p.query<{ version: number }>('SELECT version FROM schema_version ORDER BY version')).rows.map(
    (row) => row.version,
  );

describe('migratePostgres', () => {
  it('creates every table of the schema in a fresh database', async () => {
    const p = pool((await database()).url);
    await expect(migratePostgres(p)).resolves.toBe(MIGRATIONS.length);
    const { rows } = await p.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(rows.map((row) => row.name)).toEqual(TABLES);
    expect(await versions(p)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });

  it('does nothing when the database is already current', async () => {
    const p = pool((await database()).url);
    await migratePostgres(p);
    await migratePostgres(p);
    expect(await versions(p)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });

  it('applies each migration exactly once when replicas start together', async () => {
    const { url } = await database();
    const pools = Array.from({ length: 5 }, () => pool(url));
    // Not idempotent on purpose: a second application would fail on the existing table.
    const migrations = [...MIGRATIONS, 'CREATE TABLE once (id integer)', 'INSERT INTO once VALUES (1)'];
    const results = await Promise.all(pools.map((p) => migratePostgres(p, migrations)));
    expect(results).toEqual(pools.map(() => migrations.length));
    expect(await versions(pools[0] as PgPool)).toEqual(migrations.map((_, index) => index + 1));
    const once = await (pools[0] as PgPool).query('SELECT count(*) AS n FROM once');
    expect(once.rows).toEqual([{ n: 1 }]);
  });

  it('applies only the entries the database lacks, and keeps the version of a failed one', async () => {
    const p = pool((await database()).url);
    await migratePostgres(p, ['CREATE TABLE a (id integer)']);
    await expect(
      migratePostgres(p, ['CREATE TABLE a (id integer)', 'CREATE TABLE b (id integer)', 'SELECT nonsense']),
    ).rejects.toThrow(/nonsense/);
    expect(await versions(p)).toEqual([1, 2]);
  });

  it('refuses a database written by a newer build, naming the database but not the URL', async () => {
    const db = await database();
    const p = pool(db.url);
    await migratePostgres(p, [...MIGRATIONS, 'SELECT 1']);
    const error = await migratePostgres(p).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseVersionError);
    expect(String(error)).toContain(`PostgreSQL database ${db.name}`);
    expect(String(error)).toContain(`schema ${MIGRATIONS.length + 1}, this build knows ${MIGRATIONS.length}`);
    expect(String(error)).not.toContain(p.options.password as string);
  });
});

describe('openPostgres', () => {
  it('reads bigint ids and counts as numbers, and TIMESTAMPTZ as dates', async () => {
    const p = pool((await database()).url);
    await migratePostgres(p);
    const inserted = await p.query<{ id: number }>(
      `INSERT INTO questions (source, team_id, channel_id, message_key, user_id, text, created_at, updated_at,
         lease_owner, lease_expires_at)
       VALUES ('mention', 'T1', 'C1', '1.000100', 'U1', 'how?', $1, $1, 'replica-a', now() + interval '1 minute')
       RETURNING id`,
      ['2026-01-01T00:00:00.000Z'],
    );
    expect(inserted.rows).toEqual([{ id: 1 }]);
    const row = await p.query(
      'SELECT id, attempts, state, created_at, lease_expires_at, (SELECT count(*) FROM questions) AS n FROM questions',
    );
    expect(row.rows[0]).toMatchObject({
      id: 1,
      attempts: 0,
      state: 'pending',
      created_at: '2026-01-01T00:00:00.000Z',
      n: 1,
    });
    expect(row.rows[0].lease_expires_at).toBeInstanceOf(Date);
    const big = await p.query('SELECT 9007199254740991::bigint AS max');
    expect(big.rows).toEqual([{ max: Number.MAX_SAFE_INTEGER }]);
    await expect(p.query('SELECT 9007199254740993::bigint AS over')).rejects.toThrow(RangeError);
  });

  it('withTransaction commits on success and rolls back on a throw', async () => {
    const p = pool((await database()).url);
    await migratePostgres(p);
    await withTransaction(p, (client) => client.query("INSERT INTO settings VALUES ('a', '1')"));
    await expect(
      withTransaction(p, async (client) => {
        await client.query("INSERT INTO settings VALUES ('b', '2')");
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const { rows } = await p.query('SELECT key FROM settings ORDER BY key');
    expect(rows).toEqual([{ key: 'a' }]);
    expect(p.idleCount + p.waitingCount).toBe(p.totalCount);
  });
});

describe('openMigrated and probeWritable', () => {
  it('opens a migrated pool whose probe writes, and a probe on a database without the schema says why', async () => {
    const db = await database();
    const migrated = await openMigrated(db.url);
    cleanup.push(() => closePostgres(migrated.pool));
    expect(migrated.version).toBe(MIGRATIONS.length);
    expect(await probeWritable(migrated.pool)).toBe(true);
    expect(await probeWritable(pool((await database()).url))).toBe('42P01');
  });
});
