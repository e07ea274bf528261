import Anthropic from '@anthropic-ai/sdk';
import {
  assistantTurn,
  type Citation,
  citationOf,
  runToolCalls,
  type ToolSet,
  toolDefinitions,
} from './tools.js';

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
  /** Client tools for this answer; the stream goes on across their calls. */
  tools?: ToolSet;
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
  /** Summed over the requests of the answer (one per tool round). */
  usage: Usage;
  /** Passages of tool results the answer cites, in the order cited (repeats included). */
  citations: Citation[];
  toolCalls: number;
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
      const citations: Citation[] = [];
      let messages = initialMessages(request);
      let usage = NO_USAGE;
      let toolCalls = 0;
      // Each tool round is one more request: the answer goes on streaming into the same sink.
      for (let round = 0; ; round++) {
        const final = await call(
          request,
          async (signal, touch) => {
            // The watchdog starts with the first event: until then the SDK's per-attempt timeout applies.
            const stream = client.messages.stream(paramsOf(request, messages), { signal });
            for await (const event of stream) {
              touch();
              if (event.type !== 'content_block_delta') continue;
              if (event.delta.type === 'text_delta') {
                text += event.delta.text;
                onText(event.delta.text);
              }
              const cited = event.delta.type === 'citations_delta' ? citationOf(event.delta.citation) : null;
              if (cited) citations.push(cited);
            }
            return stream.finalMessage();
          },
          () => text,
        );
        usage = addUsage(usage, final.usage);
        const tools = request.tools;
        if (final.stop_reason !== 'tool_use' || !tools || round > tools.maxCalls) {
          return { ...outcomeOf(final, text, usage), citations, toolCalls };
        }
        const results = await runToolCalls(final, tools, toolCalls);
        toolCalls = results.calls;
        messages = [...messages, assistantTurn(final), results.turn];
      }
    },

    async complete(request) {
      return call(
        request,
        async (signal) => {
          const params = paramsOf(request, initialMessages(request));
          const message = await client.messages.create({ ...params, stream: false }, { signal });
          const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
          const citations = message.content.flatMap((block) =>
            block.type === 'text' ? (block.citations ?? []).map(citationOf).filter((c) => c !== null) : [],
          );
          return { ...outcomeOf(message, text, addUsage(NO_USAGE, message.usage)), citations, toolCalls: 0 };
        },
        () => '',
      );
    },
  };
}

const CACHE_BREAKPOINT = { cache_control: { type: 'ephemeral' as const } };

/**
 * Two cache breakpoints (the API caches tools, then system, then messages, up to each breakpoint):
 * after the system prompt, so every question shares tools and system, and after the newest message,
 * so the next request (a follow-up, or the next tool round) reads everything before it from the cache.
 */
function paramsOf(request: StreamRequest, messages: readonly Anthropic.MessageParam[]) {
  const tools = toolDefinitions(request.tools);
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    ...(tools ? { tools } : {}),
    system: request.system.map((block, index) => ({
      type: 'text' as const,
      text: block,
      ...(index === request.system.length - 1 ? CACHE_BREAKPOINT : {}),
    })),
    messages: messages.map((message, index) =>
      index === messages.length - 1 ? withBreakpoint(message) : message,
    ),
  };
}

function initialMessages(request: StreamRequest): Anthropic.MessageParam[] {
  return request.messages.map((message) => ({ role: message.role, content: message.content }));
}

function withBreakpoint(message: Anthropic.MessageParam): Anthropic.MessageParam {
  const blocks: Anthropic.ContentBlockParam[] =
    typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : [...message.content];
  const last = blocks.at(-1);
  if (last) blocks[blocks.length - 1] = { ...last, ...CACHE_BREAKPOINT } as Anthropic.ContentBlockParam;
  return { ...message, content: blocks } as Anthropic.MessageParam;
}

const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

function addUsage(sum: Usage, usage: Anthropic.Usage): Usage {
  return {
    inputTokens: sum.inputTokens + usage.input_tokens,
    outputTokens: sum.outputTokens + usage.output_tokens,
    cacheReadTokens: sum.cacheReadTokens + (usage.cache_read_input_tokens ?? 0),
    cacheWriteTokens: sum.cacheWriteTokens + (usage.cache_creation_input_tokens ?? 0),
  };
}

function outcomeOf(final: Anthropic.Message, text: string, usage: Usage) {
  return { text, model: final.model, stopReason: final.stop_reason ?? null, usage };
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
