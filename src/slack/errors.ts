import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';

/**
 * A Slack Web API call that failed, as the bot sees it: which method, what kind of failure and, when
 * Slack named one, its error code. The library's own error stays as `cause`. Modelled on the Anthropic
 * SDK's tree (APIError, RateLimitError, APIConnectionError, APIConnectionTimeoutError): callers switch
 * on `kind` (or `instanceof`) instead of sniffing strings.
 */
export type SlackFailureKind = 'platform' | 'rate_limited' | 'http' | 'timeout' | 'connection';

export abstract class SlackCallError extends Error {
  abstract readonly kind: SlackFailureKind;

  constructor(
    /** The Web API method, e.g. `chat.postMessage`. */
    readonly method: string,
    /** Slack's error code (`not_in_channel`, `ratelimited`, …) when Slack gave one. */
    readonly code: string | undefined,
    message: string,
    options: { cause: unknown },
  ) {
    super(`${method}: ${message}`, options);
  }

  /** What logs (`slack_error`), metrics and the inbox keep: Slack's code, or the kind when there is none. */
  get reason(): string {
    return this.code ?? this.kind;
  }
}

/** Slack answered `ok: false` with an error code (`not_in_channel`, `msg_too_long`, …). */
export class SlackPlatformError extends SlackCallError {
  readonly kind = 'platform';
  override readonly name = 'SlackPlatformError';

  constructor(method: string, code: string, cause: unknown) {
    super(method, code, `Slack refused the call (${code})`, { cause });
  }
}

/** HTTP 429: Slack asked to wait longer than the client's retries did. */
export class SlackRateLimitedError extends SlackCallError {
  readonly kind = 'rate_limited';
  override readonly name = 'SlackRateLimitedError';

  constructor(
    method: string,
    /** Seconds Slack asked to wait, when it said. */
    readonly retryAfter: number | undefined,
    cause: unknown,
  ) {
    super(method, 'ratelimited', 'rate limited', { cause });
  }
}

/** Any other HTTP status than 200 (a 5xx after the retries, a proxy's 403, …). */
export class SlackHttpError extends SlackCallError {
  readonly kind = 'http';
  override readonly name = 'SlackHttpError';

  constructor(
    method: string,
    readonly status: number,
    code: string | undefined,
    cause: unknown,
  ) {
    super(method, code, `HTTP ${status}`, { cause });
  }
}

/** No answer within the client's timeout. */
export class SlackTimeoutError extends SlackCallError {
  readonly kind = 'timeout';
  override readonly name = 'SlackTimeoutError';

  constructor(method: string, cause: unknown) {
    super(method, undefined, 'timed out', { cause });
  }
}

/** The request did not reach Slack or got no response (refused, reset, DNS, TLS). */
export class SlackConnectionError extends SlackCallError {
  readonly kind = 'connection';
  override readonly name = 'SlackConnectionError';

  constructor(method: string, cause: unknown) {
    super(method, undefined, 'connection failed', { cause });
  }
}

/**
 * Runs one Web API call; whatever @slack/web-api throws becomes a SlackCallError (anything else, a
 * bug in the caller, is rethrown as it is).
 */
export async function callSlack<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toSlackCallError(method, error) ?? error;
  }
}

/** The SlackCallError for what @slack/web-api threw, or undefined when it did not come from there. */
export function toSlackCallError(method: string, error: unknown): SlackCallError | undefined {
  if (error instanceof SlackCallError) return error;
  if (error instanceof WebAPIPlatformError) return new SlackPlatformError(method, error.data.error, error);
  if (error instanceof WebAPIRateLimitedError)
    return new SlackRateLimitedError(method, error.retryAfter, error);
  if (error instanceof WebAPIHTTPError) {
    const body = error.body as { error?: unknown } | undefined;
    const code = typeof body?.error === 'string' ? body.error : undefined;
    return new SlackHttpError(method, error.statusCode, code, error);
  }
  if (error instanceof WebAPIRequestError) {
    const original = error.original;
    // The client's retries end on a 429 with this (wrapped) error rather than WebAPIRateLimitedError,
    // which only `rejectRateLimitedCalls` produces.
    const retryAfter = /^A rate limit was exceeded .*retry-after: (\d+)/.exec(original.message);
    if (retryAfter) return new SlackRateLimitedError(method, Number(retryAfter[1]), error);
    if (original.name === 'TimeoutError' || original.name === 'AbortError') {
      return new SlackTimeoutError(method, error);
    }
    return new SlackConnectionError(method, error);
  }
  // A 429 whose Retry-After the client could not read ends the retries with a plain Error.
  if (error instanceof Error && error.message.startsWith('Retry header did not contain a valid timeout')) {
    return new SlackRateLimitedError(method, undefined, error);
  }
  return undefined;
}

/** What a failed call is logged and counted as (`slack_error`): the reason of a SlackCallError. */
export function slackReason(error: unknown): string | undefined {
  return error instanceof SlackCallError ? error.reason : undefined;
}
