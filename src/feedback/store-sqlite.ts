import type Database from 'better-sqlite3';
import type { Db } from '../store/database.js';
import type { FeedbackStore, RatedPhrRow, StoredVote, VoteCounts, VoteRow } from './store.js';

/** Votes and comments over SQLite. */
export class SqliteFeedbackStore implements FeedbackStore {
  readonly #now: () => Date;
  readonly #vote: Database.Statement;
  readonly #comment: Database.Statement;
  readonly #counts: Database.Statement;
  readonly #comments: Database.Statement;
  readonly #countsSince: Database.Statement;
  readonly #ratedSince: Database.Statement;
  readonly #votesOf: Database.Statement;
  readonly #deleteBefore: Database.Statement;

  constructor(db: Db, now: () => Date = () => new Date()) {
    this.#now = now;
    // A new vote clears the comment: it was about the vote it replaced.
    this.#vote = db.prepare(`
      INSERT INTO feedback_votes (phr_public_id, user_id, team_id, vote, comment, created_at, updated_at)
      VALUES (@phrPublicId, @userId, @teamId, @vote, NULL, @at, @at)
      ON CONFLICT (phr_public_id, user_id) DO UPDATE SET
        vote = excluded.vote, team_id = excluded.team_id, comment = NULL, updated_at = excluded.updated_at`);
    this.#comment = db.prepare(`
      INSERT INTO feedback_votes (phr_public_id, user_id, team_id, vote, comment, created_at, updated_at)
      VALUES (@phrPublicId, @userId, @teamId, 'negative', @comment, @at, @at)
      ON CONFLICT (phr_public_id, user_id) DO UPDATE SET
        comment = excluded.comment, updated_at = excluded.updated_at`);
    const sums = `coalesce(sum(vote = 'positive'), 0) AS positive, coalesce(sum(vote = 'negative'), 0) AS negative`;
    this.#counts = db.prepare(`SELECT ${sums} FROM feedback_votes WHERE phr_public_id = ?`);
    this.#comments = db.prepare(
      `SELECT comment FROM feedback_votes WHERE phr_public_id = ? AND comment IS NOT NULL ORDER BY updated_at`,
    );
    this.#countsSince = db.prepare(
      `SELECT ${sums} FROM feedback_votes WHERE team_id = @teamId AND updated_at >= @since`,
    );
    this.#ratedSince = db.prepare(`
      SELECT public_id AS publicId, number, title, stage, markdown, created_at AS createdAt FROM phrs
      WHERE created_at >= ? AND public_id IN (SELECT phr_public_id FROM feedback_votes)
      ORDER BY created_at, id`);
    this.#votesOf = db.prepare(
      'SELECT vote, comment FROM feedback_votes WHERE phr_public_id = ? ORDER BY created_at, user_id',
    );
    this.#deleteBefore = db.prepare('DELETE FROM feedback_votes WHERE updated_at < ?');
  }

  async vote(row: VoteRow): Promise<void> {
    this.#vote.run({ ...row, at: this.#now().toISOString() });
  }

  async comment(row: Omit<VoteRow, 'vote'> & { comment: string }): Promise<void> {
    this.#comment.run({ ...row, at: this.#now().toISOString() });
  }

  async counts(phrPublicId: string): Promise<VoteCounts> {
    return this.#counts.get(phrPublicId) as VoteCounts;
  }

  async comments(phrPublicId: string): Promise<string[]> {
    return (this.#comments.all(phrPublicId) as { comment: string }[]).map((row) => row.comment);
  }

  async countsSince(teamId: string, since: Date): Promise<VoteCounts> {
    return this.#countsSince.get({ teamId, since: since.toISOString() }) as VoteCounts;
  }

  async ratedSince(since: Date): Promise<RatedPhrRow[]> {
    return this.#ratedSince.all(since.toISOString()) as RatedPhrRow[];
  }

  async votesOf(phrPublicId: string): Promise<StoredVote[]> {
    return this.#votesOf.all(phrPublicId) as StoredVote[];
  }

  async deleteBefore(before: Date): Promise<number> {
    return this.#deleteBefore.run(before.toISOString()).changes;
  }
}
