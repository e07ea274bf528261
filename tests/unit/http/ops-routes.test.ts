import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOpsRoutes,
  type OpsRoutesOptions,
  type Readiness,
  runReadinessChecks,
} from '../../../src/http/ops-routes.js';
import { listen } from '../../../src/http/server.js';
import { createLogger } from '../../../src/log.js';
import { createMetrics } from '../../../src/metrics.js';

const TOKEN = 'scrape-token-0123456789';
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A real server on an ephemeral loopback port; unhandled paths answer 404 as server.ts does. */
async function start(options: OpsRoutesOptions): Promise<string> {
  const route = createOpsRoutes(options);
  const server = createServer((req, res) => {
    if (route(req, res)) return;
    res.writeHead(404, { 'x-unhandled': '1' }).end('not found\n');
  });
  servers.push(server);
  const port = await listen(server, 0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

const healthy = async (): Promise<Readiness> => ({ ok: true, checks: { database: true, slack: true } });

describe('GET /metrics', () => {
  it('serves the Prometheus text with its content type', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.phrWritten();
    const base = await start({ metrics, ready: healthy });
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toContain('fastapi_bot_phrs_written_total 1');
  });

  it('requires the bearer token when one is configured', async () => {
    const base = await start({
      metrics: createMetrics({ defaultMetrics: false }),
      metricsToken: TOKEN,
      ready: healthy,
    });

    const missing = await fetch(`${base}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.headers.get('cache-control')).toBe('no-store');
    expect(await missing.text()).not.toContain('fastapi_bot_');

    for (const authorization of [`Bearer ${TOKEN}x`, 'Bearer wrong', `Basic ${TOKEN}`, TOKEN, 'Bearer ']) {
      const wrong = await fetch(`${base}/metrics`, { headers: { authorization } });
      expect(wrong.status, authorization).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }

    const accepted = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain('fastapi_bot_queue_depth');
    const lowercase = await fetch(`${base}/metrics`, { headers: { authorization: `bearer ${TOKEN}` } });
    expect(lowercase.status).toBe(200);
  });

  it('answers 500 without detail when rendering fails', async () => {
    const lines: string[] = [];
    const base = await start({
      metrics: { render: () => Promise.reject(new Error('secret internals')) },
      ready: healthy,
      logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
    });
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret');
    expect(lines.join('\n')).toContain('metrics render failed');
  });

  it('is not handled when no metrics are given', async () => {
    const base = await start({ ready: healthy });
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-unhandled')).toBe('1');
  });

  it('refuses other methods', async () => {
    const base = await start({ metrics: createMetrics({ defaultMetrics: false }), ready: healthy });
    const response = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('GET /readyz', () => {
  it('answers 200 with the checks when ready', async () => {
    const base = await start({ ready: healthy });
    const response = await fetch(`${base}/readyz?verbose=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ ok: true, checks: { database: true, slack: true } });
  });

  it('answers 503 with the failing checks when not ready', async () => {
    const base = await start({
      ready: async () => ({ ok: false, checks: { database: true, slack: 'socket disconnected' } }),
    });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      ok: false,
      checks: { database: true, slack: 'socket disconnected' },
    });
  });

  it('answers 503 without a stack trace when readiness itself throws', async () => {
    const base = await start({
      ready: () => Promise.reject(new Error('boom\n    at secretFunction (/srv/app/src/x.ts:1:1)')),
    });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toContain(' at ');
    expect(JSON.parse(text)).toEqual({ ok: false, checks: { ready: 'Error: boom' } });
  });

  it('feeds runReadinessChecks results through: a throwing check fails with a short reason', async () => {
    const base = await start({
      ready: () =>
        runReadinessChecks({
          database: () => {
            throw new Error('SQLITE_READONLY: attempt to write a readonly database\nstack line');
          },
          slack: async () => true,
        }),
    });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      ok: false,
      checks: { database: 'Error: SQLITE_READONLY: attempt to write a readonly database', slack: true },
    });
  });

  it('is served even when metrics are absent', async () => {
    const base = await start({ ready: healthy });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});

describe('runReadinessChecks', () => {
  it('is ok only when every check returns true', async () => {
    expect(await runReadinessChecks({ a: () => true, b: async () => true })).toEqual({
      ok: true,
      checks: { a: true, b: true },
    });
    expect(await runReadinessChecks({ a: () => true, b: () => false })).toEqual({
      ok: false,
      checks: { a: true, b: false },
    });
    expect(await runReadinessChecks({ a: () => 'disk full' })).toEqual({
      ok: false,
      checks: { a: 'disk full' },
    });
    expect(await runReadinessChecks({})).toEqual({ ok: true, checks: {} });
  });

  it('fails a check that takes too long', async () => {
    const result = await runReadinessChecks(
      { slow: () => new Promise<boolean>(() => {}), fast: () => true },
      20,
    );
    expect(result).toEqual({ ok: false, checks: { slow: 'timed out', fast: true } });
  });

  it('clips long reasons', async () => {
    const result = await runReadinessChecks({
      big: async () => {
        throw new Error('x'.repeat(1000));
      },
    });
    expect(String(result.checks.big).length).toBeLessThanOrEqual(200);
  });
});

describe('other paths', () => {
  it('are not handled', async () => {
    const base = await start({ metrics: createMetrics({ defaultMetrics: false }), ready: healthy });
    for (const path of ['/', '/healthz', '/metrics/extra', '/readyz/']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('x-unhandled')).toBe('1');
    }
  });

  it('returns false synchronously without touching the response', () => {
    const route = createOpsRoutes({ ready: healthy });
    const untouched = { writeHead: () => expect.unreachable(), end: () => expect.unreachable() };
    expect(route({ url: '/other', method: 'GET', headers: {} } as never, untouched as never)).toBe(false);
  });
});
