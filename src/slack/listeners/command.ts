import type { App } from '@slack/bolt';
import { HELP_TEXT } from '../messages.js';
import { acceptQuestion, type ListenerDeps } from './intake.js';

export const COMMAND = '/fastapi';

/** `/fastapi question`: acked at once; the worker posts a root message and answers in its thread. */
export function registerCommand(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, async ({ command, ack }) => {
    const text = command.text.trim();
    if (text === '' || text.toLowerCase() === 'help') {
      await ack({ response_type: 'ephemeral', text: HELP_TEXT });
      return;
    }
    acceptQuestion(deps, null, {
      source: 'command',
      teamId: command.team_id,
      channelId: command.channel_id,
      messageKey: `cmd:${command.trigger_id}`,
      threadTs: null,
      userId: command.user_id,
      text,
      responseUrl: command.response_url,
    });
    await ack();
  });
}
