import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { SlackDelivery } from '../slack/direct-receiver.js';
import type { RequestListener } from './server.js';
import { commandVerdict, eventVerdict, interactionVerdict, type Verdict } from './slack-payload-shape.js';
import { hasValidSlackSignature } from './slack-signature.js';

export interface SlackGateOptions {
  signingSecret: string;
  /**
   * Bolt's side (src/slack/direct-receiver.ts), handed a request that passed the gate with its body
   * already parsed; its promise settles once the request is answered.
   */
  deliver: (delivery: SlackDelivery) => Promise<unknown>;
  /** Larger bodies get 413 before they are read further. Slack's own are a few kilobytes. */
  bodyLimit: number;
  logger: Logger;
}

/**
 * In front of Bolt: reads the body (up to a limit), verifies Slack's signature (401), and refuses
 * bodies Bolt would choke on (400) — Bolt 5.1 throws, answers 500 or rejects unhandled on a malformed
 * one (a JSON `null` body, a null event). A request that passes is handed on parsed, with its retry
 * headers, so Bolt never reads or parses it again.
 */
export function createSlackGate(options: SlackGateOptions): RequestListener {
  // The returned promise lets the server's error boundary see a failure after the body was read.
  return (req, res) =>
    readBody(req, options.bodyLimit).then(
      (raw) => {
        if (raw === null) return refuse(res, 413, 'body over the size limit', options.logger);
        const signed = hasValidSlackSignature({
          signingSecret: options.signingSecret,
          timestamp: header(req, 'x-slack-request-timestamp'),
          signature: header(req, 'x-slack-signature'),
          body: raw,
          nowMs: Date.now(),
        });
        if (!signed) return refuse(res, 401, 'bad signature', options.logger);
        const verdict = verdictOf(raw, req.headers['content-type'] ?? '');
        if (!verdict.pass) return refuse(res, verdict.status, verdict.reason, options.logger);
        return options.deliver({
          body: verdict.body,
          retryNum: retryNum(req),
          retryReason: firstHeader(req, 'x-slack-retry-reason'),
          req,
          res,
        });
      },
      (error: unknown) => {
        options.logger.warn('slack request not read', { error });
        if (!res.headersSent) refuse(res, 400, 'unreadable body', options.logger);
      },
    );
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return typeof value === 'string' ? value : '';
}

/** As Bolt's HTTPModuleFunctions read them: the first value, the number parsed in base 10. */
function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function retryNum(req: IncomingMessage): number | undefined {
  const value = firstHeader(req, 'x-slack-retry-num');
  return value === undefined ? undefined : Number.parseInt(value, 10);
}

/** The body, or null when it is larger than `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function verdictOf(raw: Buffer, contentType: string): Verdict {
  const text = raw.toString('utf8');
  try {
    // Bolt's rule: form fields only under exactly this type (with a charset it tried JSON and failed).
    if (contentType === 'application/x-www-form-urlencoded') {
      const fields = new URLSearchParams(text);
      if (fields.getAll('payload').length > 1)
        return { pass: false, status: 400, reason: 'payload given twice' };
      const payload = fields.get('payload');
      if (payload !== null) return interactionVerdict(JSON.parse(payload));
      if (fields.has('command')) return commandVerdict(Object.fromEntries(fields));
      if (fields.get('ssl_check') === '1') return { pass: true, body: Object.fromEntries(fields) };
      return { pass: false, status: 200, reason: 'unhandled form body' };
    }
    if (contentType.includes('application/json')) return eventVerdict(JSON.parse(text));
    return { pass: false, status: 400, reason: 'unsupported content type' };
  } catch {
    return { pass: false, status: 400, reason: 'body is not valid JSON' };
  }
}

/** 200 means "received and ignored" (Slack must not retry it); 4xx says what was wrong, without internals. */
function refuse(res: ServerResponse, status: number, reason: string, logger: Logger): void {
  logger.info(status === 200 ? 'slack request ignored' : 'slack request refused', { status, reason });
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    status === 200
      ? ''
      : `${status === 401 ? 'unauthorized' : status === 413 ? 'too large' : 'bad request'}\n`,
  );
}
