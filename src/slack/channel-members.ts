import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import { callSlack, slackReason } from './errors.js';

/** Is this person a member of this channel right now? */
export type MemberCheck = (channelId: string, userId: string) => Promise<boolean>;

const PAGE_SIZE = 1_000;
/** 20 pages of 1,000: a channel larger than this is treated as "not a member" (fails closed). */
const MAX_PAGES = 20;

/**
 * Channel membership read with conversations.members (scopes channels:read, groups:read), asked
 * afresh for each check so someone who left a channel stops seeing its records at once. Direct
 * messages (D…) are never read this way (that would need im:read): the check says no, and callers
 * that know a DM's one human (an ADR's proposer there) decide for themselves. Any Slack failure,
 * or a channel too large to read whole, is "no": privacy fails closed.
 */
export function createMemberCheck(client: WebClient, logger: Logger): MemberCheck {
  return async (channelId, userId) => {
    if (channelId.startsWith('D')) return false;
    try {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await callSlack('conversations.members', () =>
          client.conversations.members({
            channel: channelId,
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : {}),
          }),
        );
        if (result.members?.includes(userId)) return true;
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!cursor) return false;
      }
      logger.warn('channel too large to check membership', { channel: channelId });
      return false;
    } catch (error) {
      logger.warn('channel membership not read', { channel: channelId, slack_error: slackReason(error) });
      return false;
    }
  };
}
