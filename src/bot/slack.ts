import { WebClientEvent } from '@slack/web-api';
import type { Config } from '../config/load.js';
import type { Metrics } from '../metrics.js';
import { createSlackApp, type SlackApp } from '../slack/bolt-app.js';
import { callSlack, slackReason } from '../slack/errors.js';
import { type BotOptions, StartupError } from './options.js';

export interface SlackConnection {
  slack: SlackApp;
  client: SlackApp['app']['client'];
  /** The bot's own user id from auth.test ('' if Slack left it out). */
  botUserId: string;
  teamId: string | undefined;
}

/**
 * Builds the Bolt app and checks the bot token with auth.test, so a wrong token stops the start with a
 * message rather than failing every later call.
 */
export async function connectSlack(
  config: Config,
  metrics: Metrics,
  options: BotOptions,
): Promise<SlackConnection> {
  const slack = createSlackApp({
    botToken: config.slack.botToken,
    appToken: config.slack.appToken,
    apiUrl: config.slack.apiUrl,
    logger: options.logger,
    ...(options.slackRetryConfig ? { retryConfig: options.slackRetryConfig } : {}),
    ...(options.slackTimeoutMs ? { requestTimeoutMs: options.slackTimeoutMs } : {}),
  });
  const client = slack.app.client;
  client.on(WebClientEvent.RATE_LIMITED, (_seconds: number, request: { url?: string }) =>
    metrics.slackRateLimited(request.url?.split('/').at(-1) ?? 'unknown'),
  );
  const auth = await callSlack('auth.test', () => client.auth.test()).catch((error: unknown) => {
    throw new StartupError(
      `Slack refused the bot token (${slackReason(error) ?? 'no answer'}): check SLACK_BOT_TOKEN and SLACK_API_URL`,
      { cause: error },
    );
  });
  await slack.app.init();
  return { slack, client, botUserId: auth.user_id ?? '', teamId: auth.team_id };
}
