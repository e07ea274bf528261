import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { registerAdrActions } from '../../adr/actions.js';
import { registerCommand } from './command.js';
import { registerHome } from './home.js';
import type { ListenerDeps } from './intake.js';
import { mentionListener } from './mention.js';
import { messageListener } from './message.js';

export type { ListenerDeps } from './intake.js';

/** Every Slack surface the bot listens on, registered in one place. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  registerEvents(app, deps);
  registerCommand(app, deps);
  registerAdrActions(app, deps);
  registerHome(app, deps);
}

/**
 * `app_mention` and `message` events (every question but /fastapi), handled by one global middleware
 * that stops there instead of by `app.event` listeners: Bolt runs every listener's middleware chain
 * for every request, copying its arguments at each step, and that was a fair share of each ack's time.
 * Bolt's own `ignoreSelf` still runs first; any other request goes on to the listeners below.
 */
function registerEvents(app: App, deps: ListenerDeps): void {
  const onMention = mentionListener(deps);
  const onMessage = messageListener(deps);
  app.use(async (args) => {
    const type = 'event' in args ? (args.event as { type?: unknown }).type : undefined;
    if (type === 'app_mention')
      return onMention(args as SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs);
    if (type === 'message') return onMessage(args as SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs);
    await args.next();
  });
}
