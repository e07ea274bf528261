import type Database from 'better-sqlite3';
import type { Db } from '../store/database.js';

export type Vote = 'positive' | 'negative';

export interface VoteRow {
  phrPublicId: string;
  userId: string;
  teamId: string | null;
  vote: Vote;
}

export interface VoteCounts {
  positive: number;
  negative: number;
}

/** An answered question with feedback, as the export reads it (the PHR's stored Markdown). */
export interface RatedPhrRow {
  publicId: string;
  number: number;
  title: string;
  stage: string;
  markdown: string;
  createdAt: string;
}

export interface StoredVote {
  vote: Vote;
  comment: string | null;
}

/**
 * Votes on answers, keyed by the answer's PHR public id and the voter: one row per person per answer,
 * so a later click replaces the earlier one. A vote may arrive before its PHR row exists (the buttons
 * go out with the answer, the record is written just after), so there is no foreign key.
 */
export class FeedbackStore {
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

  /** Stores a person's vote on an answer, replacing an earlier one (and its comment). */
  vote(row: VoteRow): void {
    this.#vote.run({ ...row, at: this.#now().toISOString() });
  }

  /** Adds a comment to a person's vote (a negative one, when there was none yet). */
  comment(row: Omit<VoteRow, 'vote'> & { comment: string }): void {
    this.#comment.run({ ...row, at: this.#now().toISOString() });
  }

  counts(phrPublicId: string): VoteCounts {
    return this.#counts.get(phrPublicId) as VoteCounts;
  }

  comments(phrPublicId: string): string[] {
    return (this.#comments.all(phrPublicId) as { comment: string }[]).map((row) => row.comment);
  }

  /** A workspace's votes cast or changed since `since`. */
  countsSince(teamId: string, since: Date): VoteCounts {
    return this.#countsSince.get({ teamId, since: since.toISOString() }) as VoteCounts;
  }

  /** PHRs written since `since` that have at least one vote, oldest first. */
  ratedSince(since: Date): RatedPhrRow[] {
    return this.#ratedSince.all(since.toISOString()) as RatedPhrRow[];
  }

  votesOf(phrPublicId: string): StoredVote[] {
    return this.#votesOf.all(phrPublicId) as StoredVote[];
  }

  /** Deletes votes (and their comments) last changed before `before`; returns how many. */
  deleteBefore(before: Date): number {
    return this.#deleteBefore.run(before.toISOString()).changes;
  }
}
