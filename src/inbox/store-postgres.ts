import type { PgPool } from '../store/postgres/connect.js';
import {
  type AcceptResult,
  type InboxStore,
  type NewQuestion,
  type Question,
  type QuestionRow,
  toQuestion,
} from './store.js';

export interface PostgresInboxOptions {
  /** This process's name on the claims it holds (unique per start). */
  replicaId: string;
  /** How long a claim lasts unless renewed; another replica may take the question after it. */
  leaseSeconds: number;
  now?: () => Date;
}

// One statement, so it is atomic without a transaction: the event id is remembered and the question
// stored together. A retry (same event id) or a twin (same channel and message) arriving at another
// replica at the same moment waits on the unique index and then finds the row: it is dropped.
const ACCEPT = `
  WITH seen AS (
    INSERT INTO seen_events (event_id, received_at)
    SELECT $1::text, $2 WHERE $1::text IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING 1
  ), inserted AS (
    INSERT INTO questions (source, team_id, channel_id, message_key, thread_ts, user_id, user_team_id, text,
                           response_url, created_at, updated_at)
    SELECT $3, $4, $5, $6, $7, $8, $9, $10, $11, $2, $2
    WHERE $1::text IS NULL OR EXISTS (SELECT 1 FROM seen)
    ON CONFLICT (channel_id, message_key) DO NOTHING
    RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM seen) AS fresh_event, (SELECT id FROM inserted) AS id`;

// A question is claimable when it waits, or when the replica answering it let its lease run out
// (it died or hung). In a thread, only the first open question in Slack's order (message ts, which
// the prompt sorts by; deliveries may arrive out of it) is claimable, and none while another
// is being answered under a live lease (ids are taken at insert, but replicas may commit out of
// order), so a thread's answers stay in order and one at a time; SKIP LOCKED lets replicas claim
// different rows without waiting on each other. Leases run on the database's clock.
const CLAIM = `
  UPDATE questions SET state = 'answering', attempts = attempts + 1, lease_owner = $1,
                       lease_expires_at = now() + make_interval(secs => $2), updated_at = $3
  WHERE id = (
    SELECT q.id FROM questions q
    WHERE (q.state = 'pending' OR (q.state = 'answering' AND q.lease_expires_at < now()))
      AND (q.thread_ts IS NULL OR NOT EXISTS (
        SELECT 1 FROM questions other
        WHERE other.channel_id = q.channel_id AND other.thread_ts = q.thread_ts AND other.id <> q.id
          AND (((other.message_key COLLATE "C", other.id) < (q.message_key COLLATE "C", q.id)
                AND other.state IN ('pending', 'answering'))
               OR (other.state = 'answering' AND other.lease_expires_at >= now()))))
    ORDER BY q.id
    LIMIT 1
    FOR UPDATE SKIP LOCKED)
  RETURNING *`;

/** The durable inbox in PostgreSQL, shared by every replica: deduplication, claims and leases. */
export class PostgresInboxStore implements InboxStore {
  readonly #pool: PgPool;
  readonly #replicaId: string;
  readonly #leaseSeconds: number;
  readonly #now: () => Date;
  /** Accepts sent and not yet answered by the database, for `awaitingCommit`. */
  readonly #pendingEvents = new Map<string, number>();
  readonly #pendingMessages = new Map<string, number>();

  constructor(pool: PgPool, options: PostgresInboxOptions) {
    this.#pool = pool;
    this.#replicaId = options.replicaId;
    this.#leaseSeconds = options.leaseSeconds;
    this.#now = options.now ?? (() => new Date());
  }

  async accept(eventId: string | null, question: NewQuestion): Promise<AcceptResult> {
    const now = this.#now().toISOString();
    const { rows } = await this.#pool.query<{ fresh_event: boolean; id: number | null }>(ACCEPT, [
      eventId,
      now,
      question.source,
      question.teamId,
      question.channelId,
      question.messageKey,
      question.threadTs,
      question.userId,
      question.userTeamId ?? null,
      question.text,
      question.responseUrl ?? null,
    ]);
    const row = rows[0];
    if (eventId !== null && !row?.fresh_event) return { accepted: false, reason: 'retry' };
    if (row?.id == null) return { accepted: false, reason: 'twin' };
    return { accepted: true, id: row.id };
  }

  /** One round trip per question: the pool runs a burst's accepts side by side. */
  async acceptSoon(eventId: string | null, question: NewQuestion): Promise<AcceptResult> {
    const message = messageId(question.channelId, question.messageKey);
    count(this.#pendingMessages, message, +1);
    if (eventId !== null) count(this.#pendingEvents, eventId, +1);
    try {
      return await this.accept(eventId, question);
    } finally {
      count(this.#pendingMessages, message, -1);
      if (eventId !== null) count(this.#pendingEvents, eventId, -1);
    }
  }

  async duplicateOf(
    eventId: string | null,
    channelId: string,
    messageKey: string,
  ): Promise<'retry' | 'twin' | null> {
    const { rows } = await this.#pool.query<{ kind: 'retry' | 'twin' | null }>(
      `SELECT CASE
         WHEN EXISTS (SELECT 1 FROM seen_events WHERE event_id = $1) THEN 'retry'
         WHEN EXISTS (SELECT 1 FROM questions WHERE channel_id = $2 AND message_key = $3) THEN 'twin'
       END AS kind`,
      [eventId, channelId, messageKey],
    );
    return rows[0]?.kind ?? null;
  }

  awaitingCommit(eventId: string | null, channelId: string, messageKey: string): boolean {
    return (
      (eventId !== null && this.#pendingEvents.has(eventId)) ||
      this.#pendingMessages.has(messageId(channelId, messageKey))
    );
  }

  async markEventSeen(eventId: string): Promise<boolean> {
    const result = await this.#pool.query(
      'INSERT INTO seen_events (event_id, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [eventId, this.#now().toISOString()],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async claimNext(): Promise<Question | undefined> {
    const { rows } = await this.#pool.query<QuestionRow>(CLAIM, [
      this.#replicaId,
      this.#leaseSeconds,
      this.#now().toISOString(),
    ]);
    return rows[0] && toQuestion(rows[0]);
  }

  async renewLeases(ids: readonly number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.#pool.query<{ id: number }>(
      `UPDATE questions SET lease_expires_at = now() + make_interval(secs => $3)
       WHERE id = ANY($1::bigint[]) AND state = 'answering' AND lease_owner = $2
       RETURNING id`,
      [ids, this.#replicaId, this.#leaseSeconds],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Nothing to do with several replicas: a question whose lease ran out is claimable as it stands, and
   * a live claim may belong to a replica that is slow, not dead.
   */
  async requeueInterrupted(): Promise<number> {
    return 0;
  }

  async release(id: number): Promise<void> {
    await this.#pool.query(
      `UPDATE questions SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = $3
       WHERE id = $1 AND state = 'answering' AND lease_owner = $2`,
      [id, this.#replicaId, this.#now().toISOString()],
    );
  }

  // Writes to a question go through only while this replica holds it: after a takeover, the late
  // writes of the replica that lost it must not touch what the new owner records.
  async setThread(id: number, threadTs: string): Promise<void> {
    await this.#pool.query(
      `UPDATE questions SET thread_ts = $2, updated_at = $3
       WHERE id = $1 AND state = 'answering' AND lease_owner = $4`,
      [id, threadTs, this.#now().toISOString(), this.#replicaId],
    );
  }

  async setPartial(id: number, partialTs: string | null): Promise<void> {
    await this.#pool.query(
      `UPDATE questions SET partial_ts = $2, updated_at = $3
       WHERE id = $1 AND state = 'answering' AND lease_owner = $4`,
      [id, partialTs, this.#now().toISOString(), this.#replicaId],
    );
  }

  async finish(
    id: number,
    outcome: { state: 'answered' | 'failed'; answerTs?: string | null; error?: string | null },
  ): Promise<boolean> {
    const result = await this.#pool.query(
      `UPDATE questions SET state = $2, answer_ts = $3, error = $4, updated_at = $5, partial_ts = NULL,
                            lease_owner = NULL, lease_expires_at = NULL
       WHERE id = $1 AND state = 'answering' AND lease_owner = $6`,
      [
        id,
        outcome.state,
        outcome.answerTs ?? null,
        outcome.error ?? null,
        this.#now().toISOString(),
        this.#replicaId,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async get(id: number): Promise<Question | undefined> {
    const { rows } = await this.#pool.query<QuestionRow>('SELECT * FROM questions WHERE id = $1', [id]);
    return rows[0] && toQuestion(rows[0]);
  }

  async openCount(): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM questions WHERE state IN ('pending', 'answering')",
    );
    return rows[0]?.n ?? 0;
  }

  async deleteClosedBefore(before: Date): Promise<number> {
    const result = await this.#pool.query(
      "DELETE FROM questions WHERE created_at < $1 AND state IN ('answered', 'failed')",
      [before.toISOString()],
    );
    return result.rowCount ?? 0;
  }

  async forgetEventsBefore(before: Date): Promise<number> {
    const result = await this.#pool.query('DELETE FROM seen_events WHERE received_at < $1', [
      before.toISOString(),
    ]);
    return result.rowCount ?? 0;
  }
}

function messageId(channelId: string, messageKey: string): string {
  return `${channelId} ${messageKey}`;
}

function count(map: Map<string, number>, key: string, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}
