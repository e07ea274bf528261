import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copySqliteToPostgres, TargetNotEmptyError } from '../../../src/store/copy-to-postgres.js';
import { type Db, openDatabase } from '../../../src/store/database.js';
import { type MigratedDatabase, migratedDatabase } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp.js';

let open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const item of open.reverse()) await item.close();
  open = [];
});

async function target(): Promise<MigratedDatabase> {
  const database = await migratedDatabase();
  open.push(database);
  return database;
}

const AT = '2026-12-01T10:00:00.000Z';

/** A SQLite file with a little of everything, written with plain SQL as an older bot would have. */
function source(): Db {
  const db = openDatabase(join(tempDir(), 'bot.db'));
  open.push(db);
  db.exec(`
    INSERT INTO settings (key, value) VALUES ('records_link_secret', 'abc');
    INSERT INTO users (user_id, name, fetched_at) VALUES ('U1', 'Ada', '${AT}');
    INSERT INTO threads (channel_id, thread_ts, team_id, created_at) VALUES ('C1', '100.000001', 'T1', '${AT}');
    INSERT INTO turns (channel_id, thread_ts, id, role, user_id, user_name, text, message_ts, sort_ts, created_at)
      VALUES ('C1', '100.000001', 1, 'user', 'U1', 'Ada', 'first', '100.000001', '100.000001', '${AT}'),
             ('C1', '100.000001', 2, 'assistant', NULL, NULL, 'second', '100.000002', '100.000002', '${AT}'),
             ('C2', '200.000001', 1, 'user', 'U1', 'Ada', 'other thread', '200.000001', '200.000001', '${AT}');
    INSERT INTO seen_events (event_id, received_at) VALUES ('Ev1', '${AT}');
    INSERT INTO questions (id, source, team_id, channel_id, message_key, thread_ts, user_id, text, state,
                           created_at, updated_at)
      VALUES (7, 'mention', 'T1', 'C1', '100.000001', '100.000001', 'U1', 'done', 'answered', '${AT}', '${AT}'),
             (9, 'mention', 'T1', 'C1', '100.000003', '100.000001', 'U1', 'cut off', 'answering', '${AT}', '${AT}');
    INSERT INTO phrs (id, public_id, route, number, stage, title, channel_id, thread_ts, model, input_tokens,
                      output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, cost_usd, markdown, created_at)
      VALUES (3, 'p-1', 'general', 1, 'general', 'Paging', 'C1', '100.000001', 'claude', 10, 20, 0, 0, 500, 0.25,
              '# PHR', '${AT}');
    INSERT INTO adr_suggestions (id, public_id, source, team_id, channel_id, thread_ts, brief, title, state,
                                 created_at, updated_at)
      VALUES (4, 's-1', 'detected', 'T1', 'C1', '100.000001', 'brief', 'Use Postgres', 'documented', '${AT}', '${AT}');
    INSERT INTO adrs (id, number, public_id, suggestion_id, title, status, markdown, channel_id, thread_ts,
                      proposed_by, created_at)
      VALUES (5, 1, 'a-1', 4, 'Use Postgres', 'Proposed', '# ADR', 'C1', '100.000001', 'U1', '${AT}');
    INSERT INTO feedback_votes (phr_public_id, user_id, team_id, vote, comment, created_at, updated_at)
      VALUES ('p-1', 'U1', 'T1', 'negative', 'too long', '${AT}', '${AT}');
  `);
  return db;
}

describe('copySqliteToPostgres', () => {
  it('moves every table, keeps thread order, requeues cut-off answers and moves the id sequences past the copy', async () => {
    const { pool } = await target();
    const copied = await copySqliteToPostgres(source(), pool);
    expect(Object.fromEntries(copied)).toMatchObject({
      turns: 3,
      questions: 2,
      phrs: 1,
      adrs: 1,
      feedback_votes: 1,
    });

    const turns = await pool.query(
      "SELECT text FROM turns WHERE channel_id = 'C1' AND thread_ts = '100.000001' ORDER BY sort_ts, id",
    );
    expect(turns.rows.map((row) => row.text)).toEqual(['first', 'second']);
    const questions = await pool.query('SELECT id, state FROM questions ORDER BY id');
    expect(questions.rows).toEqual([
      { id: 7, state: 'answered' },
      { id: 9, state: 'pending' },
    ]);
    const phr = await pool.query("SELECT cost_usd, markdown FROM phrs WHERE public_id = 'p-1'");
    expect(phr.rows[0]).toEqual({ cost_usd: 0.25, markdown: '# PHR' });
    const vote = await pool.query('SELECT comment FROM feedback_votes');
    expect(vote.rows[0]?.comment).toBe('too long');

    const next = await pool.query(
      `INSERT INTO questions (source, team_id, channel_id, message_key, user_id, text, created_at, updated_at)
       VALUES ('dm', 'T1', 'D1', '1.0', 'U1', 'new', '${AT}', '${AT}') RETURNING id`,
    );
    expect(next.rows[0]?.id).toBe(10);
  });

  it('refuses a database that already holds rows, and copies nothing', async () => {
    const { pool } = await target();
    await pool.query("INSERT INTO settings (key, value) VALUES ('records_link_secret', 'other')");
    await expect(copySqliteToPostgres(source(), pool)).rejects.toBeInstanceOf(TargetNotEmptyError);
    const turns = await pool.query('SELECT count(*) AS n FROM turns');
    expect(turns.rows[0]?.n).toBe(0);
  });
});
