import type Database from 'better-sqlite3';
import type { Db } from '../store/database.js';
import {
  type AcceptResult,
  type InboxStore,
  type NewQuestion,
  type Question,
  type QuestionRow,
  toQuestion,
} from './store.js';

interface QueuedAccept {
  eventId: string | null;
  question: NewQuestion;
}

interface WaitingAccept extends QueuedAccept {
  resolve: (result: AcceptResult) => void;
  reject: (error: unknown) => void;
}

/** The inbox over SQLite, with a group commit for `acceptSoon`. */
export class SqliteInboxStore implements InboxStore {
  readonly #now: () => Date;
  readonly #markEventSeen: Database.Statement;
  readonly #duplicateOf: Database.Statement;
  readonly #insertQuestion: Database.Statement;
  readonly #claimNext: Database.Statement;
  readonly #requeueInterrupted: Database.Statement;
  readonly #release: Database.Statement;
  readonly #setThread: Database.Statement;
  readonly #setPartial: Database.Statement;
  readonly #finish: Database.Statement;
  readonly #byId: Database.Statement;
  readonly #countOpen: Database.Statement;
  readonly #forgetEvents: Database.Statement;
  readonly #deleteClosedBefore: Database.Statement;
  readonly #acceptAll: (batch: readonly QueuedAccept[]) => AcceptResult[];
  /** Accepts waiting for the next group commit, in arrival order. */
  #queue: WaitingAccept[] = [];
  /** Event ids and `channel message-key` pairs in the queue. */
  readonly #queuedEvents = new Set<string>();
  readonly #queuedMessages = new Set<string>();

  constructor(db: Db, now: () => Date = () => new Date()) {
    this.#now = now;
    this.#markEventSeen = db.prepare(
      'INSERT INTO seen_events (event_id, received_at) VALUES (@eventId, @now) ON CONFLICT DO NOTHING',
    );
    // One statement for both lookups: it runs before every ack.
    this.#duplicateOf = db
      .prepare(`
        SELECT CASE
          WHEN EXISTS (SELECT 1 FROM seen_events WHERE event_id = @eventId) THEN 'retry'
          WHEN EXISTS (SELECT 1 FROM questions WHERE channel_id = @channelId AND message_key = @messageKey)
            THEN 'twin'
        END`)
      .pluck();
    this.#insertQuestion = db.prepare(`
      INSERT INTO questions (source, team_id, channel_id, message_key, thread_ts, user_id, user_team_id, text,
                             response_url, created_at, updated_at)
      VALUES (@source, @teamId, @channelId, @messageKey, @threadTs, @userId, @userTeamId, @text, @responseUrl,
              @now, @now)
      ON CONFLICT (channel_id, message_key) DO NOTHING`);
    // One question per thread at a time, in Slack's order (message ts, which is what the prompt sorts
    // by; deliveries may arrive out of it): answers in a thread must see the ones before.
    this.#claimNext = db.prepare(`
      UPDATE questions SET state = 'answering', attempts = attempts + 1, updated_at = @now
      WHERE id = (
        SELECT q.id FROM questions q
        WHERE q.state = 'pending'
          AND (q.thread_ts IS NULL OR NOT EXISTS (
            SELECT 1 FROM questions other
            WHERE other.channel_id = q.channel_id AND other.thread_ts = q.thread_ts AND other.id <> q.id
              AND (other.state = 'answering'
                   OR (other.state = 'pending' AND (other.message_key, other.id) < (q.message_key, q.id)))))
        ORDER BY q.id LIMIT 1)
      RETURNING *`);
    this.#requeueInterrupted = db.prepare(
      "UPDATE questions SET state = 'pending', updated_at = @now WHERE state = 'answering'",
    );
    this.#release = db.prepare(
      "UPDATE questions SET state = 'pending', updated_at = @now WHERE id = @id AND state = 'answering'",
    );
    this.#setThread = db.prepare(
      'UPDATE questions SET thread_ts = @threadTs, updated_at = @now WHERE id = @id',
    );
    this.#setPartial = db.prepare(
      'UPDATE questions SET partial_ts = @partialTs, updated_at = @now WHERE id = @id',
    );
    this.#finish = db.prepare(`
      UPDATE questions SET state = @state, answer_ts = @answerTs, error = @error, partial_ts = NULL,
                           updated_at = @now
      WHERE id = @id`);
    this.#byId = db.prepare('SELECT * FROM questions WHERE id = ?');
    this.#countOpen = db.prepare(
      "SELECT count(*) AS n FROM questions WHERE state IN ('pending', 'answering')",
    );
    this.#forgetEvents = db.prepare('DELETE FROM seen_events WHERE received_at < @before');
    this.#deleteClosedBefore = db.prepare(
      "DELETE FROM questions WHERE created_at < @before AND state IN ('answered', 'failed')",
    );
    this.#acceptAll = db.transaction((batch: readonly QueuedAccept[]): AcceptResult[] => {
      const now = this.#now().toISOString();
      return batch.map(({ eventId, question }): AcceptResult => {
        if (eventId !== null && this.#markEventSeen.run({ eventId, now }).changes === 0) {
          return { accepted: false, reason: 'retry' };
        }
        const inserted = this.#insertQuestion.run({ responseUrl: null, userTeamId: null, ...question, now });
        if (inserted.changes === 0) return { accepted: false, reason: 'twin' };
        return { accepted: true, id: Number(inserted.lastInsertRowid) };
      });
    });
  }

  async accept(eventId: string | null, question: NewQuestion): Promise<AcceptResult> {
    return this.#acceptAll([{ eventId, question }])[0] as AcceptResult;
  }

  acceptSoon(eventId: string | null, question: NewQuestion): Promise<AcceptResult> {
    return new Promise<AcceptResult>((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(() => this.#commitQueued());
      this.#queue.push({ eventId, question, resolve, reject });
      if (eventId !== null) this.#queuedEvents.add(eventId);
      this.#queuedMessages.add(messageId(question.channelId, question.messageKey));
    });
  }

  async duplicateOf(
    eventId: string | null,
    channelId: string,
    messageKey: string,
  ): Promise<'retry' | 'twin' | null> {
    return this.#duplicateOf.get({ eventId, channelId, messageKey }) as 'retry' | 'twin' | null;
  }

  awaitingCommit(eventId: string | null, channelId: string, messageKey: string): boolean {
    return (
      (eventId !== null && this.#queuedEvents.has(eventId)) ||
      this.#queuedMessages.has(messageId(channelId, messageKey))
    );
  }

  #commitQueued(): void {
    const batch = this.#queue;
    this.#queue = [];
    this.#queuedEvents.clear();
    this.#queuedMessages.clear();
    let results: AcceptResult[];
    try {
      results = this.#acceptAll(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const [index, item] of batch.entries()) item.resolve(results[index] as AcceptResult);
  }

  async markEventSeen(eventId: string): Promise<boolean> {
    return this.#markEventSeen.run({ eventId, now: this.#now().toISOString() }).changes > 0;
  }

  async claimNext(): Promise<Question | undefined> {
    const row = this.#claimNext.get({ now: this.#now().toISOString() }) as QuestionRow | undefined;
    return row && toQuestion(row);
  }

  /** One process owns the SQLite file, so a question it is answering stays its own. */
  async renewLeases(ids: readonly number[]): Promise<number[]> {
    const held: number[] = [];
    for (const id of ids) if ((await this.get(id))?.state === 'answering') held.push(id);
    return held;
  }

  async release(id: number): Promise<void> {
    this.#release.run({ id, now: this.#now().toISOString() });
  }

  async requeueInterrupted(): Promise<number> {
    return this.#requeueInterrupted.run({ now: this.#now().toISOString() }).changes;
  }

  async setThread(id: number, threadTs: string): Promise<void> {
    this.#setThread.run({ id, threadTs, now: this.#now().toISOString() });
  }

  async setPartial(id: number, partialTs: string | null): Promise<void> {
    this.#setPartial.run({ id, partialTs, now: this.#now().toISOString() });
  }

  async finish(
    id: number,
    outcome: { state: 'answered' | 'failed'; answerTs?: string | null; error?: string | null },
  ): Promise<boolean> {
    const result = this.#finish.run({
      id,
      state: outcome.state,
      answerTs: outcome.answerTs ?? null,
      error: outcome.error ?? null,
      now: this.#now().toISOString(),
    });
    return result.changes > 0;
  }

  async get(id: number): Promise<Question | undefined> {
    const row = this.#byId.get(id) as QuestionRow | undefined;
    return row && toQuestion(row);
  }

  async openCount(): Promise<number> {
    return (this.#countOpen.get() as { n: number }).n;
  }

  async deleteClosedBefore(before: Date): Promise<number> {
    return this.#deleteClosedBefore.run({ before: before.toISOString() }).changes;
  }

  async forgetEventsBefore(before: Date): Promise<number> {
    return this.#forgetEvents.run({ before: before.toISOString() }).changes;
  }
}

function messageId(channelId: string, messageKey: string): string {
  return `${channelId} ${messageKey}`;
}
