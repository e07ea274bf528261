import type Database from 'better-sqlite3';
import type { Db } from '../store/database.js';
import { type NewPhrRow, type PhrDbRow, type PhrRow, type PhrStore, toPhr, type UsageRow } from './store.js';

/** PHR rows, usage and settings over SQLite. */
export class SqlitePhrStore implements PhrStore {
  readonly #db: Db;
  readonly #getSetting: Database.Statement;
  readonly #putSettingIfAbsent: Database.Statement;
  readonly #maxPhrNumber: Database.Statement;
  readonly #insertPhr: Database.Statement;
  readonly #phrByPublicId: Database.Statement;
  readonly #allPhrs: Database.Statement;
  readonly #phrsForChannel: Database.Statement;
  readonly #phrsOfUser: Database.Statement;
  readonly #updatePhrMarkdown: Database.Statement;
  readonly #latestPhrInThread: Database.Statement;
  readonly #tokensSince: Database.Statement;
  readonly #usageSince: Database.Statement;
  readonly #phrsBefore: Database.Statement;
  readonly #deletePhrsBefore: Database.Statement;

  constructor(db: Db) {
    this.#db = db;
    this.#getSetting = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.#putSettingIfAbsent = db.prepare(
      'INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT DO NOTHING',
    );
    this.#maxPhrNumber = db.prepare('SELECT max(number) AS n FROM phrs WHERE route = ?');
    this.#insertPhr = db.prepare(`
      INSERT INTO phrs (public_id, route, number, stage, title, file_path, team_id, channel_id, thread_ts, user_id,
                        model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms,
                        cost_usd, markdown, created_at)
      VALUES (@publicId, @route, @number, @stage, @title, @filePath, @teamId, @channelId, @threadTs, @userId,
              @model, @inputTokens, @outputTokens, @cacheReadTokens, @cacheWriteTokens, @latencyMs,
              @costUsd, @markdown, @createdAt)`);
    const columns =
      'public_id, route, number, stage, title, file_path, channel_id, thread_ts, markdown, created_at';
    this.#phrByPublicId = db.prepare(`SELECT ${columns} FROM phrs WHERE public_id = ?`);
    this.#allPhrs = db.prepare(`SELECT ${columns} FROM phrs ORDER BY id`);
    this.#phrsForChannel = db.prepare(
      `SELECT ${columns} FROM phrs WHERE channel_id = @channelId ORDER BY id DESC LIMIT @limit`,
    );
    this.#phrsOfUser = db.prepare(
      `SELECT ${columns} FROM phrs WHERE user_id = @userId ORDER BY id DESC LIMIT @limit`,
    );
    this.#updatePhrMarkdown = db.prepare('UPDATE phrs SET markdown = @markdown WHERE public_id = @publicId');
    this.#tokensSince = db.prepare(
      'SELECT coalesce(sum(input_tokens + output_tokens), 0) AS n FROM phrs WHERE team_id = @teamId AND created_at >= @since',
    );
    this.#usageSince = db.prepare(`
      SELECT channel_id AS channelId, count(*) AS answers, sum(input_tokens) AS inputTokens,
             sum(output_tokens) AS outputTokens, sum(cache_read_tokens) AS cacheReadTokens,
             sum(cache_write_tokens) AS cacheWriteTokens, sum(cost_usd) AS costUsd
      FROM phrs WHERE team_id = @teamId AND created_at >= @since
      GROUP BY channel_id ORDER BY costUsd DESC`);
    this.#phrsBefore = db.prepare(
      'SELECT file_path FROM phrs WHERE created_at < ? AND file_path IS NOT NULL',
    );
    this.#deletePhrsBefore = db.prepare('DELETE FROM phrs WHERE created_at < ?');
    this.#latestPhrInThread = db.prepare(
      `SELECT ${columns} FROM phrs WHERE channel_id = @channelId AND thread_ts = @threadTs ORDER BY id DESC LIMIT 1`,
    );
  }

  async settingOrInit(key: string, value: string): Promise<string> {
    this.#putSettingIfAbsent.run({ key, value });
    return (this.#getSetting.get(key) as { value: string }).value;
  }

  async insertPhr(row: NewPhrRow): Promise<void> {
    this.#insertPhr.run(row);
  }

  async phr(publicId: string): Promise<PhrRow | undefined> {
    const row = this.#phrByPublicId.get(publicId) as PhrDbRow | undefined;
    return row && toPhr(row);
  }

  async allPhrs(): Promise<PhrRow[]> {
    return (this.#allPhrs.all() as PhrDbRow[]).map(toPhr);
  }

  async phrsForChannel(channelId: string, limit: number): Promise<PhrRow[]> {
    return (this.#phrsForChannel.all({ channelId, limit }) as PhrDbRow[]).map(toPhr);
  }

  async phrsOfUser(userId: string, limit: number): Promise<PhrRow[]> {
    return (this.#phrsOfUser.all({ userId, limit }) as PhrDbRow[]).map(toPhr);
  }

  async latestPhrInThread(channelId: string, threadTs: string): Promise<PhrRow | undefined> {
    const row = this.#latestPhrInThread.get({ channelId, threadTs }) as PhrDbRow | undefined;
    return row && toPhr(row);
  }

  async tokensSince(teamId: string, since: Date): Promise<number> {
    return (this.#tokensSince.get({ teamId, since: since.toISOString() }) as { n: number }).n;
  }

  async usageSince(teamId: string, since: Date): Promise<UsageRow[]> {
    return this.#usageSince.all({ teamId, since: since.toISOString() }) as UsageRow[];
  }

  async deletePhrsBefore(before: Date): Promise<string[]> {
    return this.#transaction(() => {
      const files = (this.#phrsBefore.all(before.toISOString()) as { file_path: string }[]).map(
        (row) => row.file_path,
      );
      this.#deletePhrsBefore.run(before.toISOString());
      return files;
    });
  }

  async updatePhrMarkdown(publicId: string, markdown: string): Promise<void> {
    this.#updatePhrMarkdown.run({ publicId, markdown });
  }

  async insertNumbered<T>(
    route: string,
    build: (maxStored: number) => { row: NewPhrRow; result: T },
  ): Promise<T> {
    return this.#transaction(() => {
      const { row, result } = build((this.#maxPhrNumber.get(route) as { n: number | null }).n ?? 0);
      this.#insertPhr.run(row);
      return result;
    });
  }

  #transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }
}
