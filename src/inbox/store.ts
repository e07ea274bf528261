export type QuestionSource = 'mention' | 'thread' | 'dm' | 'command';
export type QuestionState = 'pending' | 'answering' | 'answered' | 'failed';

export interface NewQuestion {
  source: QuestionSource;
  teamId: string;
  channelId: string;
  /** The Slack message ts, or `cmd:<trigger_id>` for a slash command (which has no message). */
  messageKey: string;
  /** Where the answer goes; null for a slash command until its root message is posted. */
  threadTs: string | null;
  userId: string;
  /** The asker's own workspace when Slack says it (Slack Connect); else the question's team is theirs. */
  userTeamId?: string | null;
  text: string;
  responseUrl?: string | null;
}

export interface Question extends NewQuestion {
  id: number;
  userTeamId: string | null;
  state: QuestionState;
  attempts: number;
  partialTs: string | null;
  responseUrl: string | null;
  createdAt: string;
}

export type AcceptResult = { accepted: true; id: number } | { accepted: false; reason: 'retry' | 'twin' };

/** The durable inbox: deduplication of Slack deliveries and the queue the worker drains. */
export interface InboxStore {
  /**
   * Records a question unless this delivery (event id) or this message (channel + key) was
   * already accepted. Runs in one transaction so a crash leaves either both rows or neither.
   */
  accept(eventId: string | null, question: NewQuestion): Promise<AcceptResult>;
  /**
   * `accept`, made for bursts. SQLite: every call made in the same event-loop turn shares one
   * transaction (a group commit), so BEGIN, COMMIT and the WAL pages are paid once per burst.
   * PostgreSQL: one statement per question, run side by side on the pool.
   * Resolves once the transaction holding this question has committed, in arrival order; when the
   * transaction fails, every call of that batch rejects and nothing of it is stored.
   */
  acceptSoon(eventId: string | null, question: NewQuestion): Promise<AcceptResult>;
  /**
   * Whether this delivery or message was seen before, without recording anything: a duplicate is
   * dropped before any limit is counted or checked. Only committed rows count; see `awaitingCommit`.
   */
  duplicateOf(
    eventId: string | null,
    channelId: string,
    messageKey: string,
  ): Promise<'retry' | 'twin' | null>;
  /**
   * Whether this delivery or message is in an `acceptSoon` call of this process that has not
   * committed yet: an in-memory check, so synchronous.
   */
  awaitingCommit(eventId: string | null, channelId: string, messageKey: string): boolean;
  /** Remembers an event id that carried no question, so its retries are dropped cheaply too. */
  markEventSeen(eventId: string): Promise<boolean>;
  /**
   * Takes the oldest pending question whose thread has none being answered, and marks it answering.
   * With several replicas the claim is a lease (CLAIM_LEASE_SECONDS): a question whose replica stopped
   * renewing it is claimable again.
   */
  claimNext(): Promise<Question | undefined>;
  /**
   * Extends this process's claims on questions it is answering; returns the ids it still holds. One
   * missing was taken over by another replica after its lease ran out (or was closed meanwhile).
   */
  renewLeases(ids: readonly number[]): Promise<number[]>;
  /**
   * At start-up: questions that were being answered when their process stopped go back in the queue.
   * With several replicas nothing is done: a question whose lease ran out is claimable as it is, and a
   * live claim belongs to a replica that is still answering.
   */
  requeueInterrupted(): Promise<number>;
  /**
   * Gives back a question this process claimed and will not finish (it is stopping): it is pending
   * again at once, for another replica or the next start, instead of after its lease runs out.
   */
  release(id: number): Promise<void>;
  setThread(id: number, threadTs: string): Promise<void>;
  /** The first Slack message of an answer in progress, so a restart can mark it as interrupted. */
  setPartial(id: number, partialTs: string | null): Promise<void>;
  /**
   * Closes a question (its partial answer is then complete, so the mark is cleared). False when this
   * process no longer held it: another replica took it over, and its outcome stands.
   */
  finish(
    id: number,
    outcome: { state: 'answered' | 'failed'; answerTs?: string | null; error?: string | null },
  ): Promise<boolean>;
  get(id: number): Promise<Question | undefined>;
  openCount(): Promise<number>;
  /** Answered or failed questions (and their text) older than `before`; open ones are kept. */
  deleteClosedBefore(before: Date): Promise<number>;
  /** Slack stops redelivering after ~5 minutes; a day of event ids is plenty. */
  forgetEventsBefore(before: Date): Promise<number>;
}

/** A questions row as both databases return it. */
export interface QuestionRow {
  id: number;
  source: QuestionSource;
  team_id: string;
  channel_id: string;
  message_key: string;
  thread_ts: string | null;
  user_id: string;
  user_team_id: string | null;
  text: string;
  response_url: string | null;
  state: QuestionState;
  attempts: number;
  partial_ts: string | null;
  created_at: string;
}

export function toQuestion(row: QuestionRow): Question {
  return {
    id: row.id,
    source: row.source,
    teamId: row.team_id,
    channelId: row.channel_id,
    messageKey: row.message_key,
    threadTs: row.thread_ts,
    userId: row.user_id,
    userTeamId: row.user_team_id,
    text: row.text,
    responseUrl: row.response_url,
    state: row.state,
    attempts: row.attempts,
    partialTs: row.partial_ts,
    createdAt: row.created_at,
  };
}
