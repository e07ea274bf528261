import type Database from 'better-sqlite3';
import {
  type ConversationStore,
  type NewTurn,
  slackTsOf,
  type ThreadKey,
  type Turn,
  type TurnRow,
  toTurn,
} from './conversation-store.js';
import type { Db } from './database.js';

/** Conversations over SQLite. */
export class SqliteConversationStore implements ConversationStore {
  readonly #now: () => Date;
  readonly #hasThread: Database.Statement;
  readonly #addThread: Database.Statement;
  readonly #addTurn: Database.Statement;
  readonly #turns: Database.Statement;
  readonly #latestThread: Database.Statement;
  readonly #deleteTurnsBefore: Database.Statement;
  readonly #userName: Database.Statement;
  readonly #saveUserName: Database.Statement;

  constructor(db: Db, now: () => Date = () => new Date()) {
    this.#now = now;
    this.#hasThread = db.prepare(
      'SELECT 1 FROM threads WHERE channel_id = @channelId AND thread_ts = @threadTs',
    );
    this.#addThread = db.prepare(`
      INSERT INTO threads (channel_id, thread_ts, team_id, created_at)
      VALUES (@channelId, @threadTs, @teamId, @now) ON CONFLICT DO NOTHING`);
    this.#addTurn = db.prepare(`
      INSERT INTO turns (channel_id, thread_ts, id, role, user_id, user_name, text, message_ts, sort_ts,
                         question_id, created_at)
      VALUES (@channelId, @threadTs,
              (SELECT coalesce(max(id), 0) + 1 FROM turns WHERE channel_id = @channelId AND thread_ts = @threadTs),
              @role, @userId, @userName, @text, @messageTs, @sortTs, @questionId, @now)
      ON CONFLICT DO NOTHING`);
    // Slack's order, not the order of storing: the thread's rows are one clustered range, sorted in memory.
    this.#turns = db.prepare(`
      SELECT id, role, user_id, user_name, text, message_ts FROM turns
      WHERE channel_id = @channelId AND thread_ts = @threadTs ORDER BY sort_ts, id`);
    this.#latestThread = db.prepare(
      'SELECT thread_ts FROM turns WHERE channel_id = ? ORDER BY created_at DESC LIMIT 1',
    );
    this.#deleteTurnsBefore = db.prepare('DELETE FROM turns WHERE created_at < ?');
    this.#userName = db.prepare('SELECT name, fetched_at FROM users WHERE user_id = ?');
    this.#saveUserName = db.prepare(`
      INSERT INTO users (user_id, name, fetched_at) VALUES (@userId, @name, @now)
      ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, fetched_at = excluded.fetched_at`);
  }

  async hasThread(key: ThreadKey): Promise<boolean> {
    return this.#hasThread.get(key) !== undefined;
  }

  async addThread(key: ThreadKey & { teamId: string }): Promise<boolean> {
    return this.#addThread.run({ ...key, now: this.#now().toISOString() }).changes > 0;
  }

  async addTurn(turn: NewTurn): Promise<boolean> {
    const now = this.#now();
    return (
      this.#addTurn.run({
        ...turn,
        questionId: turn.questionId ?? null,
        sortTs: turn.sortTs ?? turn.messageTs ?? slackTsOf(now),
        now: now.toISOString(),
      }).changes > 0
    );
  }

  async turns(key: ThreadKey): Promise<Turn[]> {
    return (this.#turns.all(key) as TurnRow[]).map(toTurn);
  }

  async latestThread(channelId: string): Promise<string | undefined> {
    return (this.#latestThread.get(channelId) as { thread_ts: string } | undefined)?.thread_ts;
  }

  async deleteTurnsBefore(before: Date): Promise<number> {
    return this.#deleteTurnsBefore.run(before.toISOString()).changes;
  }

  async userName(userId: string): Promise<{ name: string; fetchedAt: Date } | undefined> {
    const row = this.#userName.get(userId) as { name: string; fetched_at: string } | undefined;
    return row && { name: row.name, fetchedAt: new Date(row.fetched_at) };
  }

  async saveUserName(userId: string, name: string): Promise<void> {
    this.#saveUserName.run({ userId, name, now: this.#now().toISOString() });
  }
}
