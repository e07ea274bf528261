import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import { callSlack, slackReason } from './errors.js';

export interface Recipient {
  channelId: string;
  userId: string;
  threadTs?: string | undefined;
}

/** Tells one person something privately; a failure is logged, never thrown (it is always a side note). */
export async function postEphemeral(
  client: WebClient,
  logger: Logger,
  to: Recipient,
  text: string,
): Promise<void> {
  try {
    await callSlack('chat.postEphemeral', () =>
      client.chat.postEphemeral({
        channel: to.channelId,
        user: to.userId,
        text,
        ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
      }),
    );
  } catch (error) {
    logger.warn('ephemeral not delivered', { channel: to.channelId, slack_error: slackReason(error) });
  }
}
