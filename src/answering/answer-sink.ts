/**
 * Where an answer goes while Claude writes it: a Slack thread, or stdout for `npm run ask`.
 * The conversation service knows nothing else about the surface.
 */
export interface AnswerSink {
  /** Before the model is asked: let the asker see that the bot is working. Must not throw. */
  thinking(): Promise<void>;
  /** Raw Markdown from the model, as it arrives. Must return at once; delivery is the sink's business. */
  write(delta: string): void;
  /** A step the bot takes while answering (e.g. searching the docs), shown where the answer is read. */
  step?(text: string): void;
  /** Everything is written; `note` is a short remark to append (e.g. the answer hit the length limit). */
  finish(note?: string): Promise<SinkResult>;
  /** The model failed: deliver what was written, mark it as cut off, and say `sentence` once. */
  fail(sentence: string): Promise<SinkResult>;
}

export interface SinkResult {
  /** Slack ts of the first message of the answer (null outside Slack or when nothing was posted). */
  answerTs: string | null;
}
