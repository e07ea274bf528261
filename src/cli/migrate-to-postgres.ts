import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { copySqliteToPostgres } from '../store/copy-to-postgres.js';
import { openDatabase } from '../store/database.js';
import { closePostgres, type PgPool } from '../store/postgres/connect.js';
import { openMigrated } from '../store/postgres/migrate.js';

/**
 * `npm run migrate-to-postgres`: copies the SQLite database at DATABASE_PATH into the empty
 * PostgreSQL at DATABASE_URL (creating its tables first), in one transaction. Stop the bot first:
 * questions accepted after the copy started would stay behind in the file.
 */
async function migrateToPostgres(): Promise<Map<string, number>> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env, { requireSlack: false, requireAnthropic: false });
  if (config.databaseUrl === undefined)
    throw new Error('set DATABASE_URL to the PostgreSQL database to move into (postgres://…)');
  if (!existsSync(config.databasePath))
    throw new Error(`no database at ${config.databasePath} (DATABASE_PATH) to move`);
  const source = openDatabase(config.databasePath);
  let pool: PgPool | undefined;
  try {
    ({ pool } = await openMigrated(config.databaseUrl));
    return await copySqliteToPostgres(source, pool);
  } finally {
    if (pool) await closePostgres(pool);
    source.close();
  }
}

migrateToPostgres().then(
  (copied) => {
    const rows = [...copied].map(([table, count]) => `${table} ${count}`).join(', ');
    process.stdout.write(`Moved the SQLite database into PostgreSQL: ${rows}\n`);
    process.stdout.write(
      'Keep the SQLite file as a backup until the bot has run on PostgreSQL for a while.\n',
    );
  },
  (error: unknown) => {
    process.stderr.write(`Move failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
