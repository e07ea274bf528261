import { createServer } from 'node:net';
import { LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  callSlack,
  SlackCallError,
  SlackConnectionError,
  SlackHttpError,
  SlackPlatformError,
  SlackRateLimitedError,
  SlackTimeoutError,
} from '../../../src/slack/errors.js';
import { FakeSlack } from '../../helpers/fake-slack.js';

const TOKEN = 'xoxb-test-token';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startSlack(): Promise<FakeSlack> {
  const slack = await FakeSlack.start({ token: TOKEN });
  cleanups.push(() => slack.close());
  return slack;
}

function webClient(apiUrl: string, extra: WebClientOptions = {}): WebClient {
  return new WebClient(TOKEN, {
    slackApiUrl: apiUrl,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 0 },
    timeout: 1_000,
    ...extra,
  });
}

/** What callSlack rejected with (the test fails if it resolved). */
async function failure(call: () => Promise<unknown>, method = 'chat.postMessage'): Promise<SlackCallError> {
  const error = await callSlack(method, call).then(
    () => expect.fail('the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlackCallError);
  return error as SlackCallError;
}

const post = (client: WebClient) => () => client.chat.postMessage({ channel: 'C0001', text: 'x' });

describe('callSlack turns what @slack/web-api throws into a SlackCallError', () => {
  it('passes a result through', async () => {
    const slack = await startSlack();
    const result = await callSlack('auth.test', () => webClient(slack.apiUrl).auth.test());
    expect(result.ok).toBe(true);
  });

  it('ok:false: platform, with Slack’s code, the method and the library error as cause', async () => {
    const slack = await startSlack();
    slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    const error = await failure(post(webClient(slack.apiUrl)));
    expect(error).toBeInstanceOf(SlackPlatformError);
    expect(error).toMatchObject({ kind: 'platform', method: 'chat.postMessage', code: 'not_in_channel' });
    expect(error.reason).toBe('not_in_channel');
    expect((error.cause as Error).name).toBe('WebAPIPlatformError');
  });

  it('a 429 that outlasts the retries: rate_limited, code ratelimited, with the Retry-After', async () => {
    const slack = await startSlack();
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 0 });
    const error = await failure(post(webClient(slack.apiUrl)));
    expect(error).toBeInstanceOf(SlackRateLimitedError);
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'ratelimited', retryAfter: 0 });
  });

  it('a 429 with rejectRateLimitedCalls (WebAPIRateLimitedError): rate_limited', async () => {
    const slack = await startSlack();
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const error = await failure(post(webClient(slack.apiUrl, { rejectRateLimitedCalls: true })));
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'ratelimited', retryAfter: 7 });
    expect((error.cause as Error).name).toBe('WebAPIRateLimitedError');
  });

  it('a 429 without a readable Retry-After: rate_limited', async () => {
    const slack = await startSlack();
    slack.failNext('chat.postMessage', { status: 429 });
    const error = await failure(post(webClient(slack.apiUrl)));
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'ratelimited', retryAfter: undefined });
  });

  it('another HTTP status: http, with the status and the code the body named', async () => {
    const slack = await startSlack();
    slack.failNext('chat.postMessage', { status: 503 });
    const error = await failure(post(webClient(slack.apiUrl)));
    expect(error).toBeInstanceOf(SlackHttpError);
    expect(error).toMatchObject({ kind: 'http', status: 503, code: 'http_503' });

    slack.failNext('chat.postMessage', { status: 502, body: '<html>bad gateway</html>' });
    const html = await failure(post(webClient(slack.apiUrl)));
    expect(html).toMatchObject({ kind: 'http', status: 502, code: undefined });
    expect(html.reason).toBe('http');
  });

  it('no answer within the client timeout: timeout', async () => {
    const slack = await startSlack();
    slack.failNext('chat.postMessage', { hang: true });
    const error = await failure(post(webClient(slack.apiUrl, { timeout: 100 })));
    expect(error).toBeInstanceOf(SlackTimeoutError);
    expect(error).toMatchObject({ kind: 'timeout', code: undefined });
    expect(error.reason).toBe('timeout');
  });

  it('nothing listening: connection', async () => {
    // A port that was free a moment ago: the connection is refused.
    const server = createServer();
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    await new Promise((resolve) => server.close(resolve));
    const error = await failure(post(webClient(`http://127.0.0.1:${port}/api/`)));
    expect(error).toBeInstanceOf(SlackConnectionError);
    expect(error).toMatchObject({ kind: 'connection', code: undefined, method: 'chat.postMessage' });
  });

  it('rethrows an error that did not come from the Slack client as it is', async () => {
    const bug = new TypeError('not a Slack error');
    await expect(callSlack('chat.postMessage', () => Promise.reject(bug))).rejects.toBe(bug);
  });
});
