import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { internalError } from './server.js';

export interface MetricsSource {
  render(): Promise<{ contentType: string; body: string }>;
}

/** A check's result: true when it passed, false or a short reason when it did not. */
export type CheckResult = boolean | string;

export interface Readiness {
  ok: boolean;
  checks: Record<string, CheckResult>;
  /** State worth seeing that does not decide readiness (e.g. `docs: syncing`). */
  details?: Record<string, string>;
}

export interface OpsRoutesOptions {
  /** Absent: `/metrics` is not handled (the server answers 404). */
  metrics?: MetricsSource | undefined;
  /** When set (non-empty), `/metrics` requires `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
  ready: () => Promise<Readiness>;
  /** Where render and readiness failures are reported; the HTTP response never carries their detail. */
  logger?: Logger | undefined;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => boolean;

// Load balancers and Prometheus must always see the live answer, never a cached one.
const BASE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const MAX_REASON_LENGTH = 200;

/**
 * `GET /metrics` (Prometheus text, optionally behind a bearer token) and `GET /readyz` (the caller's
 * readiness checks as JSON, 200 or 503). Returns false for every other path so the server tries its next
 * route. The work is async; the route handles its own failures because the server's try/catch cannot see them.
 */
export function createOpsRoutes(options: OpsRoutesOptions): Route {
  const token = options.metricsToken ? digest(options.metricsToken) : undefined;

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && options.metrics) {
      if (!allowMethod(req, res)) return true;
      if (token && !bearerMatches(req.headers.authorization, token)) {
        // RFC 6750: a missing credential gets a bare challenge, a wrong one says invalid_token.
        const challenge = req.headers.authorization ? 'Bearer error="invalid_token"' : 'Bearer';
        send(res, 401, TEXT_TYPE, 'unauthorized\n', { 'www-authenticate': challenge });
        return true;
      }
      const metrics = options.metrics;
      respond(res, options.logger, 'metrics render failed', async () => {
        const { contentType, body } = await metrics.render();
        send(res, 200, contentType, body);
      });
      return true;
    }
    if (path === '/readyz') {
      if (!allowMethod(req, res)) return true;
      respond(res, options.logger, 'readiness check failed', async () => {
        let readiness: Readiness;
        try {
          readiness = await options.ready();
        } catch (error) {
          options.logger?.warn('readiness threw', { error });
          readiness = { ok: false, checks: { ready: shortReason(error) } };
        }
        const ok = readiness.ok === true;
        const details = readiness.details ? { details: readiness.details } : {};
        const body = JSON.stringify({ ok, checks: sanitiseChecks(readiness.checks), ...details });
        send(res, ok ? 200 : 503, JSON_TYPE, `${body}\n`);
      });
      return true;
    }
    return false;
  };
}

/**
 * Runs named checks concurrently for a `ready` callback. A check passes when it returns true; false or a
 * string fails it; a throw fails it with a short reason (the message's first line, never a stack); a check
 * still running after `timeoutMs` fails with "timed out" so one hung dependency cannot hang the probe.
 */
export async function runReadinessChecks(
  checks: Readonly<Record<string, () => CheckResult | Promise<CheckResult>>>,
  timeoutMs = 2_000,
): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckResult>((resolve) => {
        timer = setTimeout(() => resolve('timed out'), timeoutMs);
        timer.unref();
      });
      try {
        return [name, await Promise.race([Promise.resolve().then(check), timeout])];
      } catch (error) {
        return [name, shortReason(error)];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: entries.every(([, result]) => result === true), checks: Object.fromEntries(entries) };
}

function allowMethod(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  send(res, 405, TEXT_TYPE, 'method not allowed\n', { allow: 'GET, HEAD' });
  return false;
}

// Hashing both sides gives equal-length buffers, so timingSafeEqual never leaks the token's length either.
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const presented = match?.[1];
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), expected);
}

function respond(
  res: ServerResponse,
  logger: Logger | undefined,
  failure: string,
  work: () => Promise<void>,
): void {
  // Answered here, not by the server: the route has already returned true when the work fails.
  work().catch((error: unknown) => internalError(res, logger, failure, { error }));
}

/** Only booleans and short one-line strings reach the probe's caller, whatever a check returned. */
function sanitiseChecks(checks: unknown): Record<string, CheckResult> {
  if (typeof checks !== 'object' || checks === null) return {};
  return Object.fromEntries(
    Object.entries(checks).map(([name, value]): [string, CheckResult] => [
      name,
      typeof value === 'boolean' ? value : clip(String(value)),
    ]),
  );
}

function shortReason(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return clip(message);
}

function clip(text: string): string {
  const line = (text.split('\n')[0] ?? '').trim();
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH - 1)}…` : line;
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': contentType, ...headers });
  res.end(body);
}
