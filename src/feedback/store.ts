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
export interface FeedbackStore {
  /** Stores a person's vote on an answer, replacing an earlier one (and its comment). */
  vote(row: VoteRow): Promise<void>;
  /** Adds a comment to a person's vote (a negative one, when there was none yet). */
  comment(row: Omit<VoteRow, 'vote'> & { comment: string }): Promise<void>;
  counts(phrPublicId: string): Promise<VoteCounts>;
  comments(phrPublicId: string): Promise<string[]>;
  /** A workspace's votes cast or changed since `since`. */
  countsSince(teamId: string, since: Date): Promise<VoteCounts>;
  /** PHRs written since `since` that have at least one vote, oldest first. */
  ratedSince(since: Date): Promise<RatedPhrRow[]>;
  votesOf(phrPublicId: string): Promise<StoredVote[]>;
  /** Deletes votes (and their comments) last changed before `before`; returns how many. */
  deleteBefore(before: Date): Promise<number>;
}
