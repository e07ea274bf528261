import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { callSlack, slackReason } from './errors.js';

const REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;

export type UserNames = (userId: string) => Promise<string>;

/**
 * Display names for prompts and records, cached in the database for a day so a busy thread does not cost
 * a users.info call per message. Falls back to the id when Slack cannot tell.
 */
export function createUserNames(
  client: WebClient,
  store: ConversationStore,
  logger: Logger,
  now: () => Date = () => new Date(),
): UserNames {
  return async (userId) => {
    const cached = await store.userName(userId);
    if (cached && now().getTime() - cached.fetchedAt.getTime() < REFRESH_AFTER_MS) return cached.name;
    try {
      const { user } = await callSlack('users.info', () => client.users.info({ user: userId }));
      const name = user?.profile?.display_name || user?.real_name || user?.name || userId;
      await store.saveUserName(userId, name);
      return name;
    } catch (error) {
      logger.debug('users.info failed', { user: userId, slack_error: slackReason(error), error });
      return cached?.name ?? userId;
    }
  };
}
