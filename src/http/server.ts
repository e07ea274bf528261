import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LogFields, Logger } from '../log.js';

/** A request handler; one that works asynchronously returns its promise, so its failures reach the boundary. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface HttpServerOptions {
  /** The Slack gate in HTTP mode (src/http/slack-gate.ts, which hands on to Bolt); absent in Socket Mode. */
  slackListener: RequestListener | undefined;
  /** Further routes (record pages); each returns true when it handled the request. */
  routes?: readonly ((req: IncomingMessage, res: ServerResponse) => boolean)[];
  /** Called when Slack's request has been answered, with how long the ack took. */
  onSlackAck?: (req: IncomingMessage, res: ServerResponse, seconds: number) => void;
  logger: Logger;
}

/**
 * The bot's one HTTP server: Slack's endpoint in HTTP mode, and in both modes the health check
 * and the signed record pages. The Slack gate verifies signatures; nothing else here trusts the caller.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const handle = (req: IncomingMessage, res: ServerResponse, path: string | undefined) => {
    if (path === '/slack/events' && options.slackListener) {
      if (req.method !== 'POST') return send(res, 405, 'method not allowed\n', { allow: 'POST' });
      const started = performance.now();
      if (options.onSlackAck) {
        const report = options.onSlackAck;
        res.once('finish', () => report(req, res, (performance.now() - started) / 1000));
      }
      return options.slackListener(req, res);
    }
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      return send(res, 200, '{"ok":true}\n', { 'content-type': 'application/json' });
    }
    for (const route of options.routes ?? []) if (route(req, res)) return;
    send(res, 404, 'not found\n');
  };
  // The HTTP error boundary: whatever a handler throws, now or later, is logged and answered here.
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    new Promise((resolve) => resolve(handle(req, res, path))).catch((error: unknown) =>
      internalError(res, options.logger, 'http request failed', { path, error }),
    );
  });
}

/**
 * A request that failed unexpectedly: logged (with the caller's fields, never the request body) and
 * answered with a bare 500 (no message or stack), or the connection cut when the response had begun.
 */
export function internalError(
  res: ServerResponse,
  logger: Logger | undefined,
  message: string,
  fields: LogFields,
): void {
  logger?.error(message, fields);
  if (!res.headersSent) send(res, 500, 'internal error\n');
  else res.destroy();
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

export function listen(server: Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
