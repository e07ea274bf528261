import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { type RunningBot, startBot } from '../../src/bot/start.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { FakeAnthropic } from './fake-anthropic.js';
import { FakeSlack } from './fake-slack.js';
import { sendAction, sendCommand, sendEvent } from './slack-requests.js';
import { tempDir } from './temp.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-bot-token';
export const ANTHROPIC_KEY = 'sk-ant-test-key-0123456789';

export interface Harness {
  slack: FakeSlack;
  anthropic: FakeAnthropic;
  bot: RunningBot;
  /** Base URL of the bot's HTTP server (Slack endpoint, health, pages). */
  url: string;
  /** Every log line the bot wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Resolves with the first log line (already written or still to come) whose `msg` is `msg`. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  env: Record<string, string>;
  event(
    envelope: Record<string, unknown>,
    opts?: Parameters<typeof sendEvent>[3],
  ): ReturnType<typeof sendEvent>;
  command(fields: Record<string, string>): ReturnType<typeof sendCommand>;
  action(payload: Record<string, unknown>): ReturnType<typeof sendAction>;
  /** Stops the bot (not the fakes) and starts a new one on the same database and fakes. */
  restart(extraEnv?: Record<string, string>, now?: () => Date): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Socket Mode instead of signed HTTP. */
  socket?: boolean;
  /** Start the bot later (e.g. after seeding the database). */
  slack?: FakeSlack;
  anthropic?: FakeAnthropic;
  /** The bot's clock (timestamps in the database and records). */
  now?: () => Date;
}

/** Starts the loopback Slack and Anthropic servers and the real bot wired to them, torn down after the test. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const slack = options.slack ?? (await FakeSlack.start({ token: BOT_TOKEN }));
  const anthropic = options.anthropic ?? (await FakeAnthropic.start());
  const dir = tempDir();
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    PORT: '0',
    DATABASE_PATH: join(dir, 'db', 'bot.db'),
    DATA_DIR: join(dir, 'data'),
    // No docs unless a test brings an archive: the sync finds nothing there and never reaches the network.
    FASTAPI_DOCS_SOURCE: join(dir, 'no-fastapi-docs.tar.gz'),
    DOCS_INDEX_PATH: join(dir, 'fastapi-docs.sqlite'),
    LOG_LEVEL: 'debug',
    CLAUDE_MAX_RETRIES: '0',
    ...(options.socket ? { SLACK_APP_TOKEN: 'xapp-test-app-token' } : {}),
    ...options.env,
  };
  const logs: Record<string, unknown>[] = [];
  const logged = new EventEmitter();

  const boot = async (extra: Record<string, string> = {}, now = options.now) => {
    const config = loadConfig({ ...env, ...extra });
    return startBot(config, {
      logger: createLogger({
        level: 'debug',
        write: (line) => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          logged.emit('line', entry);
        },
      }),
      host: '127.0.0.1',
      slackRetryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 },
      streamIntervalMs: 0,
      slackTimeoutMs: 1_000,
      processMetrics: false,
      ...(now ? { now } : {}),
    });
  };

  const harness: Harness = {
    slack,
    anthropic,
    bot: await boot(),
    url: '',
    logs,
    waitForLog: (msg, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const found = logs.find((line) => line.msg === msg);
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          logged.off('line', listener);
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for the log line "${msg}"`));
        }, timeoutMs);
        const listener = (line: Record<string, unknown>) => {
          if (line.msg !== msg) return;
          clearTimeout(timer);
          logged.off('line', listener);
          resolve(line);
        };
        logged.on('line', listener);
      }),
    env,
    event: (envelope, opts) => sendEvent(harness.url, SIGNING_SECRET, envelope, opts),
    command: (fields) => sendCommand(harness.url, SIGNING_SECRET, fields),
    action: (payload) => sendAction(harness.url, SIGNING_SECRET, payload),
    async restart(extraEnv, now) {
      await harness.bot.stop(1_000);
      harness.bot = await boot(extraEnv, now);
      harness.url = `http://127.0.0.1:${harness.bot.port}`;
    },
  };
  harness.url = `http://127.0.0.1:${harness.bot.port}`;
  onTestFinished(async () => {
    await harness.bot.stop(1_000);
    await anthropic.close();
    await slack.close();
  });
  return harness;
}
