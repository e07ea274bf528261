import type { Logger } from '../log.js';
import { prepareText, type TextPolicy } from '../security/text-policy.js';
import type { FeedbackStore, Vote, VoteCounts } from './store.js';

export type { Vote, VoteCounts } from './store.js';

/** What a record page shows of an answer's feedback. */
export interface FeedbackSummary extends VoteCounts {
  /** Comments left with negative votes, redacted, oldest first. */
  comments: string[];
}

/** Who voted on which answer: the answer is named by its PHR's public id (the button's value). */
export interface VoteInput {
  phrPublicId: string;
  userId: string;
  teamId: string | null;
}

export interface FeedbackService {
  vote(input: VoteInput & { vote: Vote }): Promise<void>;
  /** Stores the comment of a vote, redacted and cut like a question. */
  comment(input: VoteInput & { text: string }): Promise<void>;
  summary(phrPublicId: string): Promise<FeedbackSummary>;
  /** A workspace's votes over the last `days` days. */
  recentCounts(teamId: string, days: number): Promise<VoteCounts>;
}

export interface FeedbackServiceOptions {
  store: FeedbackStore;
  textPolicy: TextPolicy;
  logger: Logger;
  now?: () => Date;
  onVote?: (vote: Vote) => void;
  onComment?: () => void;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const VALUE_PREFIX: Record<Vote, string> = { positive: 'up', negative: 'down' };
/** Public ids are 16 random bytes in base64url (records/links.ts); anything else is not ours. */
const PUBLIC_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A feedback button's value: the vote and the answer's PHR public id, never any text. */
export function feedbackValue(vote: Vote, phrPublicId: string): string {
  return `${VALUE_PREFIX[vote]}:${phrPublicId}`;
}

/** Reads a feedback button's value back; undefined for a value this bot did not make. */
export function parseFeedbackValue(value: string): { vote: Vote; phrPublicId: string } | undefined {
  const [prefix, id = ''] = value.split(':', 2);
  const vote = prefix === 'up' ? 'positive' : prefix === 'down' ? 'negative' : undefined;
  if (!vote || !PUBLIC_ID.test(id)) return undefined;
  return { vote, phrPublicId: id };
}

export function isPublicId(value: string): boolean {
  return PUBLIC_ID.test(value);
}

/** Votes and comments on answers: one vote per person per answer; comments redacted before storing. */
export function createFeedbackService(options: FeedbackServiceOptions): FeedbackService {
  const { store, textPolicy, logger } = options;
  const now = options.now ?? (() => new Date());
  return {
    async vote(input) {
      await store.vote(input);
      logger.info('feedback stored', { phr: input.phrPublicId, user: input.userId, vote: input.vote });
      options.onVote?.(input.vote);
    },
    async comment(input) {
      const prepared = prepareText(input.text.trim(), textPolicy);
      if (!prepared.text) return;
      await store.comment({
        phrPublicId: input.phrPublicId,
        userId: input.userId,
        teamId: input.teamId,
        comment: prepared.text,
      });
      logger.info('feedback comment stored', {
        phr: input.phrPublicId,
        user: input.userId,
        chars: prepared.text.length,
        redactions: prepared.redactions,
      });
      options.onComment?.();
    },
    async summary(phrPublicId) {
      return { ...(await store.counts(phrPublicId)), comments: await store.comments(phrPublicId) };
    },
    async recentCounts(teamId, days) {
      return store.countsSince(teamId, new Date(now().getTime() - days * DAY_MS));
    },
  };
}
