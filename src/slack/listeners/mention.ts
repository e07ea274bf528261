import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { acceptFromEvent, type ListenerDeps, questionTextOf } from './intake.js';

/** `@bot question` in a channel: answered in the mention's thread (or the thread it was written in). */
export function mentionListener(
  deps: ListenerDeps,
): (args: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs) => Promise<void> {
  return async ({ event, body, context }) => {
    // A mention without its ids or text cannot be answered; Bolt does not check them.
    if (!event.user || event.bot_id || !event.channel || !event.ts || typeof event.text !== 'string') return;
    const botUserId = context.botUserId ?? '';
    await acceptFromEvent(deps, body.event_id, {
      source: 'mention',
      teamId: body.team_id ?? context.teamId ?? '',
      channelId: event.channel,
      messageKey: event.ts,
      threadTs: event.thread_ts ?? event.ts,
      userId: event.user,
      userTeamId: event.user_team ?? event.user_profile?.team ?? event.team ?? null,
      text: questionTextOf(event as { text: string; files?: unknown }, botUserId),
    });
  };
}
