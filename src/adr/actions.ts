import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerDeps } from '../slack/listeners/intake.js';
import { ADR_ACTIONS } from './cards.js';
import type { Click } from './flow.js';

function clickOf(body: BlockAction, action: ButtonAction): Click {
  return {
    id: action.value ?? '',
    userId: body.user.id,
    channelId: body.channel?.id ?? body.container?.channel_id ?? '',
    threadTs: body.container?.thread_ts ?? body.message?.thread_ts,
  };
}

/**
 * The ADR buttons. Each acks first and does the rest in the background: the ack must reach Slack
 * within 3 seconds, and drafting takes longer. Which click wins is decided in the database, not here.
 */
export function registerAdrActions(app: App, deps: ListenerDeps): void {
  const on = (actionId: string, name: string, effect: (click: Click) => Promise<void>) => {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      const click = clickOf(body, action);
      // A click on the App Home tab: the same effect, then that person's Home shows the new state.
      const fromHome = body.view?.type === 'home';
      deps.logger.info('button clicked', {
        action: actionId,
        user: click.userId,
        channel: click.channelId,
        ...(fromHome ? { surface: 'home' } : {}),
      });
      deps.tasks.run(name, async () => {
        await effect(click);
        if (fromHome) await deps.home?.publish(click.userId);
      });
    });
  };
  on(ADR_ACTIONS.document, 'document ADR', (click) => deps.adrFlow.document(click));
  on(ADR_ACTIONS.dismiss, 'dismiss ADR suggestion', (click) => deps.adrFlow.dismiss(click));
  on(ADR_ACTIONS.accept, 'accept ADR', (click) => deps.adrFlow.decide(click, 'Accepted'));
  on(ADR_ACTIONS.reject, 'reject ADR', (click) => deps.adrFlow.decide(click, 'Rejected'));
}
