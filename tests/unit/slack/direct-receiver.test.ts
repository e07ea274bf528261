import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type App,
  AuthorizationError,
  type Logger as BoltLogger,
  LogLevel,
  type ReceiverEvent,
} from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { DirectReceiver, type SlackDelivery } from '../../../src/slack/direct-receiver.js';

interface Written {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

/** The part of a ServerResponse the receiver uses. */
function fakeResponse(): { res: ServerResponse; written: Written[] } {
  const written: Written[] = [];
  const res = {
    headersSent: false,
    writeHead(status: number, headers?: Record<string, string>) {
      if (this.headersSent) throw new Error('ERR_HTTP_HEADERS_SENT');
      this.headersSent = true;
      written.push({ status, ...(headers ? { headers } : {}) });
      return this;
    },
    end(body?: string) {
      const last = written.at(-1);
      if (last) last.body = body ?? '';
      return this;
    },
  };
  return { res: res as unknown as ServerResponse, written };
}

function logs(): { logger: BoltLogger; lines: string[] } {
  const lines: string[] = [];
  const note = (level: string) => (msg: string) => lines.push(`${level} ${msg}`);
  return {
    lines,
    logger: {
      debug: note('debug'),
      info: note('info'),
      warn: note('warn'),
      error: note('error'),
      setLevel: () => {},
      getLevel: () => LogLevel.DEBUG,
      setName: () => {},
    },
  };
}

/** A receiver over an app whose processEvent is `process`. */
function receiverWith(process: (event: ReceiverEvent) => Promise<void>, timeoutMs?: number) {
  const { logger, lines } = logs();
  const receiver = new DirectReceiver({
    logger,
    ...(timeoutMs !== undefined ? { unhandledRequestTimeoutMillis: timeoutMs } : {}),
  });
  receiver.init({ processEvent: process } as unknown as App);
  return { receiver, lines };
}

function delivery(body: Record<string, unknown>, extra: Partial<SlackDelivery> = {}) {
  const { res, written } = fakeResponse();
  const req = {} as IncomingMessage;
  return {
    delivery: { body, retryNum: undefined, retryReason: undefined, req, res, ...extra },
    written,
    req,
  };
}

const EVENT = { type: 'event_callback', team_id: 'T1', event: { type: 'app_mention' } };
const COMMAND = { command: '/fastapi', team_id: 'T1', text: 'q' };
const ACTION = { type: 'block_actions', actions: [] };

describe('DirectReceiver', () => {
  it.each([
    ['nothing', undefined, { status: 200, body: '' }],
    ['an empty string', '', { status: 200, body: '' }],
    ['text', 'hello', { status: 200, body: 'hello' }],
    [
      'an object',
      { text: 'hi' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' },
    ],
  ])('answers an ack of %s after processing, with its body', async (_name, response, expected) => {
    let answeredDuringProcessing = true;
    const d = delivery(COMMAND);
    const { receiver } = receiverWith(async (event) => {
      await event.ack(response);
      answeredDuringProcessing = d.written.length > 0;
    });
    await receiver.deliver(d.delivery);
    expect(answeredDuringProcessing).toBe(false);
    expect(d.written).toEqual([expected]);
  });

  it('hands the app the body, retry headers and empty custom properties', async () => {
    const events: ReceiverEvent[] = [];
    const { receiver } = receiverWith(async (event) => {
      events.push(event);
      await event.ack();
    });
    await receiver.deliver(delivery(EVENT, { retryNum: 1, retryReason: 'http_timeout' }).delivery);
    expect(events[0]).toMatchObject({
      body: EVENT,
      retryNum: 1,
      retryReason: 'http_timeout',
      customProperties: {},
    });
  });

  it('rejects a second ack with ReceiverMultipleAckError and answers with the first', async () => {
    const d = delivery(COMMAND);
    let second: unknown;
    const { receiver } = receiverWith(async (event) => {
      await event.ack('first');
      second = await event.ack('second').catch((error: unknown) => error);
    });
    await receiver.deliver(d.delivery);
    expect((second as { code?: string }).code).toBe('slack_bolt_receiver_ack_multiple_error');
    expect(d.written).toEqual([{ status: 200, body: 'first' }]);
  });

  it('answers 500 when processing fails, acked or not, and logs nothing (the boundary did)', async () => {
    for (const ackFirst of [false, true]) {
      const d = delivery(COMMAND);
      const { receiver, lines } = receiverWith(async (event) => {
        if (ackFirst) await event.ack('taken');
        throw new Error('listener broke');
      });
      await receiver.deliver(d.delivery);
      expect(d.written).toEqual([{ status: 500, body: '' }]);
      expect(lines.filter((line) => !line.startsWith('debug'))).toEqual([]);
    }
  });

  it('answers 401 when authorization failed', async () => {
    const d = delivery(COMMAND);
    const { receiver } = receiverWith(async () => {
      throw new AuthorizationError('no installation', new Error('none'));
    });
    await receiver.deliver(d.delivery);
    expect(d.written).toEqual([{ status: 401, body: '' }]);
  });

  it('answers url_verification with its challenge and an ssl_check with an empty 200, without the app', async () => {
    const { receiver } = receiverWith(async () => {
      throw new Error('the app must not see these');
    });
    const verification = delivery({ type: 'url_verification', challenge: 'c-1', token: 't' });
    await receiver.deliver(verification.delivery);
    expect(verification.written).toEqual([
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"challenge":"c-1"}' },
    ]);
    const ssl = delivery({ ssl_check: '1', token: 't' });
    await receiver.deliver(ssl.delivery);
    expect(ssl.written).toEqual([{ status: 200, body: '' }]);
  });

  it('answers 404 at once when processing ends without an ack, and logs it as Bolt does', async () => {
    const d = delivery(ACTION);
    const { receiver, lines } = receiverWith(async () => {});
    await receiver.deliver(d.delivery);
    expect(d.written).toEqual([{ status: 404, body: '' }]);
    expect(lines).toEqual([expect.stringMatching(/^error An incoming event was not acknowledged/)]);
  });

  it('answers 404 when the ack does not come in time, and drops the late ack', async () => {
    const d = delivery(COMMAND);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { receiver, lines } = receiverWith(async (event) => {
      await held;
      await event.ack('too late');
    }, 50);
    const handled = receiver.deliver(d.delivery);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(d.written).toEqual([{ status: 404, body: '' }]);
    release();
    await handled;
    expect(d.written).toEqual([{ status: 404, body: '' }]);
    expect(lines.some((line) => line.startsWith('debug stored response not sent'))).toBe(true);
    await receiver.stop();
  });

  it('tells the ack metrics what each request was', async () => {
    const { receiver } = receiverWith(async (event) => event.ack());
    const surfaces = [];
    for (const body of [EVENT, COMMAND, ACTION, { type: 'view_submission', view: {} }]) {
      const d = delivery(body);
      await receiver.deliver(d.delivery);
      surfaces.push(receiver.surfaceOf(d.req));
    }
    expect(surfaces).toEqual(['event', 'command', 'action', 'action']);
    expect(receiver.surfaceOf({})).toBeUndefined();
  });

  it('refuses a request before init(app)', async () => {
    const receiver = new DirectReceiver({ logger: logs().logger });
    await expect(receiver.deliver(delivery(EVENT).delivery)).rejects.toMatchObject({
      code: 'slack_bolt_receiver_inconsistent_state_error',
    });
    await expect(receiver.start()).resolves.toBeUndefined();
    await expect(receiver.stop()).resolves.toBeUndefined();
  });
});
