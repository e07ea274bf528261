import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log.js';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpServerOptions {
  /** Bolt's signed-request listener in HTTP mode; absent in Socket Mode. */
  slackListener: RequestListener | undefined;
  /** Further routes (record pages); each returns true when it handled the request. */
  routes?: readonly ((req: IncomingMessage, res: ServerResponse) => boolean)[];
  /** Called when Slack's request has been answered, with how long the ack took. */
  onSlackAck?: (req: IncomingMessage, res: ServerResponse, seconds: number) => void;
  logger: Logger;
}

/**
 * The bot's one HTTP server: Slack's endpoint in HTTP mode, and in both modes the health check
 * and the signed record pages. Bolt verifies signatures; nothing else here trusts the caller.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/slack/events' && options.slackListener) {
        if (req.method !== 'POST') return send(res, 405, 'method not allowed\n', { allow: 'POST' });
        const started = performance.now();
        if (options.onSlackAck) {
          const report = options.onSlackAck;
          res.once('finish', () => report(req, res, (performance.now() - started) / 1000));
        }
        options.slackListener(req, res);
        return;
      }
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        return send(res, 200, '{"ok":true}\n', { 'content-type': 'application/json' });
      }
      for (const route of options.routes ?? []) if (route(req, res)) return;
      send(res, 404, 'not found\n');
    } catch (error) {
      options.logger.error('http request failed', { path, error });
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    }
  });
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
