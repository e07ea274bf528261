import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ClaudeFailure, Usage } from './claude/claude.js';
import type { QuestionSource } from './inbox/store.js';

/** Prefix of every metric this bot exports, the default Node process metrics included. */
export const METRIC_PREFIX = 'fastapi_bot_';

export const METRIC_NAMES = {
  ackLatency: 'fastapi_bot_ack_latency_seconds',
  timeToFirstToken: 'fastapi_bot_time_to_first_token_seconds',
  timeToFinalAnswer: 'fastapi_bot_time_to_final_answer_seconds',
  modelCalls: 'fastapi_bot_model_calls_total',
  tokens: 'fastapi_bot_tokens_total',
  estimatedCost: 'fastapi_bot_estimated_cost_usd_total',
  queueDepth: 'fastapi_bot_queue_depth',
  inFlightAnswers: 'fastapi_bot_in_flight_answers',
  deduplicatedEvents: 'fastapi_bot_deduplicated_events_total',
  ignoredEvents: 'fastapi_bot_ignored_events_total',
  slackApiErrors: 'fastapi_bot_slack_api_errors_total',
  slackRateLimited: 'fastapi_bot_slack_rate_limited_total',
  phrsWritten: 'fastapi_bot_phrs_written_total',
  adrEvents: 'fastapi_bot_adr_events_total',
  questionsAccepted: 'fastapi_bot_questions_accepted_total',
  feedbackVotes: 'fastapi_bot_feedback_votes_total',
  feedbackComments: 'fastapi_bot_feedback_comments_total',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

/** Ack: Slack retries after 3 s, so the interesting range is 1 ms up to a little past that. */
export const ACK_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3, 5,
];
/** First token and final answer: from a snappy reply to a long architecture answer near the timeout. */
export const ANSWER_BUCKETS_SECONDS: readonly number[] = [
  0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300,
];

export type AckSurface = 'event' | 'command' | 'action';
/** `ok` or one of ClaudeError's kinds, or `circuit_open` when the bot did not call at all. */
export type ModelCallOutcome = 'ok' | ClaudeFailure | 'circuit_open';
export type TokenKind = 'input' | 'output' | 'cache_read' | 'cache_write';
/** `retry`: Slack redelivered an event; `twin`: the app_mention and message events of one post. */
export type DedupReason = 'retry' | 'twin';
export type AdrEvent = 'suggested' | 'documented' | 'dismissed' | 'accepted' | 'rejected';

export interface MetricsOptions {
  /** Read at scrape time: questions waiting in the inbox. May be async (the inbox's count is). */
  queueDepth?: () => number | Promise<number>;
  /** Read at scrape time: answers being streamed right now. */
  inFlightAnswers?: () => number | Promise<number>;
  /**
   * Node process metrics (CPU, memory, event loop lag, GC). On by default; prom-client attaches a GC
   * observer and an event-loop monitor per call that are never released, so tests making many bots may
   * turn this off.
   */
  defaultMetrics?: boolean;
}

export interface Metrics {
  /** Time from receiving a Slack request to acknowledging it. */
  observeAck(surface: AckSurface, seconds: number): void;
  /** Time from accepting a question to the first streamed token. */
  observeTimeToFirstToken(seconds: number): void;
  /** Time from accepting a question to the final answer in the thread. */
  observeTimeToFinalAnswer(seconds: number): void;
  modelCall(outcome: ModelCallOutcome): void;
  /** Adds one call's tokens, labelled by kind and model; zero counts still create the series. */
  tokens(model: string, usage: Usage): void;
  /** Adds an estimated cost in USD (see claude/prices.ts); negative or non-finite amounts are dropped. */
  estimatedCost(model: string, usd: number): void;
  deduplicatedEvent(reason: DedupReason): void;
  ignoredEvent(reason: string): void;
  /** A Slack Web API call that failed, by method (`chat.update`) and Slack error code (`ratelimited`). */
  slackApiError(method: string, error: string): void;
  slackRateLimited(method: string): void;
  phrWritten(): void;
  adrEvent(event: AdrEvent): void;
  questionAccepted(source: QuestionSource): void;
  /** A 👍 or 👎 under an answer (a changed vote counts again). */
  feedbackVote(vote: 'positive' | 'negative'): void;
  feedbackComment(): void;
  /** The Prometheus text exposition of this instance's registry. */
  render(): Promise<{ contentType: string; body: string }>;
  /** This instance's own registry, for tests and for adding metrics next to these. */
  readonly registry: Registry;
}

/**
 * Every metric lives on a registry owned by this instance, never prom-client's global one: several bots in
 * one test process would otherwise clash on names ("already registered") and read each other's counts.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
    countEveryCollection(registry);
  }

  // Created in this order, which is the order /metrics lists them in.
  const { ack, firstToken, finalAnswer } = latencyHistograms(registers);
  const { modelCalls, tokens, cost } = modelCounters(registers);
  gaugeFromCallback(METRIC_NAMES.queueDepth, 'Questions waiting in the inbox.', options.queueDepth, registry);
  gaugeFromCallback(
    METRIC_NAMES.inFlightAnswers,
    'Answers being generated right now.',
    options.inFlightAnswers,
    registry,
  );
  const { deduplicated, ignored, slackErrors, slackRateLimited, phrs, adrs, accepted } =
    eventCounters(registers);
  const feedback = feedbackCounters(registers);

  // A negative or NaN observation would make prom-client throw (counters) or corrupt sums (histograms);
  // a metrics call must never break the answer path, so such values are dropped.
  const valid = (value: number) => Number.isFinite(value) && value >= 0;

  return {
    registry,
    observeAck: (surface, seconds) => {
      if (valid(seconds)) ack.observe({ surface }, seconds);
    },
    observeTimeToFirstToken: (seconds) => {
      if (valid(seconds)) firstToken.observe(seconds);
    },
    observeTimeToFinalAnswer: (seconds) => {
      if (valid(seconds)) finalAnswer.observe(seconds);
    },
    modelCall: (outcome) => modelCalls.inc({ outcome }),
    tokens: (model, usage) => {
      const counts: Record<TokenKind, number> = {
        input: usage.inputTokens,
        output: usage.outputTokens,
        cache_read: usage.cacheReadTokens,
        cache_write: usage.cacheWriteTokens,
      };
      for (const [kind, count] of Object.entries(counts)) {
        if (valid(count)) tokens.inc({ kind, model }, count);
      }
    },
    estimatedCost: (model, usd) => {
      if (valid(usd)) cost.inc({ model }, usd);
    },
    deduplicatedEvent: (reason) => deduplicated.inc({ reason }),
    ignoredEvent: (reason) => ignored.inc({ reason }),
    slackApiError: (method, error) => slackErrors.inc({ method, error }),
    slackRateLimited: (method) => slackRateLimited.inc({ method }),
    phrWritten: () => phrs.inc(),
    adrEvent: (event) => adrs.inc({ event }),
    questionAccepted: (source) => accepted.inc({ source }),
    feedbackVote: (vote) => feedback.votes.inc({ vote }),
    feedbackComment: () => feedback.comments.inc(),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

function latencyHistograms(registers: Registry[]) {
  return {
    ack: new Histogram({
      name: METRIC_NAMES.ackLatency,
      help: 'Seconds from receiving a Slack request to acknowledging it, by surface.',
      labelNames: ['surface'] as const,
      buckets: [...ACK_BUCKETS_SECONDS],
      registers,
    }),
    firstToken: new Histogram({
      name: METRIC_NAMES.timeToFirstToken,
      help: 'Seconds from accepting a question to the first streamed token of its answer.',
      buckets: [...ANSWER_BUCKETS_SECONDS],
      registers,
    }),
    finalAnswer: new Histogram({
      name: METRIC_NAMES.timeToFinalAnswer,
      help: 'Seconds from accepting a question to its final answer in the thread.',
      buckets: [...ANSWER_BUCKETS_SECONDS],
      registers,
    }),
  };
}

function modelCounters(registers: Registry[]) {
  return {
    modelCalls: new Counter({
      name: METRIC_NAMES.modelCalls,
      help: 'Claude calls by outcome (ok, a failure kind, or circuit_open when no call was made).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    tokens: new Counter({
      name: METRIC_NAMES.tokens,
      help: 'Tokens reported by Claude, by kind and model.',
      labelNames: ['kind', 'model'] as const,
      registers,
    }),
    cost: new Counter({
      name: METRIC_NAMES.estimatedCost,
      help: 'Estimated Claude spend in USD from the price table (an estimate, not the bill), by model.',
      labelNames: ['model'] as const,
      registers,
    }),
  };
}

function eventCounters(registers: Registry[]) {
  return {
    deduplicated: new Counter({
      name: METRIC_NAMES.deduplicatedEvents,
      help: 'Slack events dropped as duplicates: retry (redelivery) or twin (mention and message of one post).',
      labelNames: ['reason'] as const,
      registers,
    }),
    ignored: new Counter({
      name: METRIC_NAMES.ignoredEvents,
      help: 'Slack events deliberately not answered, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    slackErrors: new Counter({
      name: METRIC_NAMES.slackApiErrors,
      help: 'Failed Slack Web API calls, by method and Slack error code.',
      labelNames: ['method', 'error'] as const,
      registers,
    }),
    slackRateLimited: new Counter({
      name: METRIC_NAMES.slackRateLimited,
      help: 'Slack Web API calls answered 429, by method.',
      labelNames: ['method'] as const,
      registers,
    }),
    phrs: new Counter({ name: METRIC_NAMES.phrsWritten, help: 'Prompt History Records written.', registers }),
    adrs: new Counter({
      name: METRIC_NAMES.adrEvents,
      help: 'ADR lifecycle events: suggested, documented, dismissed, accepted, rejected.',
      labelNames: ['event'] as const,
      registers,
    }),
    accepted: new Counter({
      name: METRIC_NAMES.questionsAccepted,
      help: 'Questions accepted into the inbox, by source.',
      labelNames: ['source'] as const,
      registers,
    }),
  };
}

function feedbackCounters(registers: Registry[]) {
  return {
    votes: new Counter({
      name: METRIC_NAMES.feedbackVotes,
      help: 'Feedback clicks on answers, by vote (a changed vote counts again).',
      labelNames: ['vote'] as const,
      registers,
    }),
    comments: new Counter({
      name: METRIC_NAMES.feedbackComments,
      help: 'Comments left with negative feedback.',
      registers,
    }),
  };
}

/**
 * A gauge whose value is read when scraped, so it can never drift from the store it mirrors. Without a
 * callback it stays at 0 but is still exported, so dashboards find the series.
 */
function gaugeFromCallback(
  name: string,
  help: string,
  read: (() => number | Promise<number>) | undefined,
  registry: Registry,
): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      if (!read) return;
      // A failing callback must not fail the whole scrape; NaN says "unknown" where a stale value would lie.
      let value: number;
      try {
        value = await read();
      } catch {
        value = Number.NaN;
      }
      this.set(value);
    },
  });
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * prom-client's default `nodejs_gc_duration_seconds` observes only the first collection of each batch
 * its observer is handed (prom-client 15, lib/metrics/gc.js), so collections that come close together
 * (a burst's scavenges, a mark-compact and the scavenge before it) go uncounted: 15 forced major
 * collections in a row counted as one. This histogram takes its place under the same name, labels and
 * buckets, and observes every entry. Like prom-client's, its observer lives as long as the process.
 */
function countEveryCollection(registry: Registry): void {
  const name = `${METRIC_PREFIX}nodejs_gc_duration_seconds`;
  registry.removeSingleMetric(name);
  const histogram = new Histogram({
    name,
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: [0.001, 0.01, 0.1, 1, 2, 5],
    registers: [registry],
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } | null };
      const kind = GC_KINDS[detail?.kind ?? -1] ?? 'unknown';
      histogram.observe({ kind }, entry.duration / 1000);
    }
  }).observe({ entryTypes: ['gc'] });
}
