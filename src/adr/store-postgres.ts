import type { PgClient, PgPool } from '../store/postgres/connect.js';
import { withTransaction } from '../store/postgres/connect.js';
import {
  type Adr,
  type AdrRow,
  type AdrStore,
  type NewAdr,
  type NewSuggestion,
  type Suggestion,
  type SuggestionRow,
  type SuggestionState,
  toAdr,
  toSuggestion,
} from './store.js';

/**
 * First key of the advisory lock that serialises numbering ADRs ('ADRS' in ASCII), apart from the PHR
 * lock's namespace. ADR numbers are one sequence for the whole database, so the second key is fixed.
 */
const ADR_NUMBER_LOCK = 0x41445253;
const ALL_ADRS = 0;

/** ADR suggestions and ADRs over PostgreSQL, shared by every replica. */
export class PostgresAdrStore implements AdrStore {
  readonly #pool: PgPool;
  readonly #now: () => Date;

  constructor(pool: PgPool, now: () => Date = () => new Date()) {
    this.#pool = pool;
    this.#now = now;
  }

  async insertSuggestion(suggestion: NewSuggestion): Promise<void> {
    await this.#pool.query(
      `INSERT INTO adr_suggestions (public_id, source, team_id, channel_id, thread_ts, phr_public_id, brief,
                                    title, suggested_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
      [
        suggestion.publicId,
        suggestion.source,
        suggestion.teamId,
        suggestion.channelId,
        suggestion.threadTs,
        suggestion.phrPublicId,
        suggestion.brief,
        suggestion.title,
        suggestion.suggestedBy,
        this.#now().toISOString(),
      ],
    );
  }

  async setCard(publicId: string, cardTs: string): Promise<void> {
    await this.#pool.query('UPDATE adr_suggestions SET card_ts = $2 WHERE public_id = $1', [
      publicId,
      cardTs,
    ]);
  }

  async suggestion(publicId: string): Promise<Suggestion | undefined> {
    const { rows } = await this.#pool.query<SuggestionRow>(
      'SELECT * FROM adr_suggestions WHERE public_id = $1',
      [publicId],
    );
    return rows[0] && toSuggestion(rows[0]);
  }

  async move(
    publicId: string,
    from: SuggestionState,
    to: SuggestionState,
    actor: string | null,
  ): Promise<boolean> {
    // One conditional UPDATE: of two replicas handling racing clicks, only one matches the row.
    const { rowCount } = await this.#pool.query(
      `UPDATE adr_suggestions SET state = $3, acted_by = $4, updated_at = $5
       WHERE public_id = $1 AND state = $2`,
      [publicId, from, to, actor, this.#now().toISOString()],
    );
    return rowCount === 1;
  }

  async drafting(before: Date): Promise<Suggestion[]> {
    const { rows } = await this.#pool.query<SuggestionRow>(
      "SELECT * FROM adr_suggestions WHERE state = 'drafting' AND updated_at < $1",
      [before.toISOString()],
    );
    return rows.map(toSuggestion);
  }

  async adr(publicId: string): Promise<Adr | undefined> {
    const { rows } = await this.#pool.query<AdrRow>('SELECT * FROM adrs WHERE public_id = $1', [publicId]);
    return rows[0] && toAdr(rows[0]);
  }

  async adrByNumber(number: number): Promise<Adr | undefined> {
    const { rows } = await this.#pool.query<AdrRow>('SELECT * FROM adrs WHERE number = $1', [number]);
    return rows[0] && toAdr(rows[0]);
  }

  async allAdrs(): Promise<Adr[]> {
    const { rows } = await this.#pool.query<AdrRow>('SELECT * FROM adrs ORDER BY number');
    return rows.map(toAdr);
  }

  async proposed(limit: number): Promise<Adr[]> {
    const { rows } = await this.#pool.query<AdrRow>(
      "SELECT * FROM adrs WHERE status = 'Proposed' ORDER BY number DESC LIMIT $1",
      [limit],
    );
    return rows.map(toAdr);
  }

  async decide(publicId: string, status: 'Accepted' | 'Rejected', decidedBy: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `UPDATE adrs SET status = $2, decided_by = $3, decided_at = $4
       WHERE public_id = $1 AND status = 'Proposed'`,
      [publicId, status, decidedBy, this.#now().toISOString()],
    );
    return rowCount === 1;
  }

  async setMarkdown(publicId: string, markdown: string): Promise<void> {
    await this.#pool.query('UPDATE adrs SET markdown = $2 WHERE public_id = $1', [publicId, markdown]);
  }

  async insertNumbered<T extends NewAdr>(
    suggestionPublicId: string,
    build: (maxStored: number) => T,
  ): Promise<T> {
    return withTransaction(this.#pool, async (client) => {
      // Held until commit, so the next writer on any replica reads max(number) only after this ADR is
      // visible. UNIQUE (number) would only turn a race into an error.
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [ADR_NUMBER_LOCK, ALL_ADRS]);
      const adr = build(await maxNumber(client));
      await insertAdr(client, adr);
      await client.query(
        `UPDATE adr_suggestions SET state = 'documented', adr_number = $2, updated_at = $3
         WHERE public_id = $1 AND state = 'drafting'`,
        [suggestionPublicId, adr.number, this.#now().toISOString()],
      );
      return adr;
    });
  }
}

async function maxNumber(client: PgClient): Promise<number> {
  const { rows } = await client.query<{ n: number | null }>('SELECT max(number) AS n FROM adrs');
  return rows[0]?.n ?? 0;
}

async function insertAdr(client: PgClient, adr: NewAdr): Promise<void> {
  await client.query(
    `INSERT INTO adrs (number, public_id, suggestion_id, title, status, file_path, markdown, channel_id,
                       thread_ts, card_ts, proposed_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      adr.number,
      adr.publicId,
      adr.suggestionId,
      adr.title,
      adr.status,
      adr.filePath,
      adr.markdown,
      adr.channelId,
      adr.threadTs,
      adr.cardTs,
      adr.proposedBy,
      adr.createdAt,
    ],
  );
}
