import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { runCli } from '../../helpers/child-bot.js';
import { type FreshDatabase, freshDatabase, postgresServer } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp.js';

let databases: FreshDatabase[] = [];
afterEach(async () => {
  for (const database of databases) await database.drop();
  databases = [];
});

describe('npm run migrate-to-postgres', () => {
  it('creates the tables and moves the SQLite file in, once', async () => {
    const dir = tempDir();
    const sqlite = openDatabase(join(dir, 'bot.db'));
    sqlite.exec(`INSERT INTO settings (key, value) VALUES ('records_link_secret', 'kept');
      INSERT INTO seen_events (event_id, received_at) VALUES ('Ev1', '2026-12-01T00:00:00.000Z');`);
    sqlite.close();
    const target = await freshDatabase();
    databases.push(target);
    const env = { DATABASE_PATH: join(dir, 'bot.db'), DATABASE_URL: target.url, DATA_DIR: dir };

    const first = await runCli('migrate-to-postgres', [], { cwd: dir, env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Moved the SQLite database into PostgreSQL: settings 1, .*seen_events 1/);

    // A second run finds rows there and says so, without touching them or printing the password.
    const second = await runCli('migrate-to-postgres', [], { cwd: dir, env });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already holds settings; move into an empty database/);
    expect(second.stderr).not.toContain(postgresServer().password);
  });

  it('says what to set when DATABASE_URL is missing', async () => {
    const dir = tempDir();
    const result = await runCli('migrate-to-postgres', [], {
      cwd: dir,
      env: { DATABASE_PATH: join(dir, 'bot.db') },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/set DATABASE_URL/);
  });
});
