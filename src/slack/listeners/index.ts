import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { registerAdrActions } from '../../adr/actions.js';
import { ADR_ACTIONS } from '../../adr/cards.js';
import { registerFeedbackActions } from '../../feedback/actions.js';
import { FEEDBACK_IDS } from '../../feedback/cards.js';
import { assistantPanel } from './assistant.js';
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
  if (deps.feedback) registerFeedbackActions(app, { ...deps, feedback: deps.feedback });
  ignoreUnknownActions(app, deps, [...Object.values(ADR_ACTIONS), FEEDBACK_IDS.buttons]);
}

/** Buttons of older cards or other apps: acknowledged at once, so Slack neither waits nor retries. */
function ignoreUnknownActions(app: App, deps: ListenerDeps, handled: readonly string[]): void {
  const known = new Set(handled);
  app.action({ type: 'block_actions' }, async ({ ack, action }) => {
    const id = (action as { action_id?: string }).action_id ?? '';
    if (known.has(id)) return;
    await ack();
    deps.logger.info('event ignored', { action: id.slice(0, 60), reason: 'unknown_action' });
  });
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
  // First, so a message in a panel's thread is taken there (once) and stops before the middleware below.
  // Only events reach it: Bolt's Assistant reads `payload.type` of any request and would throw on a
  // button click without actions (the same middleware `app.assistant` installs, kept off the rest).
  const assistant = assistantPanel(deps, onMessage).getMiddleware();
  app.use(async (args) => ('event' in args ? assistant(args) : args.next()));
  app.use(async (args) => {
    const type = 'event' in args ? (args.event as { type?: unknown }).type : undefined;
    if (type === 'app_mention')
      return onMention(args as SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs);
    if (type === 'message') {
      await onMessage(args as SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs);
      return;
    }
    await args.next();
  });
}
