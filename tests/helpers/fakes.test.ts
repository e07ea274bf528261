// Proves the loopback fakes speak the wire formats of the real clients the bot uses.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Anthropic, { APIError, OverloadedError, RateLimitError } from '@anthropic-ai/sdk';
import { App, LogLevel } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import { WebAPIPlatformError, WebClient, WebClientEvent, type WebClientOptions } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAnthropic } from './fake-anthropic.js';
import { asArray, asRecord, asString, FakeSlack } from './fake-slack.js';
import {
  appMentionEnvelope,
  blockActionsPayload,
  messageEnvelope,
  nextTs,
  sendAction,
  sendCommand,
  sendEvent,
  slackSignature,
  slashCommandFields,
} from './slack-requests.js';

// Copies of shared/fixtures samples, so the suite does not depend on where shared/ sits.
const FIXTURES = new URL('../fixtures', import.meta.url).pathname;
const TOKEN = 'xoxb-test-token';
const APP_TOKEN = 'xapp-test-token';
const SECRET = 'test-signing-secret';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startSlack(options?: Parameters<typeof FakeSlack.start>[0]): Promise<FakeSlack> {
  const slack = await FakeSlack.start(options);
  cleanups.push(() => slack.close());
  return slack;
}

async function startAnthropic(options?: Parameters<typeof FakeAnthropic.start>[0]): Promise<FakeAnthropic> {
  const anthropic = await FakeAnthropic.start(options);
  cleanups.push(() => anthropic.close());
  return anthropic;
}

function webClient(slack: FakeSlack, extra: WebClientOptions = {}): WebClient {
  return new WebClient(TOKEN, {
    slackApiUrl: slack.apiUrl,
    logLevel: LogLevel.ERROR,
    // A chat bot must not sit out Slack's default ~30-minute retry schedule; tests need it fast.
    retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 },
    ...extra,
  });
}

function claude(anthropic: FakeAnthropic, maxRetries = 0, timeout?: number): Anthropic {
  return new Anthropic({
    apiKey: 'sk-ant-test',
    baseURL: anthropic.baseUrl,
    maxRetries,
    ...(timeout ? { timeout } : {}),
  });
}

async function slackError(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WebAPIPlatformError) return err.data.error;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('FakeSlack with the real WebClient', () => {
  it('answers auth.test, posts, updates and reads threads back', async () => {
    const slack = await startSlack();
    const client = webClient(slack);

    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0001' });

    const root = nextTs();
    slack.seedMessage({ channel: 'C0001', ts: root, user: 'U0001', text: 'What is Depends?' });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Depends* declares a dependency' } }];
    const posted = await client.chat.postMessage({
      channel: 'C0001',
      thread_ts: root,
      text: 'first',
      blocks,
    });
    expect(posted.ts && Number(posted.ts) > Number(root)).toBe(true);

    // WebClient form-encodes, with blocks as a JSON string: the fake decodes it back.
    const call = slack.callsTo('chat.postMessage')[0];
    expect(call?.token).toBe(TOKEN);
    expect(call?.args.blocks).toEqual(blocks);
    expect(call?.args.thread_ts).toBe(root);

    await client.chat.update({ channel: 'C0001', ts: posted.ts ?? '', text: 'edited' });
    expect(slack.messages('C0001', root).map((m) => [m.user, m.text])).toEqual([
      ['U0001', 'What is Depends?'],
      ['UBOT', 'edited'],
    ]);

    const replies = await client.conversations.replies({ channel: 'C0001', ts: root });
    expect(replies.messages?.map((m) => m.text)).toEqual(['What is Depends?', 'edited']);
    expect(replies.messages?.[0]).toMatchObject({ thread_ts: root, reply_count: 1 });
    expect(replies.messages?.[1]).toMatchObject({ bot_id: 'BBOT', parent_user_id: 'U0001' });

    expect(await slackError(client.chat.update({ channel: 'C0001', ts: root, text: 'x' }))).toBe(
      'cant_update_message',
    );
    expect(await slackError(client.conversations.replies({ channel: 'C0001', ts: '1.000001' }))).toBe(
      'thread_not_found',
    );

    const link = await client.chat.getPermalink({ channel: 'C0001', message_ts: '1767400000.000100' });
    expect(link.permalink).toBe('https://fake.slack.test/archives/C0001/p1767400000000100');
  });

  it('pages conversations.replies with limit, cursor and an inclusive oldest/latest', async () => {
    const slack = await startSlack();
    const client = webClient(slack);
    const root = nextTs();
    slack.seedMessage({ channel: 'C0001', ts: root, user: 'U0001', text: 'm0' });
    const ts = [root];
    for (let i = 1; i <= 4; i++) {
      const t = nextTs();
      ts.push(t);
      slack.seedMessage({ channel: 'C0001', ts: t, thread_ts: root, user: 'U0002', text: `m${i}` });
    }

    const first = await client.conversations.replies({ channel: 'C0001', ts: root, limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(['m0', 'm1']);
    expect(first.has_more).toBe(true);
    const cursor = first.response_metadata?.next_cursor;
    expect(cursor).toBeTruthy();
    const second = await client.conversations.replies({ channel: 'C0001', ts: root, limit: 2, cursor });
    expect(second.messages?.map((m) => m.text)).toEqual(['m2', 'm3']);

    const texts: string[] = [];
    for await (const page of client.paginate('conversations.replies', {
      channel: 'C0001',
      ts: root,
      limit: 3,
    })) {
      for (const m of asArray(asRecord(page)?.messages) ?? []) texts.push(asString(asRecord(m)?.text) ?? '');
    }
    expect(texts).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);

    const ranged = await client.conversations.replies({
      channel: 'C0001',
      ts: root,
      oldest: ts[1],
      latest: ts[3],
    });
    expect(ranged.messages?.map((m) => m.text)).toEqual(['m1', 'm2', 'm3']);
  });

  it('answers users.info from the users map and refuses unknown users', async () => {
    const slack = await startSlack();
    const client = webClient(slack);
    slack.users.set('U0001', { name: 'alice', real_name: 'Alice Example' });
    const info = await client.users.info({ user: 'U0001' });
    expect(info.user).toMatchObject({ id: 'U0001', name: 'alice', real_name: 'Alice Example' });
    expect(await slackError(client.users.info({ user: 'U0404' }))).toBe('user_not_found');
  });

  it('enforces channel membership and Slack limits', async () => {
    const slack = await startSlack();
    const client = webClient(slack);
    slack.notInChannel.add('C0BAD');
    expect(await slackError(client.chat.postMessage({ channel: 'C0BAD', text: 'hi' }))).toBe(
      'not_in_channel',
    );

    const eph = await client.chat.postEphemeral({ channel: 'C0001', user: 'U0001', text: 'only you' });
    expect(slack.messages('C0001')).toEqual([
      expect.objectContaining({ ts: eph.message_ts, ephemeralFor: 'U0001', text: 'only you' }),
    ]);

    expect(await slackError(client.chat.postMessage({ channel: 'C0001', text: 'x'.repeat(40_001) }))).toBe(
      'msg_too_long',
    );
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(await slackError(client.chat.postMessage({ channel: 'C0001', text: 't', blocks: tooMany }))).toBe(
      'invalid_blocks',
    );
    const longSection = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3_001) } }];
    expect(
      await slackError(client.chat.postMessage({ channel: 'C0001', text: 't', blocks: longSection })),
    ).toBe('invalid_blocks');
    const markdown = [
      { type: 'markdown', text: 'x'.repeat(6_000) },
      { type: 'markdown', text: 'x'.repeat(6_001) },
    ];
    expect(await slackError(client.chat.postMessage({ channel: 'C0001', text: 't', blocks: markdown }))).toBe(
      'invalid_blocks',
    );
    // Exactly at the limits is fine.
    await client.chat.postMessage({
      channel: 'C0001',
      text: 'x'.repeat(40_000),
      blocks: markdown.slice(0, 1),
    });

    expect(await slackError(client.apiCall('no.such.method', {}))).toBe('unknown_method');
  });

  it('retries a 429 after Retry-After (whole seconds) and then succeeds', async () => {
    const slack = await startSlack();
    const client = webClient(slack);
    const rateLimited: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => rateLimited.push(seconds));

    slack.failNext('chat.postMessage', { status: 429, retryAfter: 0 });
    const fast = await client.chat.postMessage({ channel: 'C0001', text: 'after a 429' });
    expect(fast.ok).toBe(true);

    slack.failNext('reactions.add', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await client.reactions.add({ channel: 'C0001', timestamp: fast.ts ?? '', name: 'eyes' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    expect(rateLimited).toEqual([0, 1]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(slack.callsTo('reactions.add')).toHaveLength(2);
    expect(slack.messages('C0001').map((m) => m.text)).toEqual(['after a 429']);
    expect(
      await slackError(client.reactions.add({ channel: 'C0001', timestamp: fast.ts ?? '', name: 'eyes' })),
    ).toBe('already_reacted');
  });

  it('does not retry ok:false, nor a 429 without Retry-After; a hung call needs a client timeout', async () => {
    const slack = await startSlack();
    const client = webClient(slack, { retryConfig: { retries: 0 }, timeout: 200 });

    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    expect(await slackError(client.chat.postMessage({ channel: 'C0001', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);

    slack.failNext('chat.update', { status: 429 });
    await expect(client.chat.update({ channel: 'C0001', ts: '1.1', text: 'x' })).rejects.toThrow(
      /Retry header did not contain a valid timeout/,
    );

    slack.failNext('auth.test', { hang: true });
    await expect(client.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
  });

  it('builds a streamed message from chatStream append/stop', async () => {
    const slack = await startSlack();
    const client = webClient(slack);
    const root = nextTs();
    slack.seedMessage({ channel: 'C0001', ts: root, user: 'U0001', text: 'question' });

    const stream = client.chatStream({
      channel: 'C0001',
      thread_ts: root,
      recipient_team_id: 'T0001',
      recipient_user_id: 'U0001',
      buffer_size: 10,
    });
    await stream.append({ markdown_text: 'Hello ' });
    expect(slack.calls).toHaveLength(0); // still buffered client-side
    await stream.append({ markdown_text: 'streaming world' });
    const streaming = await slack.waitFor(() => slack.messages('C0001', root).find((m) => m.streaming), {
      what: 'a streaming message',
    });
    expect(streaming.text).toBe('Hello streaming world');
    expect(slack.callsTo('chat.startStream')[0]?.args.chunks).toEqual([
      { type: 'markdown_text', text: 'Hello streaming world' },
    ]);

    await stream.append({ markdown_text: ' and more' });
    const finalBlocks = [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'sources' }] }];
    await stream.stop({ blocks: finalBlocks });
    const [, answer] = slack.messages('C0001', root);
    expect(answer).toMatchObject({
      user: 'UBOT',
      thread_ts: root,
      text: 'Hello streaming world and more',
      blocks: finalBlocks,
      streaming: false,
    });

    const late = client.apiCall('chat.appendStream', {
      channel: 'C0001',
      ts: answer?.ts,
      chunks: [{ type: 'markdown_text', text: 'late' }],
    });
    expect(await slackError(late)).toBe('message_not_in_streaming_state');

    // Outside DMs the recipient is required; the cumulative streamed markdown is capped at 12,000.
    expect(await slackError(client.chat.startStream({ channel: 'C0001', thread_ts: root }))).toBe(
      'invalid_arguments',
    );
    const big = await client.chat.startStream({
      channel: 'C0001',
      thread_ts: root,
      recipient_team_id: 'T0001',
      recipient_user_id: 'U0001',
      markdown_text: 'x'.repeat(12_000),
    });
    expect(
      await slackError(client.chat.appendStream({ channel: 'C0001', ts: big.ts ?? '', markdown_text: 'y' })),
    ).toBe('msg_too_long');
  });

  it('records response_url posts', async () => {
    const slack = await startSlack();
    const response = await fetch(slack.responseUrl('cmd-1'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'invite me first' }),
    });
    expect(response.status).toBe(200);
    expect(slack.responses).toEqual([
      { id: 'cmd-1', body: { response_type: 'ephemeral', text: 'invite me first' } },
    ]);
  });

  it('reports the recent calls when waitFor times out', async () => {
    const slack = await startSlack();
    await webClient(slack).auth.test();
    await expect(slack.waitFor(() => false, { timeoutMs: 20, what: 'nothing' })).rejects.toThrow(
      /waiting for nothing[\s\S]*auth\.test/,
    );
  });
});

describe('FakeAnthropic with the real SDK', () => {
  it('streams text in several deltas and reports final usage', async () => {
    const anthropic = await startAnthropic();
    anthropic.enqueue({
      kind: 'text',
      text: '`Depends` declares a dependency that FastAPI resolves per request.',
      usage: { input_tokens: 18, output_tokens: 14, cache_read_input_tokens: 2150 },
    });
    const stream = claude(anthropic).messages.stream({
      model: 'claude-sonnet-5-5',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'You are a FastAPI expert.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'What is Depends?' }],
    });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const final = await stream.finalMessage();

    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe('`Depends` declares a dependency that FastAPI resolves per request.');
    expect(final.usage).toMatchObject({
      input_tokens: 18,
      output_tokens: 14,
      cache_read_input_tokens: 2150,
      cache_creation_input_tokens: 0,
    });
    expect(final.stop_reason).toBe('end_turn');
    const request = anthropic.requests[0];
    expect(request?.path).toBe('/v1/messages');
    expect(request?.body.stream).toBe(true);
    expect(request?.headers.authorization).toBe('Bearer sk-ant-test');
  });

  it('answers non-streaming requests and count_tokens; the default reply echoes the question', async () => {
    const anthropic = await startAnthropic();
    const client = claude(anthropic);
    const message = await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'How do I use Depends?' }] }],
    });
    expect(message.content).toEqual([
      { type: 'text', text: 'Answer to: How do I use Depends?', citations: null },
    ]);
    expect(message.model).toBe('claude-sonnet-5-5');

    const count = await client.messages.countTokens({
      model: 'claude-sonnet-5-5',
      messages: [{ role: 'user', content: 'x'.repeat(400) }],
    });
    expect(count.input_tokens).toBe(100);
  });

  it('maps 429 and 529 to the SDK error classes and honours retry-after', async () => {
    const anthropic = await startAnthropic();
    const params = {
      model: 'claude-sonnet-5-5',
      max_tokens: 10,
      messages: [{ role: 'user' as const, content: 'hi' }],
    };

    anthropic.enqueue({ kind: 'error', status: 429, type: 'rate_limit_error', retryAfter: 30 });
    const limited = await claude(anthropic)
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ status: 429, type: 'rate_limit_error' });
    expect((limited as RateLimitError).headers.get('retry-after')).toBe('30');

    anthropic.enqueue({ kind: 'error', status: 529, type: 'overloaded_error' });
    const overloaded = await claude(anthropic)
      .messages.stream(params)
      .finalMessage()
      .catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(OverloadedError);
    expect(overloaded).toMatchObject({ status: 529, type: 'overloaded_error' });

    // retry-after is read as (fractional) seconds by the SDK's own retry loop.
    anthropic.enqueue({ kind: 'error', status: 429, type: 'rate_limit_error', retryAfter: 0.01 });
    const retried = await claude(anthropic, 1).messages.create(params);
    expect(retried.content[0]).toMatchObject({ text: 'Answer to: hi' });
    expect(anthropic.requests).toHaveLength(4);
  });

  it('surfaces a mid-stream error event as a plain APIError after the partial text', async () => {
    const anthropic = await startAnthropic();
    anthropic.enqueue({ kind: 'midstreamError', text: 'Partial answer' });
    const stream = claude(anthropic, 2).messages.stream({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error).not.toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ status: undefined, type: 'overloaded_error' });
    expect(deltas.join('')).toBe('Partial answer');
    expect(anthropic.requests).toHaveLength(1); // not retried by the SDK
  });

  it('surfaces a cut connection as an error after the partial text', async () => {
    const anthropic = await startAnthropic();
    anthropic.enqueue({ kind: 'cut', text: 'Half an ans' });
    const stream = claude(anthropic).messages.stream({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(deltas.join('')).toBe('Half an ans');
  });

  it('holds requests until released, and paces tokens', async () => {
    const anthropic = await startAnthropic();
    const held = anthropic.hold();
    anthropic.enqueue({ kind: 'text', text: ['a', 'b', 'c'], tokenDelayMs: 5 });
    let settled = false;
    const answer = claude(anthropic)
      .messages.stream({
        model: 'claude-sonnet-5-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'q' }],
      })
      .finalText()
      .finally(() => {
        settled = true;
      });
    await anthropic.waitFor(() => anthropic.requests.length === 1, { what: 'the held request' });
    expect(settled).toBe(false);
    held.release();
    expect(await answer).toBe('abc');
  });

  it('hangs until the client times out', async () => {
    const anthropic = await startAnthropic();
    anthropic.enqueue({ kind: 'hang' });
    await expect(
      claude(anthropic, 0, 200).messages.create({
        model: 'claude-sonnet-5-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'q' }],
      }),
    ).rejects.toThrow(/timed out/i);
  });
});

describe('slack-requests', () => {
  it("reproduces Slack's published signing example", () => {
    const vector = JSON.parse(readFileSync(`${FIXTURES}/slack-signing-vector.json`, 'utf8')) as Record<
      string,
      string
    >;
    expect(
      slackSignature(vector.signing_secret ?? '', vector.x_slack_request_timestamp ?? '', vector.body ?? ''),
    ).toBe(vector.x_slack_signature);
  });

  it('builds envelopes shaped like the fixtures', () => {
    const fixture = JSON.parse(readFileSync(`${FIXTURES}/slack-event-app-mention.json`, 'utf8')) as Record<
      string,
      unknown
    >;
    const built = appMentionEnvelope({ text: '<@UBOT> What is Depends?' });
    expect(Object.keys(built).sort()).toEqual(Object.keys(fixture).sort());
    expect(Object.keys(asRecord(built.event) ?? {}).sort()).toEqual(
      Object.keys(asRecord(fixture.event) ?? {}).sort(),
    );

    const reply = messageEnvelope({ text: 'Who are you?', thread_ts: '1767400000.000100' });
    expect(asRecord(reply.event)).toMatchObject({
      type: 'message',
      channel_type: 'channel',
      thread_ts: '1767400000.000100',
    });
    const edit = messageEnvelope({ text: 'x', subtype: 'message_changed' });
    expect(asRecord(edit.event)).toMatchObject({ subtype: 'message_changed', hidden: true });
  });

  it('drives a real Bolt HTTP app: events, commands with respond(), actions, bad signatures', async () => {
    const slack = await startSlack();
    const app = new App({
      token: TOKEN,
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    app.event('app_mention', async ({ event, client }) => {
      await client.chat.postMessage({
        channel: event.channel,
        thread_ts: event.ts,
        text: `re: ${event.text}`,
      });
    });
    app.command('/fastapi', async ({ ack, respond, command }) => {
      await ack();
      await respond({ response_type: 'ephemeral', text: `got ${command.text}` });
    });
    app.action('vote', async ({ ack, respond }) => {
      await ack();
      await respond({ text: 'thanks', replace_original: false });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as {
      address(): AddressInfo | string | null;
    };
    cleanups.push(() => app.stop());
    const address = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${address.port}`;

    const mention = appMentionEnvelope({ text: '<@UBOT> hello' });
    const sent = await sendEvent(base, SECRET, mention);
    expect(sent.status).toBe(200);
    const post = await slack.waitFor(() => slack.callsTo('chat.postMessage')[0], { what: 'the reply' });
    expect(post.args).toMatchObject({ channel: 'C0001', text: 're: <@UBOT> hello' });

    const command = await sendCommand(
      base,
      SECRET,
      slashCommandFields({ text: 'how do I use Depends?', response_url: slack.responseUrl('cmd') }),
    );
    expect(command.status).toBe(200);
    await slack.waitFor(() => slack.responses.find((r) => r.id === 'cmd'), { what: 'respond()' });
    expect(slack.responses[0]?.body).toEqual({
      response_type: 'ephemeral',
      text: 'got how do I use Depends?',
    });

    const action = blockActionsPayload({
      action_id: 'vote',
      value: 'up',
      message_ts: nextTs(),
      response_url: slack.responseUrl('act'),
    });
    expect((await sendAction(base, SECRET, action)).status).toBe(200);
    await slack.waitFor(() => slack.responses.find((r) => r.id === 'act'), { what: 'action respond()' });

    expect((await sendEvent(base, SECRET, mention, { signature: 'v0=bad' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 600;
    expect((await sendEvent(base, SECRET, mention, { timestamp: stale })).status).toBe(401);
  });
});

describe('FakeSlack Socket Mode', () => {
  it('lets a real SocketModeClient connect, receive an envelope and ack it', async () => {
    const slack = await startSlack();
    const client = new SocketModeClient({
      appToken: APP_TOKEN,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl },
    });
    const mentions: unknown[] = [];
    client.on('app_mention', async ({ ack, event }: { ack: () => Promise<void>; event: unknown }) => {
      mentions.push(event);
      await ack();
    });
    client.on('slash_commands', async ({ ack }: { ack: (r: Record<string, unknown>) => Promise<void> }) => {
      await ack({ text: 'working on it' });
    });
    await client.start();
    // Disconnect before the fake closes, or the client's auto-reconnect would fire after the test.
    cleanups.push(() => client.disconnect());
    await slack.socket.connected();
    expect(slack.callsTo('apps.connections.open')[0]?.token).toBe(APP_TOKEN);

    const ack = await slack.socket.send('events_api', appMentionEnvelope({ text: '<@UBOT> hi' }));
    expect(ack).toEqual({});
    expect(mentions).toEqual([expect.objectContaining({ type: 'app_mention', text: '<@UBOT> hi' })]);

    const commandAck = await slack.socket.send(
      'slash_commands',
      slashCommandFields({ text: 'q', response_url: slack.responseUrl('x') }),
    );
    expect(commandAck).toEqual({ text: 'working on it' });
  });

  it('drives a Bolt app in socket mode through clientOptions.slackApiUrl alone', async () => {
    const slack = await startSlack();
    const app = new App({
      token: TOKEN,
      appToken: APP_TOKEN,
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/fastapi', async ({ ack, respond }) => {
      await ack();
      await respond({ text: 'answer' });
    });
    await app.start();
    cleanups.push(() => app.stop());
    const ack = await slack.socket.send(
      'slash_commands',
      slashCommandFields({ text: 'q', response_url: slack.responseUrl('sm') }),
    );
    expect(ack).toEqual({});
    await slack.waitFor(() => slack.responses.find((r) => r.id === 'sm'), {
      what: 'respond() over socket mode',
    });
  });
});
