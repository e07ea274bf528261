import Anthropic from '@anthropic-ai/sdk';

/** The one door to @anthropic-ai/sdk: streaming, prompt caching and error meaning live here. */

/** One message of the conversation sent to Claude. */
export interface PromptMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ClaudeOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  /** Per attempt; the SDK's default of 10 minutes would leave a thread waiting far too long. */
  timeoutMs: number;
  /** Retries of failures before the first byte (429, 529, 5xx, connection errors), with the SDK's backoff. */
  maxRetries: number;
  /**
   * The slowest output a healthy stream keeps up (tokens per second): a whole answer may take
   * `max_tokens` / this, on top of the wait for its first token. Default 10, several times slower
   * than any current model.
   */
  minTokensPerSecond?: number;
}

export interface StreamRequest {
  model: string;
  /** Sent as cached system blocks, in order; the agent prompt comes first, verbatim. */
  system: readonly string[];
  messages: readonly PromptMessage[];
  maxTokens: number;
  signal?: AbortSignal;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface StreamOutcome {
  text: string;
  model: string;
  /** `max_tokens` means the answer was cut by the length limit. */
  stopReason: string | null;
  usage: Usage;
}

export type ClaudeFailure =
  | 'rate_limited'
  | 'overloaded'
  | 'timeout'
  | 'unavailable'
  | 'stream_broken'
  | 'rejected'
  | 'aborted'
  | 'circuit_open';

export class ClaudeError extends Error {
  constructor(
    readonly kind: ClaudeFailure,
    message: string,
    /** Text that had already streamed when the failure happened. */
    readonly partialText: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClaudeError';
  }
}

export interface Claude {
  stream(request: StreamRequest, onText: (delta: string) => void): Promise<StreamOutcome>;
  /** One non-streamed answer, for work nobody watches being written (drafting an ADR). */
  complete(request: StreamRequest): Promise<StreamOutcome>;
}

export function createClaude(options: ClaudeOptions): Claude {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  // Until the first event: every attempt may take timeoutMs, plus the SDK's backoff between attempts
  // (at most 8 s each).
  const firstEventMs = options.timeoutMs * (options.maxRetries + 1) + 8_000 * options.maxRetries;
  const minTokensPerSecond = options.minTokensPerSecond ?? 10;

  /**
   * One call under four clocks: the caller's signal (shutdown); the wait for the first event (across
   * retries); then the idle gap between events; and a cap on the whole answer in proportion to
   * `max_tokens`, so a long, healthy answer is never cut for taking long while a trickle still ends.
   */
  const call = async <T>(
    request: StreamRequest,
    run: (signal: AbortSignal, touch: () => void) => Promise<T>,
    partial: () => string,
  ): Promise<T> => {
    const clocks = {
      firstEvent: new AbortController(),
      idle: new AbortController(),
      total: new AbortController(),
    };
    const totalMs = firstEventMs + (request.maxTokens / minTokensPerSecond) * 1000;
    let idleTimer: NodeJS.Timeout | undefined;
    let firstEventTimer: NodeJS.Timeout | undefined = setTimeout(
      () => clocks.firstEvent.abort(),
      firstEventMs,
    );
    const totalTimer = setTimeout(() => clocks.total.abort(), totalMs);
    const touch = () => {
      clearTimeout(firstEventTimer);
      firstEventTimer = undefined;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => clocks.idle.abort(), options.timeoutMs);
    };
    const signals = [
      ...Object.values(clocks).map((clock) => clock.signal),
      ...(request.signal ? [request.signal] : []),
    ];
    try {
      return await run(AbortSignal.any(signals), touch);
    } catch (error) {
      const fail = (kind: ClaudeFailure, message: string) =>
        new ClaudeError(kind, message, partial(), { cause: error });
      if (request.signal?.aborted) throw fail('aborted', 'the request was cancelled');
      if (clocks.firstEvent.signal.aborted) throw fail('timeout', 'Claude did not start answering in time');
      if (clocks.total.signal.aborted) throw fail('timeout', 'Claude did not finish in time');
      if (clocks.idle.signal.aborted)
        throw fail(partial() ? 'stream_broken' : 'timeout', 'Claude stopped sending');
      throw toClaudeError(error, partial());
    } finally {
      clearTimeout(firstEventTimer);
      clearTimeout(idleTimer);
      clearTimeout(totalTimer);
    }
  };

  return {
    async stream(request, onText) {
      let text = '';
      return call(
        request,
        async (signal, touch) => {
          // The watchdog starts with the first event: until then the SDK's per-attempt timeout (and retries) apply.
          const stream = client.messages.stream(paramsOf(request), { signal });
          for await (const event of stream) {
            touch();
            if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
              text += event.delta.text;
              onText(event.delta.text);
            }
          }
          return outcomeOf(await stream.finalMessage(), text);
        },
        () => text,
      );
    },

    async complete(request) {
      return call(
        request,
        async (signal) => {
          const message = await client.messages.create({ ...paramsOf(request), stream: false }, { signal });
          const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
          return outcomeOf(message, text);
        },
        () => '',
      );
    },
  };
}

const CACHE_BREAKPOINT = { cache_control: { type: 'ephemeral' as const } };

/**
 * Two cache breakpoints (the API caches tools, then system, then messages, up to each breakpoint):
 * after the system prompt, so every question shares it, and after the newest message, so the next
 * question in the thread reads the whole conversation so far from the cache instead of paying for it.
 */
function paramsOf(request: StreamRequest) {
  const last = request.messages.length - 1;
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    system: request.system.map((block, index) => ({
      type: 'text' as const,
      text: block,
      ...(index === request.system.length - 1 ? CACHE_BREAKPOINT : {}),
    })),
    messages: request.messages.map((message, index) => ({
      role: message.role,
      content:
        index === last
          ? [{ type: 'text' as const, text: message.content, ...CACHE_BREAKPOINT }]
          : message.content,
    })),
  };
}

function outcomeOf(final: Anthropic.Message, text: string): StreamOutcome {
  return {
    text,
    model: final.model,
    stopReason: final.stop_reason ?? null,
    usage: {
      inputTokens: final.usage.input_tokens,
      outputTokens: final.usage.output_tokens,
      cacheReadTokens: final.usage.cache_read_input_tokens ?? 0,
      cacheWriteTokens: final.usage.cache_creation_input_tokens ?? 0,
    },
  };
}

function toClaudeError(error: unknown, partialText: string): ClaudeError {
  const midStream = partialText.length > 0;
  const make = (kind: ClaudeFailure, message: string) =>
    new ClaudeError(kind, message, partialText, { cause: error });
  if (error instanceof ClaudeError) return error;
  if (error instanceof Anthropic.APIUserAbortError) return make('aborted', 'the request was cancelled');
  if (error instanceof Anthropic.APIConnectionTimeoutError)
    return make('timeout', 'Claude did not answer in time');
  if (error instanceof Anthropic.APIConnectionError) {
    return midStream
      ? make('stream_broken', 'the stream broke')
      : make('unavailable', 'Claude could not be reached');
  }
  if (error instanceof Anthropic.APIError) {
    if (error.status === 429 || error.type === 'rate_limit_error')
      return make('rate_limited', 'Claude is rate-limited');
    if (error.status === 529 || error.type === 'overloaded_error')
      return make('overloaded', 'Claude is overloaded');
    if (error.status === undefined)
      return make('stream_broken', `the stream failed (${error.type ?? 'error'})`);
    if (error.status >= 500) return make('unavailable', `Claude answered ${error.status}`);
    return make('rejected', `Claude refused the request (${error.status} ${error.type ?? ''})`.trim());
  }
  // The SDK throws plain errors when a stream ends without message_stop.
  return make(
    midStream ? 'stream_broken' : 'unavailable',
    error instanceof Error ? error.message : String(error),
  );
}
