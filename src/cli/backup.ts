import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { backupDatabase } from '../store/database.js';

/**
 * `npm run backup [-- <file>]`: an online, consistent copy of the SQLite database (better-sqlite3's
 * backup API, safe while the bot runs), by default to DATA_DIR/backups/bot-<timestamp>.db. SQLite
 * only: with DATABASE_URL set it refuses and points at pg_dump.
 */
async function backup(target: string | undefined): Promise<string> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env, { requireSlack: false, requireAnthropic: false });
  if (config.databaseUrl !== undefined) {
    process.stderr.write(
      'npm run backup copies the SQLite file; with DATABASE_URL set, back up PostgreSQL with pg_dump\n',
    );
    process.exit(1);
  }
  if (!existsSync(config.databasePath))
    throw new Error(`no database at ${config.databasePath} (DATABASE_PATH)`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const destination = resolve(target ?? join(config.dataDir, 'backups', `bot-${stamp}.db`));
  mkdirSync(dirname(destination), { recursive: true, mode: 0o700 });
  await backupDatabase(config.databasePath, destination);
  return destination;
}

backup(process.argv[2]).then(
  (path) => process.stdout.write(`Backed up the database to ${path}\n`),
  (error: unknown) => {
    process.stderr.write(`Backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
