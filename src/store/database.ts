import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export class DatabaseVersionError extends Error {
  constructor(
    readonly path: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `${path} was written by a newer version of the bot (schema ${found}, this build knows ${known}); upgrade the bot or restore a backup`,
    );
    this.name = 'DatabaseVersionError';
  }
}

/**
 * Opens (creating it and its folder if needed) and migrates the SQLite file. The file is created
 * owner-only because it holds company conversations.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) {
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
  }
  const db = new Database(path);
  // Larger pages hold more turns each, so a long thread is fewer page reads. Only a new, empty file
  // takes a page size (before WAL is switched on); existing databases keep theirs.
  if (
    (db.pragma('user_version', { simple: true }) as number) === 0 &&
    (db.pragma('page_count', { simple: true }) as number) === 0
  ) {
    db.pragma('page_size = 16384');
  }
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, path);
  return db;
}

/**
 * For the long-running bot: automatic checkpoints off on this connection, a background thread does
 * them instead (see checkpointer.ts). Short-lived tools keep SQLite's default.
 */
export function checkpointInBackground(db: Db, path: string, onError?: (error: Error) => void): Checkpointer {
  if (path === ':memory:') return { stop: async () => {} };
  db.pragma('wal_autocheckpoint = 0');
  return startCheckpointer(path, 1_000, (error) => {
    // Fall back to SQLite's own checkpoints rather than let the WAL grow.
    db.pragma('wal_autocheckpoint = 1000');
    onError?.(error);
  });
}

function migrate(db: Db, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) throw new DatabaseVersionError(path, current, MIGRATIONS.length);
  for (let version = current; version < MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/**
 * A second connection used only by /readyz: it proves the file is writable with a tiny write, and
 * gives up at once (busy_timeout 0) instead of blocking the event loop when another writer holds
 * the lock — a locked database is not ready.
 */
export function openReadinessProbe(path: string): { writable(): boolean | string; close(): void } {
  const probe = new Database(path);
  probe.pragma('busy_timeout = 0');
  const touch = probe.prepare(
    "INSERT INTO settings (key, value) VALUES ('readiness_probe', @at) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  return {
    writable() {
      try {
        touch.run({ at: new Date().toISOString() });
        return true;
      } catch (error) {
        return (error as { code?: string }).code ?? 'not writable';
      }
    },
    close: () => probe.close(),
  };
}

/** An online, consistent copy of the database file (SQLite's backup API; safe while the bot runs). */
export async function backupDatabase(source: string, destination: string): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(destination);
    chmodSync(destination, 0o600);
  } finally {
    db.close();
  }
}
