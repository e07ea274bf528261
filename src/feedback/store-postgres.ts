import type { PgPool } from '../store/postgres/connect.js';
import type { FeedbackStore, RatedPhrRow, StoredVote, VoteCounts, VoteRow } from './store.js';

// count() is int8, which the pool parses as a JS number, so the counts match SQLite's.
const SUMS = `count(*) FILTER (WHERE vote = 'positive') AS positive,
              count(*) FILTER (WHERE vote = 'negative') AS negative`;

/** Votes and comments over PostgreSQL. */
export class PostgresFeedbackStore implements FeedbackStore {
  readonly #pool: PgPool;
  readonly #now: () => Date;

  constructor(pool: PgPool, now: () => Date = () => new Date()) {
    this.#pool = pool;
    this.#now = now;
  }

  async vote(row: VoteRow): Promise<void> {
    // A new vote clears the comment: it was about the vote it replaced.
    await this.#pool.query(
      `INSERT INTO feedback_votes (phr_public_id, user_id, team_id, vote, comment, created_at, updated_at)
       VALUES ($1, $2, $3, $4, NULL, $5, $5)
       ON CONFLICT (phr_public_id, user_id) DO UPDATE SET
         vote = excluded.vote, team_id = excluded.team_id, comment = NULL, updated_at = excluded.updated_at`,
      [row.phrPublicId, row.userId, row.teamId, row.vote, this.#now().toISOString()],
    );
  }

  async comment(row: Omit<VoteRow, 'vote'> & { comment: string }): Promise<void> {
    await this.#pool.query(
      `INSERT INTO feedback_votes (phr_public_id, user_id, team_id, vote, comment, created_at, updated_at)
       VALUES ($1, $2, $3, 'negative', $4, $5, $5)
       ON CONFLICT (phr_public_id, user_id) DO UPDATE SET
         comment = excluded.comment, updated_at = excluded.updated_at`,
      [row.phrPublicId, row.userId, row.teamId, row.comment, this.#now().toISOString()],
    );
  }

  async counts(phrPublicId: string): Promise<VoteCounts> {
    const { rows } = await this.#pool.query<VoteCounts>(
      `SELECT ${SUMS} FROM feedback_votes WHERE phr_public_id = $1`,
      [phrPublicId],
    );
    return rows[0] as VoteCounts;
  }

  async comments(phrPublicId: string): Promise<string[]> {
    const { rows } = await this.#pool.query<{ comment: string }>(
      `SELECT comment FROM feedback_votes WHERE phr_public_id = $1 AND comment IS NOT NULL
       ORDER BY updated_at`,
      [phrPublicId],
    );
    return rows.map((row) => row.comment);
  }

  async countsSince(teamId: string, since: Date): Promise<VoteCounts> {
    const { rows } = await this.#pool.query<VoteCounts>(
      `SELECT ${SUMS} FROM feedback_votes WHERE team_id = $1 AND updated_at >= $2`,
      [teamId, since.toISOString()],
    );
    return rows[0] as VoteCounts;
  }

  async ratedSince(since: Date): Promise<RatedPhrRow[]> {
    const { rows } = await this.#pool.query<RatedPhrRow>(
      `SELECT public_id AS "publicId", number, title, stage, markdown, created_at AS "createdAt" FROM phrs
       WHERE created_at >= $1 AND public_id IN (SELECT phr_public_id FROM feedback_votes)
       ORDER BY created_at, id`,
      [since.toISOString()],
    );
    return rows;
  }

  async votesOf(phrPublicId: string): Promise<StoredVote[]> {
    // user_id has the database's collation; "C" sorts it byte by byte, as SQLite does.
    const { rows } = await this.#pool.query<StoredVote>(
      `SELECT vote, comment FROM feedback_votes WHERE phr_public_id = $1
       ORDER BY created_at, user_id COLLATE "C"`,
      [phrPublicId],
    );
    return rows;
  }

  async deleteBefore(before: Date): Promise<number> {
    const { rowCount } = await this.#pool.query('DELETE FROM feedback_votes WHERE updated_at < $1', [
      before.toISOString(),
    ]);
    return rowCount ?? 0;
  }
}
