import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, listen } from '../../../src/http/server.js';
import { createSlackGate } from '../../../src/http/slack-gate.js';
import { createLogger } from '../../../src/log.js';
import { createSlackApp } from '../../../src/slack/bolt-app.js';
import { FakeSlack } from '../../helpers/fake-slack.js';
import {
  appMentionEnvelope,
  blockActionsPayload,
  nextTs,
  sendAction,
  sendCommand,
  sendEvent,
  slashCommandFields,
} from '../../helpers/slack-requests.js';

const TOKEN = 'xoxb-test-token';
const SECRET = 'boundary-test-signing-secret';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The real Bolt app in HTTP mode behind the bot's HTTP server and gate, with listeners that fail on purpose:
 * the bot's own listeners have no realistic way to throw after their ack.
 */
async function start() {
  const slack = await FakeSlack.start({ token: TOKEN });
  cleanups.push(() => slack.close());
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line)) });
  const { app, http } = createSlackApp({
    botToken: TOKEN,
    appToken: undefined,
    apiUrl: slack.apiUrl,
    logger,
  });
  await app.init();
  app.event('app_mention', async () => {
    throw new Error('mention listener broke');
  });
  app.command('/fastapi', async () => {
    throw new Error('command listener broke before its ack');
  });
  app.action('boom', async ({ ack }) => {
    await ack();
    throw new Error('action listener broke after its ack');
  });
  if (!http) throw new Error('HTTP mode expected');
  const gate = createSlackGate({ signingSecret: SECRET, deliver: http.deliver, bodyLimit: 1 << 20, logger });
  const server: Server = createHttpServer({ slackListener: gate, logger });
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  const errors = () => logs.filter((line) => line.level === 'error');
  return { url, logs, errors };
}

describe('the Slack listeners’ error boundary', () => {
  it('logs a click whose listener threw after its ack once, with its ids, and keeps the ack', async () => {
    const { url, errors } = await start();
    const payload = blockActionsPayload({ action_id: 'boom', value: 'x', message_ts: nextTs() });
    const response = await sendAction(url, SECRET, payload);
    expect(response.status).toBe(200);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({
      msg: 'slack listener failed',
      type: 'block_actions',
      action: 'boom',
      team: 'T0001',
      channel: 'C0001',
      user: 'U0001',
      acknowledged: true,
      error: { message: 'action listener broke after its ack' },
    });
    expect(JSON.stringify(errors()[0])).not.toContain('stack');
  });

  it('leaves an event unacknowledged (so Slack delivers it again) and logs it once with its ids', async () => {
    const { url, errors } = await start();
    const envelope = appMentionEnvelope({ text: '<@UBOT> hello', eventId: 'Ev0BOUNDARY' });
    const response = await sendEvent(url, SECRET, envelope);
    expect(response.status).toBe(500);
    expect(response.body).toBe('');
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({
      msg: 'slack listener failed',
      type: 'event_callback',
      event_id: 'Ev0BOUNDARY',
      event_type: 'app_mention',
      team: 'T0001',
      channel: 'C0001',
      user: 'U0001',
      acknowledged: false,
      error: { message: 'mention listener broke' },
    });
    // Ids only: the message text never reaches the line.
    expect(JSON.stringify(errors()[0])).not.toContain('hello');
  });

  it('does not acknowledge a command whose listener threw before its ack', async () => {
    const { url, errors } = await start();
    const fields = slashCommandFields({ text: 'secret question', response_url: 'http://127.0.0.1:1/r' });
    const response = await sendCommand(url, SECRET, fields);
    expect(response.status).toBe(500);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({
      msg: 'slack listener failed',
      type: 'slash_command',
      command: '/fastapi',
      team: 'T0001',
      channel: 'C0001',
      user: 'U0001',
      acknowledged: false,
    });
    expect(JSON.stringify(errors()[0])).not.toContain('secret question');
  });
});
