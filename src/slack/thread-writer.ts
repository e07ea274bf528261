import type { ChatStopStreamArguments, WebClient } from '@slack/web-api';
import type { AnswerSink, SinkResult } from '../answering/answer-sink.js';
import { UnpostableError } from '../answering/port.js';
import type { Logger } from '../log.js';
import { callSlack, SlackCallError, slackReason } from './errors.js';
import { createMarkdownStream } from './markdown/convert.js';
import { openFenceAt } from './markdown/fences.js';
import { escapeMrkdwn } from './markdown/mrkdwn.js';
import { SLACK_MARKDOWN_LIMIT } from './markdown/split.js';
import { type TaskChunk, TaskSteps } from './task-steps.js';
import { chooseCut, fallbackText, THINKING_MESSAGES, UNPOSTABLE } from './thread-messages.js';

/** Blocks that end an answer: its feedback buttons. */
export type EndBlocks = NonNullable<ChatStopStreamArguments['blocks']>;

export interface ThreadTarget {
  channel: string;
  threadTs: string;
  /** Required by chat.startStream outside DMs. */
  recipientTeamId: string;
  recipientUserId: string;
}

export interface ThreadWriterOptions {
  client: WebClient;
  target: ThreadTarget;
  logger: Logger;
  /** Characters of Markdown per Slack message (Slack allows 12,000 per message). */
  messageLimit?: number;
  /**
   * Batching after the first text (which goes out at once): pending text is sent when it reaches
   * `flushChars` characters or `flushIntervalMs` after the last send, whichever comes first, as
   * Slack's own ChatStreamer buffers. A few Slack calls per answer instead of several per second.
   */
  flushChars?: number;
  flushIntervalMs?: number;
  /** Called with the ts of the first message once it exists (so a restart can find a half-written answer). */
  onFirstMessage?: (ts: string) => void;
  /** Reports a failed Slack call (for metrics). */
  onSlackError?: (method: string, code: string) => void;
  /** Blocks ending a finished answer's last message: with chat.stopStream, or a last chat.update. */
  endBlocks?: EndBlocks;
}

interface OpenMessage {
  ts: string | undefined;
  /** Markdown Slack has confirmed for this message. */
  text: string;
  streaming: boolean;
}

/**
 * Delivers one answer into a Slack thread as Claude writes it: streamed with chat.startStream /
 * appendStream / stopStream, rolled over into a new message before Slack's per-message limit (code
 * fences closed and reopened), and falling back to chat.postMessage + chat.update with a markdown
 * block when streaming is refused. Sends are strictly sequential; whatever arrives while one is in
 * flight goes out with the next, so a slow Slack slows delivery instead of piling up requests.
 */
export class SlackThreadWriter implements AnswerSink {
  readonly #client: WebClient;
  readonly #target: ThreadTarget;
  readonly #log: Logger;
  readonly #limit: number;
  readonly #flushChars: number;
  readonly #flushIntervalMs: number;
  readonly #onFirstMessage: ((ts: string) => void) | undefined;
  readonly #onSlackError: ((method: string, code: string) => void) | undefined;
  readonly #endBlocks: EndBlocks | undefined;
  readonly #renderer = createMarkdownStream();
  readonly #steps = new TaskSteps();
  #mode: 'stream' | 'post' = 'stream';
  #pending = '';
  #current: OpenMessage = { ts: undefined, text: '', streaming: false };
  #firstTs: string | null = null;
  #lastSendAt = 0;
  /** Set by finish/fail: everything pending goes out now, batch size or not. */
  #flushAll = false;
  #flushTimer: NodeJS.Timeout | undefined;
  #pump: Promise<void> | null = null;
  #fatal: unknown = null;
  #wroteAnything = false;

  constructor(options: ThreadWriterOptions) {
    this.#client = options.client;
    this.#target = options.target;
    this.#log = options.logger;
    this.#limit = options.messageLimit ?? SLACK_MARKDOWN_LIMIT;
    this.#flushChars = options.flushChars ?? 256;
    this.#flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.#onFirstMessage = options.onFirstMessage;
    this.#onSlackError = options.onSlackError;
    this.#endBlocks = options.endBlocks?.length ? options.endBlocks : undefined;
  }

  async thinking(): Promise<void> {
    try {
      await callSlack('assistant.threads.setStatus', () =>
        this.#client.assistant.threads.setStatus({
          channel_id: this.#target.channel,
          thread_ts: this.#target.threadTs,
          status: 'is thinking…',
          loading_messages: THINKING_MESSAGES,
        }),
      );
    } catch (error) {
      // Only a nicety: the answer matters, the status does not.
      this.#log.debug('thinking status not shown', { error, slack_error: slackReason(error) });
    }
  }

  /** A step shown as a task of the stream's timeline, or (Slack refusing those) as an italic line. */
  step(text: string): void {
    if (this.#steps.start(text)) this.#kick();
    else this.write(`${this.#wroteAnything ? '\n\n' : ''}_${text}…_\n\n`);
  }

  write(delta: string): void {
    if (delta) this.#steps.writing();
    this.#wroteAnything ||= delta.length > 0;
    this.#enqueue(this.#renderer.push(delta));
  }

  async finish(note?: string): Promise<SinkResult> {
    this.#steps.end('complete');
    this.#enqueue(this.#renderer.end());
    if (!this.#wroteAnything) this.#enqueue('_(Claude returned an empty answer; please try rephrasing.)_');
    if (note) this.#enqueue(`\n\n${note}`);
    await this.#drain();
    await this.#closeCurrent(this.#endBlocks);
    return { answerTs: this.#firstTs };
  }

  async fail(sentence: string): Promise<SinkResult> {
    this.#steps.end('error');
    this.#enqueue(this.#renderer.end());
    if (this.#wroteAnything) this.#enqueue('\n\n_— answer cut off —_');
    try {
      await this.#drain();
      await this.#closeCurrent();
    } catch (error) {
      if (error instanceof UnpostableError) throw error;
      this.#log.warn('partial answer not delivered', { error });
    }
    const posted = await this.#call('chat.postMessage', () =>
      this.#client.chat.postMessage({
        channel: this.#target.channel,
        thread_ts: this.#target.threadTs,
        text: `:warning: ${escapeMrkdwn(sentence)}`,
      }),
    );
    this.#firstTs ??= posted.ts ?? null;
    return { answerTs: this.#firstTs };
  }

  #enqueue(text: string): void {
    this.#pending += text;
    this.#kick();
  }

  #kick(): void {
    if (this.#pump || (!this.#pending && !this.#steps.pending) || this.#fatal !== null) return;
    if (!this.#due()) {
      this.#flushTimer ??= setTimeout(
        () => {
          this.#flushTimer = undefined;
          this.#kick();
        },
        this.#lastSendAt + this.#flushIntervalMs - Date.now(),
      );
      return;
    }
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#pump = this.#runPump().finally(() => {
      this.#pump = null;
      this.#kick();
    });
  }

  /** Whether pending text should go out now: the first text, a full batch, a batch's time, or the end. */
  #due(): boolean {
    return (
      this.#steps.pending ||
      this.#flushAll ||
      this.#lastSendAt === 0 ||
      this.#pending.length >= this.#flushChars ||
      Date.now() - this.#lastSendAt >= this.#flushIntervalMs
    );
  }

  async #drain(): Promise<void> {
    this.#flushAll = true;
    this.#kick();
    while (this.#pump) await this.#pump;
    if (this.#fatal !== null) throw this.#fatal;
  }

  async #runPump(): Promise<void> {
    try {
      // Text that arrived while a send was in flight goes out at once only if it is a full batch.
      while ((this.#pending || this.#steps.pending) && this.#due()) {
        await this.#sendSome();
        this.#lastSendAt = Date.now();
      }
    } catch (error) {
      this.#fatal = error;
      this.#pending = '';
    }
  }

  /** Sends as much pending text as fits into the current message, rolling over when it is full. */
  async #sendSome(): Promise<void> {
    const room = this.#limit - this.#current.text.length;
    if (this.#pending.length <= room) {
      const piece = this.#pending;
      this.#pending = '';
      await this.#deliver(piece);
      return;
    }
    // Leave room to close a code fence that the cut leaves open.
    const reserve = 8;
    const cut = chooseCut(this.#pending, Math.max(room - reserve, 0));
    let piece = this.#pending.slice(0, cut);
    let rest = this.#pending.slice(cut);
    const fence = openFenceAt(this.#current.text + piece);
    if (fence) {
      piece += `${piece.endsWith('\n') ? '' : '\n'}${fence.fence}`;
      rest = `${fence.fence}${fence.info}\n${rest.replace(/^\n/, '')}`;
    }
    this.#pending = rest;
    if (piece.trim()) await this.#deliver(piece);
    await this.#closeCurrent();
    this.#current = { ts: undefined, text: '', streaming: false };
  }

  async #deliver(piece: string): Promise<void> {
    if (this.#mode === 'stream') {
      try {
        await this.#streamPiece(piece);
        return;
      } catch (error) {
        if (error instanceof UnpostableError) throw error;
        this.#log.warn('streaming failed, posting instead', { error, slack_error: slackReason(error) });
        this.#mode = 'post';
        if (this.#current.ts) {
          // Whatever Slack confirmed stays in the streamed message; the rest goes to a new one.
          await this.#stopQuietly(this.#current.ts);
          this.#current = { ts: undefined, text: '', streaming: false };
        }
      }
    }
    const text = piece + (this.#steps.pending ? this.#steps.refuse(this.#steps.take()) : '');
    if (text) await this.#postPiece(text);
  }

  /** Sends a piece with the task updates waiting; when Slack refuses those, the steps go as text. */
  async #streamPiece(piece: string): Promise<void> {
    const tasks = this.#steps.take();
    try {
      await this.#streamSend(piece, tasks);
      this.#steps.shown(tasks);
    } catch (error) {
      if (!tasks.length || error instanceof UnpostableError) throw error;
      this.#log.info('task updates refused, steps shown as text', { slack_error: slackReason(error) });
      const text = piece + this.#steps.refuse(tasks);
      if (text) await this.#streamSend(text, []);
    }
  }

  async #streamSend(piece: string, tasks: TaskChunk[]): Promise<void> {
    const content = tasks.length
      ? { chunks: [...(piece ? [{ type: 'markdown_text' as const, text: piece }] : []), ...tasks] }
      : { markdown_text: piece };
    const current = this.#current;
    if (!current.ts) {
      const started = await this.#call('chat.startStream', () =>
        this.#client.chat.startStream({
          channel: this.#target.channel,
          thread_ts: this.#target.threadTs,
          recipient_team_id: this.#target.recipientTeamId,
          recipient_user_id: this.#target.recipientUserId,
          task_display_mode: 'timeline',
          ...content,
        }),
      );
      if (!started.ts) throw new Error('chat.startStream returned no ts');
      this.#opened(started.ts, piece, true);
      return;
    }
    await this.#call('chat.appendStream', () =>
      this.#client.chat.appendStream({
        channel: this.#target.channel,
        ts: current.ts as string,
        ...content,
      }),
    );
    current.text += piece;
  }

  async #postPiece(piece: string): Promise<void> {
    const current = this.#current;
    const text = current.text + piece;
    const message = {
      channel: this.#target.channel,
      text: fallbackText(text),
      blocks: [{ type: 'markdown' as const, text }],
    };
    if (!current.ts) {
      const posted = await this.#call('chat.postMessage', () =>
        this.#client.chat.postMessage({ ...message, thread_ts: this.#target.threadTs }),
      );
      if (!posted.ts) throw new Error('chat.postMessage returned no ts');
      this.#opened(posted.ts, text, false);
      return;
    }
    await this.#call('chat.update', () => this.#client.chat.update({ ...message, ts: current.ts as string }));
    current.text = text;
  }

  #opened(ts: string, text: string, streaming: boolean): void {
    this.#current = { ts, text, streaming };
    if (this.#firstTs === null) {
      this.#firstTs = ts;
      this.#onFirstMessage?.(ts);
    }
  }

  async #closeCurrent(endBlocks?: EndBlocks): Promise<void> {
    const current = this.#current;
    if (endBlocks && !current.streaming) return this.#endPosted(endBlocks);
    if (!current.ts || !current.streaming) return;
    current.streaming = false;
    try {
      await this.#call('chat.stopStream', () =>
        this.#client.chat.stopStream({
          channel: this.#target.channel,
          ts: current.ts as string,
          ...(endBlocks ? { blocks: endBlocks } : {}),
        }),
      );
    } catch (error) {
      if (error instanceof UnpostableError) throw error;
      // The text is already there; Slack ends an idle stream on its own (sooner without the blocks).
      this.#log.warn('stopping the stream failed', { error, slack_error: slackReason(error) });
      if (endBlocks) await this.#stopQuietly(current.ts as string);
    }
  }

  /** A posted (not streamed) answer's last message gets the end blocks after its text. */
  async #endPosted(endBlocks: EndBlocks): Promise<void> {
    const { ts, text } = this.#current;
    if (!ts) return;
    const blocks = [{ type: 'markdown' as const, text }, ...endBlocks];
    const update = { channel: this.#target.channel, ts, text: fallbackText(text), blocks };
    try {
      await this.#call('chat.update', () => this.#client.chat.update(update));
    } catch (error) {
      if (error instanceof UnpostableError) throw error;
      this.#log.warn('answer end blocks not added', { error, slack_error: slackReason(error) });
    }
  }

  async #stopQuietly(ts: string): Promise<void> {
    try {
      await callSlack('chat.stopStream', () =>
        this.#client.chat.stopStream({ channel: this.#target.channel, ts }),
      );
    } catch {
      // Already stopped or expired: nothing to do.
    }
  }

  /** One Slack call of the answer: counted when it fails, and unpostable when Slack says so. */
  async #call<T>(method: string, send: () => Promise<T>): Promise<T> {
    try {
      return await callSlack(method, send);
    } catch (error) {
      if (!(error instanceof SlackCallError)) throw error;
      this.#onSlackError?.(method, error.reason);
      if (error.code && UNPOSTABLE.has(error.code)) throw new UnpostableError(error.code, { cause: error });
      this.#log.debug('slack call failed', { method, slack_error: error.reason });
      throw error;
    }
  }
}
