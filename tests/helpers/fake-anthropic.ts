// A loopback stand-in for the Anthropic Messages API, answering in the wire format of
// /work/shared/fixtures/anthropic-* (SSE for `stream: true`, JSON otherwise, JSON error bodies).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { FakePromptCache } from './fake-prompt-cache.js';

export interface ReplyUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export type Reply =
  | {
      kind: 'text';
      text: string | string[];
      tokenDelayMs?: number;
      usage?: ReplyUsage;
      model?: string;
      stopReason?: string;
      /** Cited after the text, as `citations_delta` events on the text block (or `citations` on it). */
      citations?: { source: string; title: string; cited_text: string }[];
      /** After the text, a `tool_use` block with its input streamed as `input_json_delta`; stop reason `tool_use`. */
      toolUse?: { name: string; input: Record<string, unknown>; id?: string };
    }
  | { kind: 'error'; status: number; type: string; message?: string; retryAfter?: number }
  | { kind: 'midstreamError'; text: string; errorType?: string }
  | { kind: 'cut'; text: string }
  | { kind: 'hang' };

export interface RecordedRequest {
  path: string;
  body: Record<string, unknown>;
  headers: Record<string, string | undefined>;
}

export interface FakeAnthropicOptions {
  defaultReply?: (req: RecordedRequest) => Reply;
  /**
   * Report usage as Anthropic's prompt cache would (fake-prompt-cache.ts), with this minimum cacheable
   * prefix in tokens (1,024 for Sonnet). Off by default: usage is then chars / 4, nothing cached.
   */
  promptCacheMinTokens?: number;
}

export interface WaitOptions {
  timeoutMs?: number;
  what?: string;
}

const CHUNK_CHARS = 20;
const DEFAULT_MODEL = 'claude-sonnet-5-5';

const ERROR_MESSAGES: Record<string, string> = {
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
  invalid_request_error: 'Invalid request',
  authentication_error: 'invalid x-api-key',
  not_found_error: 'Not found',
};

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Text of a message `content` (a string, or the `text` of its text blocks). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => {
      const b = asRecord(block);
      return b?.type === 'text' && typeof b.text === 'string' ? b.text : '';
    })
    .filter((t) => t !== '')
    .join('\n');
}

/** Text of the last `role: 'user'` message of a request. */
export function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = asRecord(messages[i]);
    if (message?.role === 'user') return contentText(message.content);
  }
  return '';
}

// Keys whose values are protocol, not text the model reads.
const UNCOUNTED_KEYS = new Set(['type', 'role', 'cache_control', 'id', 'tool_use_id', 'media_type']);

function countChars(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + countChars(v), 0);
  const record = asRecord(value);
  if (!record) return 0;
  return Object.entries(record).reduce(
    (sum: number, [k, v]) => sum + (UNCOUNTED_KEYS.has(k) ? 0 : countChars(v)),
    0,
  );
}

/** Rough input-token estimate (chars / 4) over what the API would tokenize. */
export function estimateInputTokens(body: Record<string, unknown>): number {
  return Math.max(1, Math.ceil(countChars([body.system, body.messages, body.tools]) / 4));
}

/** Splits text into ~20-character pieces on code-point boundaries so streaming is visible but never splits a
 * surrogate pair. */
function chunksOf(text: string | string[]): string[] {
  if (Array.isArray(text)) return text;
  const points = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < points.length; i += CHUNK_CHARS) out.push(points.slice(i, i + CHUNK_CHARS).join(''));
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

class Waiters {
  private readonly checks = new Set<{ check: () => void; abort: (err: Error) => void }>();

  notify(): void {
    for (const entry of [...this.checks]) entry.check();
  }

  rejectAll(reason: string): void {
    for (const entry of [...this.checks]) entry.abort(new Error(reason));
  }

  waitFor<T>(
    predicate: () => T | undefined | null | false,
    opts: WaitOptions,
    describe: () => string,
  ): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? 5_000;
    const what = opts.what ?? 'condition';
    return new Promise<T>((resolve, reject) => {
      const entry = {
        check: () => {
          let value: T | undefined | null | false;
          try {
            value = predicate();
          } catch (err) {
            done();
            reject(err);
            return;
          }
          if (value !== undefined && value !== null && value !== false) {
            done();
            resolve(value);
          }
        },
        abort: (err: Error) => {
          done();
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.\n${describe()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.checks.delete(entry);
      };
      this.checks.add(entry);
      entry.check();
    });
  }
}

export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];

  private readonly queue: Reply[] = [];
  private readonly defaultReply: (req: RecordedRequest) => Reply;
  private readonly waiters = new Waiters();
  private readonly open = new Set<ServerResponse>();
  private readonly shutdown = new AbortController();
  private readonly gateWaiters: (() => void)[] = [];
  private holds = 0;
  private readonly promptCache: FakePromptCache | undefined;
  private counter = 0;
  private port = 0;

  private constructor(
    private readonly server: Server,
    options: FakeAnthropicOptions,
  ) {
    this.promptCache =
      options.promptCacheMinTokens === undefined
        ? undefined
        : new FakePromptCache(options.promptCacheMinTokens, (value) => Math.ceil(countChars(value) / 4));
    this.defaultReply =
      options.defaultReply ??
      ((req) => ({ kind: 'text', text: `Answer to: ${lastUserText(req.body).slice(0, 200)}` }));
    server.on('request', (req, res) => {
      this.open.add(res);
      res.on('close', () => this.open.delete(res));
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          this.sendError(res, 500, 'api_error', `fake-anthropic crashed: ${String(err)}`);
        } else {
          res.destroy();
        }
      });
    });
  }

  static async start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
    const server = createServer();
    const fake = new FakeAnthropic(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  /** For `new Anthropic({ baseURL })`: the SDK posts to `{baseURL}/v1/messages`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** FIFO replies, one per POST /v1/messages; when empty, `defaultReply` answers. */
  enqueue(...replies: Reply[]): void {
    this.queue.push(...replies);
  }

  /** While any hold is active, /v1/messages requests are recorded and then wait until every hold is released. */
  hold(): { release(): void } {
    this.holds += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.holds -= 1;
        if (this.holds === 0) for (const open of this.gateWaiters.splice(0)) open();
      },
    };
  }

  waitFor<T>(predicate: () => T | undefined | null | false, opts: WaitOptions = {}): Promise<T> {
    return this.waiters.waitFor(predicate, opts, () => {
      const last = this.requests.slice(-10).map((r) => `  ${r.path} ${lastUserText(r.body).slice(0, 80)}`);
      return `Last requests to FakeAnthropic:\n${last.length ? last.join('\n') : '  (none)'}`;
    });
  }

  async close(): Promise<void> {
    if (this.shutdown.signal.aborted) return;
    this.shutdown.abort();
    this.waiters.rejectAll('FakeAnthropic closed');
    for (const open of this.gateWaiters.splice(0)) open();
    for (const res of this.open) res.destroy();
    this.open.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // -------------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    let body: Record<string, unknown> = {};
    try {
      body = asRecord(JSON.parse(raw || '{}')) ?? {};
    } catch {
      this.sendError(
        res,
        400,
        'invalid_request_error',
        'There was an error parsing the body of your request',
      );
      return;
    }
    const headers: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    const recorded: RecordedRequest = { path, body, headers };
    this.requests.push(recorded);
    this.waiters.notify();

    if (req.method !== 'POST') {
      this.sendError(res, 405, 'invalid_request_error', `Method ${req.method ?? ''} not allowed`);
    } else if (path === '/v1/messages/count_tokens') {
      this.sendJson(res, 200, { input_tokens: estimateInputTokens(body) });
    } else if (path === '/v1/messages') {
      if (this.holds > 0) await new Promise<void>((resolve) => this.gateWaiters.push(resolve));
      if (this.shutdown.signal.aborted) return;
      const reply = this.queue.shift() ?? this.defaultReply(recorded);
      await this.reply(reply, body, res);
    } else {
      this.sendError(res, 404, 'not_found_error', `Not found: ${path}`);
    }
    this.waiters.notify();
  }

  private async reply(reply: Reply, body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const streaming = body.stream === true;
    switch (reply.kind) {
      case 'error':
        this.sendError(res, reply.status, reply.type, reply.message, reply.retryAfter);
        return;
      case 'hang':
        // Headers are never sent; close() destroys the socket.
        return;
      case 'cut':
        if (!streaming) {
          res.socket?.destroy();
          return;
        }
        await this.stream(res, body, { kind: 'text', text: reply.text }, 'cut');
        return;
      case 'midstreamError':
        if (!streaming) {
          // A JSON request cannot fail half way; the same condition surfaces as an HTTP error.
          const type = reply.errorType ?? 'overloaded_error';
          this.sendError(res, type === 'overloaded_error' ? 529 : 500, type);
          return;
        }
        await this.stream(
          res,
          body,
          { kind: 'text', text: reply.text },
          reply.errorType ?? 'overloaded_error',
        );
        return;
      case 'text':
        if (streaming) await this.stream(res, body, reply, undefined);
        else this.sendMessage(res, body, reply);
        return;
    }
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}_fake${String(this.counter).padStart(20, '0')}`;
  }

  private usageFor(body: Record<string, unknown>, reply: Extract<Reply, { kind: 'text' }>, text: string) {
    const cache = this.promptCache?.apply(body);
    const cacheCreation = reply.usage?.cache_creation_input_tokens ?? cache?.cache_creation_input_tokens ?? 0;
    return {
      input_tokens: reply.usage?.input_tokens ?? cache?.input_tokens ?? estimateInputTokens(body),
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: reply.usage?.cache_read_input_tokens ?? cache?.cache_read_input_tokens ?? 0,
      cache_creation: { ephemeral_5m_input_tokens: cacheCreation, ephemeral_1h_input_tokens: 0 },
      output_tokens: reply.usage?.output_tokens ?? Math.max(1, Math.ceil(text.length / 4)),
      service_tier: 'standard',
    };
  }

  private modelFor(body: Record<string, unknown>, reply: Extract<Reply, { kind: 'text' }>): string {
    return reply.model ?? (typeof body.model === 'string' ? body.model : DEFAULT_MODEL);
  }

  private sendMessage(
    res: ServerResponse,
    body: Record<string, unknown>,
    reply: Extract<Reply, { kind: 'text' }>,
  ) {
    const text = Array.isArray(reply.text) ? reply.text.join('') : reply.text;
    this.sendJson(res, 200, {
      id: this.nextId('msg'),
      type: 'message',
      role: 'assistant',
      model: this.modelFor(body, reply),
      content: [
        {
          type: 'text',
          text,
          citations: reply.citations?.map((c) => ({ type: 'search_result_location', ...c })) ?? null,
        },
        ...(reply.toolUse
          ? [
              {
                type: 'tool_use',
                id: reply.toolUse.id ?? this.nextId('toolu'),
                name: reply.toolUse.name,
                input: reply.toolUse.input,
              },
            ]
          : []),
      ],
      stop_reason: reply.toolUse ? 'tool_use' : (reply.stopReason ?? 'end_turn'),
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: this.usageFor(body, reply, text),
    });
  }

  /**
   * Writes the SSE sequence of fixtures/anthropic-stream-cached.sse. `failure` ends it early: 'cut' destroys
   * the socket after the partial text, any other value sends an `error` event of that type (and ends).
   */
  private async stream(
    res: ServerResponse,
    body: Record<string, unknown>,
    reply: Extract<Reply, { kind: 'text' }>,
    failure: string | undefined,
  ): Promise<void> {
    // The client may have given up while the request was held.
    if (res.destroyed) return;
    const pieces = chunksOf(reply.text);
    const text = pieces.join('');
    const usage = this.usageFor(body, reply, text);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': this.nextId('req'),
    });
    // Resolves once the event has been handed to the socket, so a 'cut' only drops what comes after it.
    const send = (event: string, data: string) =>
      new Promise<void>((resolve) => {
        if (res.destroyed) resolve();
        else res.write(`event: ${event}\ndata: ${data}\n\n`, () => resolve());
      });
    const { output_tokens: outputTokens, ...startUsage } = usage;
    let written = send(
      'message_start',
      JSON.stringify({
        type: 'message_start',
        message: {
          id: this.nextId('msg'),
          type: 'message',
          role: 'assistant',
          content: [],
          model: this.modelFor(body, reply),
          stop_reason: null,
          stop_sequence: null,
          stop_details: null,
          container: null,
          usage: { ...startUsage, output_tokens: 1 },
        },
      }),
    );
    written = send(
      'content_block_start',
      '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
    );
    written = send('ping', '{"type": "ping"}');
    for (const [i, piece] of pieces.entries()) {
      if (i > 0 && reply.tokenDelayMs) {
        try {
          await delay(reply.tokenDelayMs, undefined, { signal: this.shutdown.signal });
        } catch {
          return;
        }
      }
      if (res.destroyed) return;
      written = send(
        'content_block_delta',
        JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }),
      );
    }
    if (failure === 'cut') {
      // Let the partial text reach the client before the connection dies mid-body.
      await written;
      res.socket?.destroy();
      return;
    }
    if (failure !== undefined) {
      const message = ERROR_MESSAGES[failure] ?? failure;
      void send(
        'error',
        `{"type": "error", "error": {"type": ${JSON.stringify(failure)}, "message": ${JSON.stringify(message)}}}`,
      );
      res.end();
      return;
    }
    for (const citation of reply.citations ?? []) {
      const located = {
        type: 'search_result_location',
        ...citation,
        search_result_index: 0,
        start_block_index: 0,
        end_block_index: 1,
      };
      void send(
        'content_block_delta',
        JSON.stringify({
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'citations_delta', citation: located },
        }),
      );
    }
    void send('content_block_stop', '{"type":"content_block_stop","index":0}');
    if (reply.toolUse) this.streamToolUse(send, reply.toolUse);
    void send(
      'message_delta',
      JSON.stringify({
        type: 'message_delta',
        delta: {
          stop_reason: reply.toolUse ? 'tool_use' : (reply.stopReason ?? 'end_turn'),
          stop_sequence: null,
          stop_details: null,
          container: null,
        },
        usage: { output_tokens: outputTokens },
      }),
    );
    void send('message_stop', '{"type":"message_stop"}');
    res.end();
  }

  /** A tool_use block at index 1, its input JSON in three pieces as the API splits it. */
  private streamToolUse(
    send: (event: string, data: string) => Promise<void>,
    toolUse: { name: string; input: Record<string, unknown>; id?: string },
  ): void {
    const block = { type: 'tool_use', id: toolUse.id ?? this.nextId('toolu'), name: toolUse.name, input: {} };
    void send(
      'content_block_start',
      JSON.stringify({ type: 'content_block_start', index: 1, content_block: block }),
    );
    const json = JSON.stringify(toolUse.input);
    const third = Math.ceil(json.length / 3);
    for (const piece of ['', json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)]) {
      void send(
        'content_block_delta',
        JSON.stringify({
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: piece },
        }),
      );
    }
    void send('content_block_stop', '{"type":"content_block_stop","index":1}');
  }

  private sendJson(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'request-id': this.nextId('req'),
      ...headers,
    });
    res.end(text);
  }

  /** The error body of fixtures/anthropic-error-429.json, with `retry-after` (seconds) when given. */
  private sendError(
    res: ServerResponse,
    status: number,
    type: string,
    message?: string,
    retryAfter?: number,
  ): void {
    const requestId = this.nextId('req');
    this.sendJson(
      res,
      status,
      {
        type: 'error',
        error: { type, message: message ?? ERROR_MESSAGES[type] ?? type },
        request_id: requestId,
      },
      { 'request-id': requestId, ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}) },
    );
  }
}
