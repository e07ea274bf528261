import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { prepareText } from '../../security/text-policy.js';
import {
  acceptFromEvent,
  addressedToOthers,
  type ListenerDeps,
  mentionsUser,
  questionTextOf,
} from './intake.js';

/** Subtypes that are still a person writing; every other subtype (edits, deletes, joins, bots) is ignored. */
const PERSON_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

interface PersonMessage {
  user: string;
  text: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
  files?: unknown;
  /** The writer's own workspace (Slack Connect); `team` is the same for messages. */
  user_team?: string;
  team?: string;
}

/**
 * DMs and group DMs, follow-ups in the bot's threads, and the `message` twin of an @mention. Resolves
 * to whether a question was accepted.
 */
export function messageListener(
  deps: ListenerDeps,
): (args: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs) => Promise<boolean> {
  return async ({ event, body, context }) => {
    const raw = event as unknown as Partial<PersonMessage> & { subtype?: string; bot_id?: string };
    if (!PERSON_SUBTYPES.has(raw.subtype) || raw.bot_id || !raw.user || !raw.ts || !raw.channel) return false;
    const message = { ...raw, text: raw.text ?? '' } as PersonMessage;
    const botUserId = context.botUserId ?? '';
    const base = {
      teamId: body.team_id ?? context.teamId ?? '',
      channelId: message.channel,
      messageKey: message.ts,
      threadTs: message.thread_ts ?? message.ts,
      userId: message.user,
      userTeamId: message.user_team ?? message.team ?? null,
      text: questionTextOf(message, botUserId),
    };

    // Group DMs are answered like DMs: every message there is for the bot.
    if (message.channel_type === 'im' || message.channel_type === 'mpim') {
      return acceptFromEvent(deps, body.event_id, { ...base, source: 'dm' });
    }
    // The app_mention twin of this message may arrive first or second; both map to one question.
    if (mentionsUser(message.text, botUserId)) {
      return acceptFromEvent(deps, body.event_id, { ...base, source: 'mention' });
    }
    if (!message.thread_ts) return false;
    const thread = { channelId: message.channel, threadTs: message.thread_ts };
    if (!(await deps.store.hasThread(thread))) return false;
    if (addressedToOthers(message.text, botUserId)) {
      // Not for the bot, but part of the thread it may be asked about later.
      await deps.store.addTurn({
        ...thread,
        role: 'user',
        userId: message.user,
        userName: null,
        text: prepareText(questionTextOf(message, botUserId), deps.textPolicy).text,
        messageTs: message.ts,
      });
      deps.logger.info('event ignored', {
        event_id: body.event_id,
        channel: message.channel,
        reason: 'addressed_to_others',
      });
      deps.events?.ignored('addressed_to_others');
      return false;
    }
    return acceptFromEvent(deps, body.event_id, { ...base, source: 'thread' });
  };
}
