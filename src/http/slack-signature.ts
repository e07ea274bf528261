import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's rule: a request signed more than five minutes ago may be a replay. */
const MAX_AGE_SECONDS = 5 * 60;
const SIGNATURE = /^v0=([0-9a-f]{64})$/;

export interface SignedRequest {
  signingSecret: string;
  /** The `x-slack-request-timestamp` header, in seconds. */
  timestamp: string;
  /** The `x-slack-signature` header: `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<body>`. */
  signature: string;
  /** The raw body, exactly as received. */
  body: Buffer;
  nowMs: number;
}

/**
 * Slack's request signing ("Verifying requests from Slack"), checked on the raw body without copying
 * it into a string. Bolt's `verifySlackRequest` does the same check, but compares with `tsscmp`, which
 * draws random bytes and computes two more HMACs per request; `timingSafeEqual` on the two digests is
 * just as constant-time, and this runs before every ack. Otherwise the rules are Bolt's: version `v0`,
 * and a timestamp at most five minutes old.
 */
export function hasValidSlackSignature(request: SignedRequest): boolean {
  if (!request.signingSecret || !/^\d{1,12}$/.test(request.timestamp)) return false;
  const timestamp = Number(request.timestamp);
  // Only the past, as Bolt checks it: a host whose clock runs behind Slack's must not refuse every request.
  if (Math.floor(request.nowMs / 1000) - timestamp > MAX_AGE_SECONDS) return false;
  const given = SIGNATURE.exec(request.signature);
  if (!given) return false;
  const expected = createHmac('sha256', request.signingSecret)
    .update(`v0:${request.timestamp}:`)
    .update(request.body)
    .digest();
  return timingSafeEqual(expected, Buffer.from(given[1] as string, 'hex'));
}
