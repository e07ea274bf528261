import {
  type ConversationStore,
  type NewTurn,
  slackTsOf,
  type ThreadKey,
  type Turn,
  type TurnRow,
  toTurn,
} from './conversation-store.js';
import type { PgPool } from './postgres/connect.js';

/**
 * Conversations over PostgreSQL. Turn ids come from the table's identity, not per-thread max(id) + 1:
 * two replicas appending to one thread at once cannot pick the same id.
 */
export class PostgresConversationStore implements ConversationStore {
  readonly #pool: PgPool;
  readonly #now: () => Date;

  constructor(pool: PgPool, now: () => Date = () => new Date()) {
    this.#pool = pool;
    this.#now = now;
  }

  async hasThread(key: ThreadKey): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'SELECT 1 FROM threads WHERE channel_id = $1 AND thread_ts = $2',
      [key.channelId, key.threadTs],
    );
    return (rowCount ?? 0) > 0;
  }

  async addThread(key: ThreadKey & { teamId: string }): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `INSERT INTO threads (channel_id, thread_ts, team_id, created_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [key.channelId, key.threadTs, key.teamId, this.#now().toISOString()],
    );
    return (rowCount ?? 0) > 0;
  }

  async addTurn(turn: NewTurn): Promise<boolean> {
    const now = this.#now();
    const { rowCount } = await this.#pool.query(
      `INSERT INTO turns (channel_id, thread_ts, role, user_id, user_name, text, message_ts, sort_ts,
                          question_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [
        turn.channelId,
        turn.threadTs,
        turn.role,
        turn.userId,
        turn.userName,
        turn.text,
        turn.messageTs,
        turn.sortTs ?? turn.messageTs ?? slackTsOf(now),
        turn.questionId ?? null,
        now.toISOString(),
      ],
    );
    return (rowCount ?? 0) > 0;
  }

  async turns(key: ThreadKey): Promise<Turn[]> {
    const { rows } = await this.#pool.query<TurnRow>(
      `SELECT id, role, user_id, user_name, text, message_ts FROM turns
       WHERE channel_id = $1 AND thread_ts = $2 ORDER BY sort_ts, id`,
      [key.channelId, key.threadTs],
    );
    return rows.map(toTurn);
  }

  async latestThread(channelId: string): Promise<string | undefined> {
    // id breaks ties of equal created_at: ids only grow, so the later-stored turn wins.
    const { rows } = await this.#pool.query<{ thread_ts: string }>(
      'SELECT thread_ts FROM turns WHERE channel_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
      [channelId],
    );
    return rows[0]?.thread_ts;
  }

  async deleteTurnsBefore(before: Date): Promise<number> {
    const { rowCount } = await this.#pool.query('DELETE FROM turns WHERE created_at < $1', [
      before.toISOString(),
    ]);
    return rowCount ?? 0;
  }

  async userName(userId: string): Promise<{ name: string; fetchedAt: Date } | undefined> {
    const { rows } = await this.#pool.query<{ name: string; fetched_at: string }>(
      'SELECT name, fetched_at FROM users WHERE user_id = $1',
      [userId],
    );
    const row = rows[0];
    return row && { name: row.name, fetchedAt: new Date(row.fetched_at) };
  }

  async saveUserName(userId: string, name: string): Promise<void> {
    await this.#pool.query(
      `INSERT INTO users (user_id, name, fetched_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, fetched_at = excluded.fetched_at`,
      [userId, name, this.#now().toISOString()],
    );
  }
}
