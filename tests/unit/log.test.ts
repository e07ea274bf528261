import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createSlackApp } from '../../src/slack/bolt-app.js';

const at = () => new Date('2026-11-26T10:40:12.345Z');

describe('logger', () => {
  it('writes JSON lines with bound fields, and errors as name/message/code without stacks', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l), now: at }).child({
      question_id: 7,
    });
    log.debug('hidden');
    const error = Object.assign(new Error('boom'), {
      code: 'slack_webapi_platform_error',
      data: { error: 'not_in_channel' },
    });
    log.error('answer not delivered', { channel: 'C1', error });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toEqual({
      time: '2026-11-26T10:40:12.345Z',
      level: 'error',
      msg: 'answer not delivered',
      question_id: 7,
      channel: 'C1',
      error: {
        name: 'Error',
        message: 'boom',
        code: 'slack_webapi_platform_error',
        slackError: 'not_in_channel',
      },
    });
  });

  it('prints a readable line for a terminal', () => {
    const lines: string[] = [];
    createLogger({ level: 'info', write: (l) => lines.push(l), now: at, format: 'pretty' }).info(
      'question accepted',
      {
        channel: 'C0001',
        question_id: 1,
      },
    );
    expect(lines).toEqual(['[10:40:12] INFO: question accepted {"channel":"C0001","question_id":1}']);
  });

  it('leaves out lines below the level and serialises errors under any key, with their causes', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (l) => lines.push(l), now: at });
    log.info('hidden');
    log.warn('retrying', { reason: new Error('outer', { cause: new TypeError('inner') }) });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        time: '2026-11-26T10:40:12.345Z',
        level: 'warn',
        msg: 'retrying',
        reason: { name: 'Error', message: 'outer', cause: { name: 'TypeError', message: 'inner' } },
      },
    ]);
  });

  it("never writes credentials under well-known keys, nor an error's request headers", () => {
    const lines: string[] = [];
    const error = Object.assign(new Error('An API error occurred: invalid_auth'), {
      headers: { authorization: 'Bearer xoxb-error-secret' },
      config: { headers: { Authorization: 'Bearer xoxb-config-secret' } },
    });
    createLogger({ level: 'debug', write: (l) => lines.push(l) })
      .child({ token: 'xoxb-bound-secret' })
      .error('slack call failed', {
        error,
        headers: { authorization: 'Bearer sk-ant-header-secret' },
        request: { apiKey: 'sk-ant-nested-secret', password: 'hunter2' },
      });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/secret|hunter2/);
    expect(lines[0]).toContain('invalid_auth');
  });

  it("routes Bolt's and the Web API client's logging through it, tagged component=bolt", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'debug', write: (l) => lines.push(JSON.parse(l)) });
    // A loopback port nothing listens on: the call fails at once, after the client has logged it.
    const closed = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => closed.once('listening', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const { app } = createSlackApp({
      botToken: 'xoxb-secret-test-token',
      appToken: undefined,
      apiUrl: `http://127.0.0.1:${port}/api/`,
      logger,
      retryConfig: { retries: 0 },
    });
    app.logger.warn('from bolt');
    await expect(app.client.auth.test()).rejects.toThrow();
    const bolt = lines.filter((line) => line.component === 'bolt');
    expect(bolt.map((line) => line.msg)).toContain('from bolt');
    expect(bolt.some((line) => /http request/.test(String(line.msg)))).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('xoxb-secret-test-token');
  });
});
