import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { DatabaseVersionError, openDatabase } from '../../../src/store/database.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { tempDir } from '../../helpers/temp.js';

describe('openDatabase', () => {
  it('creates the folder and an owner-only file, in WAL mode, at the latest schema', () => {
    const path = join(tempDir(), 'nested', 'bot.db');
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    db.close();
  });

  it('reopens an existing database without migrating twice', () => {
    const path = join(tempDir(), 'bot.db');
    const exec = vi.spyOn(Database.prototype, 'exec');
    onTestFinished(() => exec.mockRestore());

    const first = openDatabase(path);
    // A new file runs every migration once, in order.
    expect(exec.mock.calls.map(([sql]) => sql)).toEqual([...MIGRATIONS]);
    first
      .prepare(
        'INSERT INTO turns (channel_id, thread_ts, id, role, text, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run('C1', '1.000100', 1, 'user', 'kept across reopen', '2026-01-01T00:00:00.000Z');
    first.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('marker', 'first open');
    const schema = (db: Database.Database) =>
      db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY type, name').all();
    const schemaAfterFirst = schema(first);
    first.close();

    exec.mockClear();
    const db = openDatabase(path);
    // No migration statement ran again: the second open executed no SQL script at all.
    expect(exec).not.toHaveBeenCalled();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    // The schema is unchanged and data written after the first open is still there (a re-run of the
    // turns rebuild or a CREATE/DROP would have failed or lost it).
    expect(schema(db)).toEqual(schemaAfterFirst);
    expect(db.prepare('SELECT channel_id, thread_ts, id, role, text FROM turns').all()).toEqual([
      { channel_id: 'C1', thread_ts: '1.000100', id: 1, role: 'user', text: 'kept across reopen' },
    ]);
    expect(db.prepare("SELECT value FROM settings WHERE key = 'marker'").pluck().get()).toBe('first open');
    db.close();
  });

  it('runs only the migrations a database has not had yet', () => {
    const path = join(tempDir(), 'bot.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0] as string);
    raw.pragma('user_version = 1');
    raw
      .prepare('INSERT INTO seen_events (event_id, received_at) VALUES (?, ?)')
      .run('Ev1', '2026-01-01T00:00:00.000Z');
    raw.close();

    const exec = vi.spyOn(Database.prototype, 'exec');
    onTestFinished(() => exec.mockRestore());
    const db = openDatabase(path);
    expect(exec.mock.calls.map(([sql]) => sql)).toEqual(MIGRATIONS.slice(1));
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT event_id FROM seen_events').pluck().all()).toEqual(['Ev1']);
    db.close();
  });

  it('refuses a database written by a newer version', () => {
    const path = join(tempDir(), 'bot.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(DatabaseVersionError);
  });
});
