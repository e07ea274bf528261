import { createServer, type Server } from 'node:http';
import { App, type Logger as BoltLogger, HTTPReceiver, LogLevel, type ReceiverEvent } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackGate } from '../../../src/http/slack-gate.js';
import { createLogger } from '../../../src/log.js';
import { DirectReceiver } from '../../../src/slack/direct-receiver.js';
import {
  appMentionEnvelope,
  blockActionsPayload,
  nextTs,
  type SendOptions,
  type SendResult,
  sendAction,
  sendCommand,
  sendEvent,
  sendRaw,
  slashCommandFields,
  viewSubmissionPayload,
} from '../../helpers/slack-requests.js';

/**
 * The same Bolt app (same listeners) once over Bolt's own HTTPReceiver, set up as the bot had it
 * (`processBeforeResponse: true`, signatures checked in front), and once over the DirectReceiver behind
 * the bot's gate: every request must get the same answer, and the app the same ReceiverEvent.
 */
const SECRET = 'parity-signing-secret';
const UNHANDLED_MS = 100;

const quiet: BoltLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

interface Side {
  url: string;
  events: Omit<ReceiverEvent, 'ack'>[];
  contexts: Record<string, unknown>[];
  doubleAcks: unknown[];
}

function buildApp(receiver: HTTPReceiver | DirectReceiver, side: Omit<Side, 'url'>, authorizeFails: boolean) {
  const app = new App({
    receiver,
    logger: quiet,
    authorize: async () => {
      if (authorizeFails) throw new Error('no installation');
      return { botToken: 'xoxb-parity', botId: 'BPARITY', botUserId: 'UBOT' };
    },
  });
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event: ReceiverEvent) => {
    const { ack: _ack, ...rest } = event;
    side.events.push(rest);
    return processEvent(event);
  };
  app.event('app_mention', async ({ context }) => {
    side.contexts.push({ retryNum: context.retryNum, retryReason: context.retryReason });
  });
  app.command('/text', async ({ ack }) => ack('plain text answer'));
  app.command('/json', async ({ ack }) => ack({ response_type: 'ephemeral', text: 'as JSON' }));
  app.command('/empty', async ({ ack }) => ack());
  app.command('/twice', async ({ ack }) => {
    await ack('first');
    await ack('second').catch((error: { code?: unknown }) => side.doubleAcks.push(error.code));
  });
  app.command('/throws', async () => {
    throw new Error('listener broke before its ack');
  });
  app.action('click', async ({ ack }) => ack());
  app.view('modal', async ({ ack }) => ack({ response_action: 'errors', errors: { field: 'too short' } }));
  return app;
}

async function serve(listener: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}` };
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function startPair(authorizeFails = false): Promise<{ bolt: Side; direct: Side }> {
  const boltSide = { events: [], contexts: [], doubleAcks: [] };
  const bolt = new HTTPReceiver({
    signingSecret: SECRET,
    logger: quiet,
    processBeforeResponse: true,
    unhandledRequestTimeoutMillis: UNHANDLED_MS,
  });
  buildApp(bolt, boltSide, authorizeFails);
  const boltServer = await serve(bolt.requestListener);

  const directSide = { events: [], contexts: [], doubleAcks: [] };
  const direct = new DirectReceiver({ logger: quiet, unhandledRequestTimeoutMillis: UNHANDLED_MS });
  buildApp(direct, directSide, authorizeFails);
  const logger = createLogger({ level: 'error', write: () => {} });
  const gate = createSlackGate({
    signingSecret: SECRET,
    deliver: direct.deliver,
    bodyLimit: 1 << 20,
    logger,
  });
  const directServer = await serve((req, res) => void gate(req, res));
  servers.push(boltServer.server, directServer.server);
  return { bolt: { ...boltSide, url: boltServer.url }, direct: { ...directSide, url: directServer.url } };
}

type Send = (url: string) => Promise<SendResult>;

async function both(pair: { bolt: Side; direct: Side }, send: Send) {
  const [bolt, direct] = await Promise.all([send(pair.bolt.url), send(pair.direct.url)]);
  const answer = (r: SendResult) => ({
    status: r.status,
    contentType: r.headers.get('content-type'),
    body: r.body,
  });
  return { bolt: answer(bolt), direct: answer(direct) };
}

const command = (name: string, opts?: SendOptions): Send => {
  const fields = slashCommandFields({
    text: 'a question',
    response_url: 'http://127.0.0.1:1/r',
    command: name,
  });
  return (url) => sendCommand(url, SECRET, fields, opts);
};

describe('DirectReceiver answers as Bolt’s HTTPReceiver does', () => {
  let pair: { bolt: Side; direct: Side };
  beforeAll(async () => {
    pair = await startPair();
  });

  it.each([
    ['a command acked with text', command('/text'), 'plain text answer'],
    [
      'a command acked with an object (JSON)',
      command('/json'),
      '{"response_type":"ephemeral","text":"as JSON"}',
    ],
    ['a command acked without a body', command('/empty'), ''],
    ['a command acked twice (the first ack stands)', command('/twice'), 'first'],
  ])('%s', async (_name, send, body) => {
    const { bolt, direct } = await both(pair, send);
    expect(direct).toEqual(bolt);
    expect(direct.status).toBe(200);
    expect(direct.body).toBe(body);
  });

  it('rejects a second ack with ReceiverMultipleAckError, to the listener', async () => {
    await both(pair, command('/twice'));
    expect(pair.direct.doubleAcks).toEqual(pair.bolt.doubleAcks);
    expect(pair.direct.doubleAcks.at(-1)).toBe('slack_bolt_receiver_ack_multiple_error');
  });

  it('answers 500 when processing fails before the ack', async () => {
    const { bolt, direct } = await both(pair, command('/throws'));
    expect(direct).toEqual(bolt);
    expect(direct.status).toBe(500);
  });

  it('answers 404 when no listener acknowledges (Bolt after its timeout)', async () => {
    const { bolt, direct } = await both(pair, command('/nobody-listens'));
    expect(direct).toEqual(bolt);
    expect(direct.status).toBe(404);
  });

  it('acks a block action and answers a view submission with its response_action', async () => {
    const click = blockActionsPayload({ action_id: 'click', value: 'v', message_ts: nextTs() });
    const clicked = await both(pair, (url) => sendAction(url, SECRET, click));
    expect(clicked.direct).toEqual(clicked.bolt);
    expect(clicked.direct).toEqual({ status: 200, contentType: null, body: '' });
    const view = viewSubmissionPayload({ callback_id: 'modal', private_metadata: '', values: {} });
    const { bolt, direct } = await both(pair, (url) => sendAction(url, SECRET, view));
    expect(direct).toEqual(bolt);
    expect(JSON.parse(direct.body)).toEqual({ response_action: 'errors', errors: { field: 'too short' } });
  });

  it('answers url_verification with the challenge as JSON and an ssl_check with an empty 200', async () => {
    const challenge = { token: 't', challenge: 'abc123', type: 'url_verification' };
    const verification = await both(pair, (url) => sendEvent(url, SECRET, challenge));
    expect(verification.direct).toEqual(verification.bolt);
    expect(verification.direct).toEqual({
      status: 200,
      contentType: 'application/json',
      body: '{"challenge":"abc123"}',
    });
    const ssl = await both(pair, (url) =>
      sendRaw(url, SECRET, 'ssl_check=1&token=t', 'application/x-www-form-urlencoded'),
    );
    expect(ssl.direct).toEqual(ssl.bolt);
    expect(ssl.direct).toEqual({ status: 200, contentType: null, body: '' });
  });

  it('hands the app the same ReceiverEvent, retry headers and all', async () => {
    const from = (side: Side) => side.events.length;
    const [boltFrom, directFrom] = [from(pair.bolt), from(pair.direct)];
    const mention = appMentionEnvelope({ text: '<@UBOT> hello' });
    const retried = await both(pair, (url) =>
      sendEvent(url, SECRET, mention, { retryNum: 2, retryReason: 'http_timeout' }),
    );
    expect(retried.direct).toEqual(retried.bolt);
    expect(retried.direct.status).toBe(200);
    await both(pair, command('/text'));
    const boltEvents = pair.bolt.events.slice(boltFrom);
    const directEvents = pair.direct.events.slice(directFrom);
    expect(directEvents).toHaveLength(2);
    // Bolt's querystring gives the command's fields a null prototype; the values are what matter.
    expect(JSON.parse(JSON.stringify(directEvents))).toEqual(JSON.parse(JSON.stringify(boltEvents)));
    expect(directEvents[0]).toMatchObject({ retryNum: 2, retryReason: 'http_timeout', customProperties: {} });
    expect(directEvents[1]).toMatchObject({ retryNum: undefined, retryReason: undefined });
    expect(pair.direct.contexts.at(-1)).toEqual({ retryNum: 2, retryReason: 'http_timeout' });
    expect(pair.direct.contexts.at(-1)).toEqual(pair.bolt.contexts.at(-1));
  });
});

describe('DirectReceiver with a failing authorize, as Bolt’s HTTPReceiver', () => {
  it('answers 401', async () => {
    const pair = await startPair(true);
    const { bolt, direct } = await both(pair, command('/text'));
    expect(direct).toEqual(bolt);
    expect(direct.status).toBe(401);
  });
});
