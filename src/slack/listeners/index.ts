import type { App } from '@slack/bolt';
import { registerAdrActions } from '../../adr/actions.js';
import { registerCommand } from './command.js';
import type { ListenerDeps } from './intake.js';
import { registerMention } from './mention.js';
import { registerMessage } from './message.js';

export type { ListenerDeps } from './intake.js';

/** Every Slack surface the bot listens on, registered in one place. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  registerMention(app, deps);
  registerMessage(app, deps);
  registerCommand(app, deps);
  registerAdrActions(app, deps);
}
