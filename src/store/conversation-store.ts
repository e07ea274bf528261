import type Database from 'better-sqlite3';
import type { Db } from './database.js';

export type Role = 'user' | 'assistant';

export interface ThreadKey {
  channelId: string;
  threadTs: string;
}

export interface NewTurn extends ThreadKey {
  role: Role;
  userId: string | null;
  userName: string | null;
  text: string;
  /** The Slack message the turn came from; a message is stored once however often it is seen. */
  messageTs: string | null;
  /** The question this turn asks; a question's turn is stored once however often it is answered. */
  questionId?: number | null;
  /**
   * Where the turn sits in the thread when it has no message of its own (a `/fastapi` question sits at
   * its root); by default its message ts, else the time it is stored.
   */
  sortTs?: string;
}

export interface Turn {
  id: number;
  role: Role;
  userId: string | null;
  userName: string | null;
  text: string;
  messageTs: string | null;
}

interface TurnRow {
  id: number;
  role: Role;
  user_id: string | null;
  user_name: string | null;
  text: string;
  message_ts: string | null;
}

/** Threads the bot is part of, what was said in them, and the names of who said it. */
export class ConversationStore {
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

  hasThread(key: ThreadKey): boolean {
    return this.#hasThread.get(key) !== undefined;
  }

  /** Returns true when the thread was new to the bot. */
  addThread(key: ThreadKey & { teamId: string }): boolean {
    return this.#addThread.run({ ...key, now: this.#now().toISOString() }).changes > 0;
  }

  /** Returns false when the message was already stored. */
  addTurn(turn: NewTurn): boolean {
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

  turns(key: ThreadKey): Turn[] {
    return (this.#turns.all(key) as TurnRow[]).map((row) => ({
      id: row.id,
      role: row.role,
      userId: row.user_id,
      userName: row.user_name,
      text: row.text,
      messageTs: row.message_ts,
    }));
  }

  /** The thread of the channel with the newest turn: "the current discussion" for `/fastapi adr`. */
  latestThread(channelId: string): string | undefined {
    return (this.#latestThread.get(channelId) as { thread_ts: string } | undefined)?.thread_ts;
  }

  deleteTurnsBefore(before: Date): number {
    return this.#deleteTurnsBefore.run(before.toISOString()).changes;
  }

  userName(userId: string): { name: string; fetchedAt: Date } | undefined {
    const row = this.#userName.get(userId) as { name: string; fetched_at: string } | undefined;
    return row && { name: row.name, fetchedAt: new Date(row.fetched_at) };
  }

  saveUserName(userId: string, name: string): void {
    this.#saveUserName.run({ userId, name, now: this.#now().toISOString() });
  }
}

/** A time written like a Slack message ts (seconds.microseconds), so it sorts among real ones. */
export function slackTsOf(time: Date): string {
  const ms = time.getTime();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}
