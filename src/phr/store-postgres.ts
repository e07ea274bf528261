import type { PgClient, PgPool } from '../store/postgres/connect.js';
import { withTransaction } from '../store/postgres/connect.js';
import { type NewPhrRow, type PhrDbRow, type PhrRow, type PhrStore, toPhr, type UsageRow } from './store.js';

/**
 * First key of the advisory lock that serialises numbering a route's PHRs ('PHRS' in ASCII); the
 * second is hashtext(route). Its own namespace, so it never collides with the ADR lock or another
 * user of advisory locks on the same database.
 */
const PHR_NUMBER_LOCK = 0x50485253;

const COLUMNS =
  'public_id, route, number, stage, title, file_path, channel_id, thread_ts, markdown, created_at';

const INSERT_PHR = `
  INSERT INTO phrs (public_id, route, number, stage, title, file_path, team_id, channel_id, thread_ts, user_id,
                    model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms,
                    cost_usd, markdown, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`;

function insertParams(row: NewPhrRow): unknown[] {
  return [
    row.publicId,
    row.route,
    row.number,
    row.stage,
    row.title,
    row.filePath,
    row.teamId,
    row.channelId,
    row.threadTs,
    row.userId,
    row.model,
    row.inputTokens,
    row.outputTokens,
    row.cacheReadTokens,
    row.cacheWriteTokens,
    row.latencyMs,
    row.costUsd,
    row.markdown,
    row.createdAt,
  ];
}

/** PHR rows, usage and settings over PostgreSQL, shared by every replica. */
export class PostgresPhrStore implements PhrStore {
  readonly #pool: PgPool;

  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  async settingOrInit(key: string, value: string): Promise<string> {
    // Two replicas starting together both insert; the loser's insert does nothing (it waits for the
    // winner's commit first), so both read the winner's value.
    await this.#pool.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      key,
      value,
    ]);
    const { rows } = await this.#pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [
      key,
    ]);
    return (rows[0] as { value: string }).value;
  }

  async insertPhr(row: NewPhrRow): Promise<void> {
    await this.#pool.query(INSERT_PHR, insertParams(row));
  }

  async phr(publicId: string): Promise<PhrRow | undefined> {
    const { rows } = await this.#pool.query<PhrDbRow>(`SELECT ${COLUMNS} FROM phrs WHERE public_id = $1`, [
      publicId,
    ]);
    return rows[0] && toPhr(rows[0]);
  }

  async allPhrs(): Promise<PhrRow[]> {
    const { rows } = await this.#pool.query<PhrDbRow>(`SELECT ${COLUMNS} FROM phrs ORDER BY id`);
    return rows.map(toPhr);
  }

  async phrsForChannel(channelId: string, limit: number): Promise<PhrRow[]> {
    const { rows } = await this.#pool.query<PhrDbRow>(
      `SELECT ${COLUMNS} FROM phrs WHERE channel_id = $1 ORDER BY id DESC LIMIT $2`,
      [channelId, limit],
    );
    return rows.map(toPhr);
  }

  async phrsOfUser(userId: string, limit: number): Promise<PhrRow[]> {
    const { rows } = await this.#pool.query<PhrDbRow>(
      `SELECT ${COLUMNS} FROM phrs WHERE user_id = $1 ORDER BY id DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map(toPhr);
  }

  async latestPhrInThread(channelId: string, threadTs: string): Promise<PhrRow | undefined> {
    const { rows } = await this.#pool.query<PhrDbRow>(
      `SELECT ${COLUMNS} FROM phrs WHERE channel_id = $1 AND thread_ts = $2 ORDER BY id DESC LIMIT 1`,
      [channelId, threadTs],
    );
    return rows[0] && toPhr(rows[0]);
  }

  async tokensSince(teamId: string, since: Date): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>(
      `SELECT coalesce(sum(input_tokens + output_tokens), 0) AS n FROM phrs
       WHERE team_id = $1 AND created_at >= $2`,
      [teamId, since.toISOString()],
    );
    return (rows[0] as { n: number }).n;
  }

  async usageSince(teamId: string, since: Date): Promise<UsageRow[]> {
    // sum(integer) and count() are int8 (parsed as numbers), sum(double precision) a float8: the same
    // numbers SQLite gives.
    const { rows } = await this.#pool.query<UsageRow>(
      `SELECT channel_id AS "channelId", count(*) AS answers, sum(input_tokens) AS "inputTokens",
              sum(output_tokens) AS "outputTokens", sum(cache_read_tokens) AS "cacheReadTokens",
              sum(cache_write_tokens) AS "cacheWriteTokens", sum(cost_usd) AS "costUsd"
       FROM phrs WHERE team_id = $1 AND created_at >= $2
       GROUP BY channel_id ORDER BY "costUsd" DESC`,
      [teamId, since.toISOString()],
    );
    return rows;
  }

  async deletePhrsBefore(before: Date): Promise<string[]> {
    // One statement: the files returned are exactly the rows deleted, whatever other replicas insert.
    const { rows } = await this.#pool.query<{ file_path: string | null }>(
      'DELETE FROM phrs WHERE created_at < $1 RETURNING file_path',
      [before.toISOString()],
    );
    return rows.flatMap((row) => (row.file_path === null ? [] : [row.file_path]));
  }

  async updatePhrMarkdown(publicId: string, markdown: string): Promise<void> {
    await this.#pool.query('UPDATE phrs SET markdown = $2 WHERE public_id = $1', [publicId, markdown]);
  }

  async insertNumbered<T>(
    route: string,
    build: (maxStored: number) => { row: NewPhrRow; result: T },
  ): Promise<T> {
    return withTransaction(this.#pool, async (client) => {
      // Held until commit, so the next writer of this route on any replica reads max(number) only
      // after this row is visible. UNIQUE (route, number) would only turn a race into an error.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PHR_NUMBER_LOCK, route]);
      const { row, result } = build(await maxNumber(client, route));
      await client.query(INSERT_PHR, insertParams(row));
      return result;
    });
  }
}

async function maxNumber(client: PgClient, route: string): Promise<number> {
  const { rows } = await client.query<{ n: number | null }>(
    'SELECT max(number) AS n FROM phrs WHERE route = $1',
    [route],
  );
  return rows[0]?.n ?? 0;
}
