import type { App } from '@slack/bolt';
import { HELP_TEXT, historyText } from '../messages.js';
import { acceptQuestion, type ListenerDeps } from './intake.js';

export const COMMAND = '/fastapi';

/** `/fastapi question`: acked at once; the worker posts a root message and answers in its thread. */
export function registerCommand(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, async ({ command, ack }) => {
    const text = command.text.trim();
    const word = text.toLowerCase();
    if (word === '' || word === 'help') {
      await ack({ response_type: 'ephemeral', text: HELP_TEXT });
      return;
    }
    if (word === 'history') {
      await ack({
        response_type: 'ephemeral',
        text: historyText(deps.promptHistory.recent(command.channel_id, 10)),
      });
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
