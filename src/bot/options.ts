import type { RetryOptions } from '@slack/web-api';
import type { Worker } from '../inbox/worker.js';
import type { Logger } from '../log.js';

export interface BotOptions {
  logger: Logger;
  /** Interface the HTTP server binds; all interfaces by default (tests use 127.0.0.1). */
  host?: string;
  /** Overrides for tests: fast Slack retries, and streamed text sent without waiting to fill a batch. */
  slackRetryConfig?: RetryOptions;
  slackTimeoutMs?: number;
  streamIntervalMs?: number;
  /** Node process metrics on /metrics (tests starting many bots in one process turn them off). */
  processMetrics?: boolean;
  now?: () => Date;
}

export interface RunningBot {
  port: number;
  botUserId: string;
  worker: Worker;
  /** Stops taking work, lets answers in flight finish (up to `graceMs`), closes everything. */
  stop(graceMs?: number): Promise<void>;
}

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Five failures in a row stop calls to Claude for 30 seconds (documented in the README). */
export const CLAUDE_CIRCUIT = { threshold: 5, cooldownMs: 30_000 } as const;

/** Slack's requests are a few kilobytes; anything over a megabyte is refused unread. */
export const SLACK_BODY_LIMIT = 1024 * 1024;

/** How long (ms) answers in flight may finish on SIGTERM before they are left for the next start. */
export const DEFAULT_GRACE_MS = 20_000;

/**
 * With several replicas, an ADR draft still `drafting` after this long was abandoned by a replica that
 * died (a draft is one Claude call, well under it), so its card is offered again.
 */
export const ADR_DRAFT_ABANDONED_MS = 10 * 60 * 1000;
