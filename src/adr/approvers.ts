import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import { callSlack, slackReason } from '../slack/errors.js';

export type ApproverCheck = (userId: string) => Promise<boolean>;

const GROUP_CACHE_MS = 5 * 60 * 1000;

/**
 * Who may accept or reject ADRs: anyone when no approvers are configured; otherwise the listed users
 * and the members of the listed user groups (read with usergroups.users.list, cached for minutes).
 * When a group cannot be read the answer is "no": approval fails closed.
 */
export function createApproverCheck(
  client: WebClient,
  approvers: readonly string[],
  logger: Logger,
  now: () => number = Date.now,
): ApproverCheck {
  const users = new Set(approvers.filter((id) => !id.startsWith('S')));
  const groups = approvers.filter((id) => id.startsWith('S'));
  const cache = new Map<string, { members: Set<string>; at: number }>();

  const members = async (group: string): Promise<Set<string>> => {
    const cached = cache.get(group);
    if (cached && now() - cached.at < GROUP_CACHE_MS) return cached.members;
    try {
      const result = await callSlack('usergroups.users.list', () =>
        client.usergroups.users.list({ usergroup: group }),
      );
      const fresh = new Set(result.users ?? []);
      cache.set(group, { members: fresh, at: now() });
      return fresh;
    } catch (error) {
      logger.warn('could not read an approver group', {
        usergroup: group,
        slack_error: slackReason(error),
      });
      return cached?.members ?? new Set();
    }
  };

  return async (userId) => {
    if (approvers.length === 0 || users.has(userId)) return true;
    for (const group of groups) if ((await members(group)).has(userId)) return true;
    return false;
  };
}
