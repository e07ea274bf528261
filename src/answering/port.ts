import type { AdrSuggestion } from '../adr/suggestion.js';
import type { Question } from '../inbox/store.js';
import type { PhrRef } from '../phr/service.js';
import type { ThreadKey } from '../store/conversation-store.js';
import type { AnswerSink } from './answer-sink.js';

/**
 * What answering a question needs from the place it was asked (Slack, or the terminal for
 * `npm run ask`). The use case decides; the surface only delivers. User-facing wording lives on the
 * surface side too, so the use case names a notice instead of writing its text.
 */
export interface AnsweringPort {
  /** How records name this surface and the command a question came in with. */
  readonly surface: 'slack' | 'cli';
  commandLabel(question: Question): string;

  /**
   * A question without a thread (`/fastapi`): posts its root and returns the thread ts, or null when
   * nothing can be posted there (the surface has told the asker why).
   */
  openThread(question: Question): Promise<string | null>;
  /** Earlier messages of a thread the bot joins late, before `beforeTs`: root first, oldest to newest. */
  readEarlier(thread: ThreadKey, beforeTs: string): Promise<EarlierMessage[]>;
  /**
   * Where an answer streams to; `onFirstMessage` gets the id of its first message once it exists.
   * `recordId` is the public id the answer's PHR will have: the surface may offer feedback on it.
   */
  sink(
    question: Question,
    thread: ThreadKey,
    onFirstMessage: (ts: string) => void,
    recordId?: string,
  ): AnswerSink;
  /** A fixed notice in the thread; returns its message id when it was posted. */
  notify(thread: ThreadKey, notice: ThreadNotice): Promise<string | null>;
  /** A restart cut an answer short at `ts`: say so there. Never throws. */
  markInterrupted(channelId: string, ts: string): Promise<void>;
  /** Tells the asker alone that the bot cannot post where they asked. Never throws. */
  explainUnpostable(question: Question, reason: string): Promise<void>;
  /** A link to the thread for the record, when the surface has one. Never throws. */
  permalink(thread: ThreadKey): Promise<string | null>;
  /** Points the thread at the answer's record. Never throws. */
  showRecord(thread: ThreadKey, phr: PhrRef): Promise<void>;
  /** Offers to document a decision the answer suggested. May throw; the use case logs and goes on. */
  offerAdr(suggestion: AdrSuggestion, where: AdrWhere): Promise<void>;
  /** A display name for records and prompts (the id when the surface cannot tell). */
  userName(userId: string): Promise<string>;
  /** A short code for why delivery failed (kept with the question), when the surface can tell. */
  failureReason(error: unknown): string | undefined;
}

export type ThreadNotice = 'wordless' | 'budget' | 'delivery_failed';

export interface EarlierMessage {
  ts: string;
  role: 'user' | 'assistant';
  userId: string | null;
  userName: string | null;
  text: string;
}

export interface AdrWhere {
  teamId: string;
  channelId: string;
  threadTs: string;
  phrPublicId: string | null;
}

/** Nothing can be posted in the question's thread (the bot was removed, the channel archived, …). */
export class UnpostableError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot post in the thread: ${reason}`, options);
    this.name = 'UnpostableError';
  }
}
