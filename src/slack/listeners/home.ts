import type { App } from '@slack/bolt';
import type { ListenerDeps } from './intake.js';

/**
 * `app_home_opened` on the Home tab: the view is built and published in the background, so the event
 * is acked at once. The Messages tab (DMs with the bot) needs nothing from here.
 */
export function registerHome(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    const { home } = deps;
    if (event.tab !== 'home' || !home) {
      deps.logger.debug('event ignored', { event: 'app_home_opened', tab: event.tab, reason: 'not_home' });
      return;
    }
    deps.tasks.run('publish home', () => home.publish(event.user));
  });
}
