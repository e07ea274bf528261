import type { App, BlockAction, FeedbackButtonsAction, ViewSubmitAction } from '@slack/bolt';
import type { BackgroundTasks } from '../background.js';
import type { Logger } from '../log.js';
import { callSlack, slackReason } from '../slack/errors.js';
import { commentModal, FEEDBACK_IDS } from './cards.js';
import { type FeedbackService, isPublicId, parseFeedbackValue } from './service.js';

export interface FeedbackListenerDeps {
  feedback: FeedbackService;
  tasks: BackgroundTasks;
  logger: Logger;
}

/**
 * The 👍 / 👎 under each answer and the comment modal a 👎 opens. Each acks first: the vote is one
 * database upsert (a later click by the same person replaces it), the modal opens in the background.
 */
export function registerFeedbackActions(app: App, deps: FeedbackListenerDeps): void {
  const { feedback, logger } = deps;
  app.action<BlockAction<FeedbackButtonsAction>>(
    FEEDBACK_IDS.buttons,
    async ({ ack, body, action, client }) => {
      await ack();
      const parsed = parseFeedbackValue(action.value ?? '');
      if (!parsed) {
        logger.info('event ignored', { action: FEEDBACK_IDS.buttons, reason: 'unknown_feedback_value' });
        return;
      }
      const teamId = body.team?.id ?? body.user.team_id ?? null;
      await feedback.vote({ ...parsed, userId: body.user.id, teamId });
      if (parsed.vote !== 'negative' || !body.trigger_id) return;
      deps.tasks.run('open feedback modal', async () => {
        try {
          await callSlack('views.open', () =>
            client.views.open({ trigger_id: body.trigger_id, view: commentModal(parsed.phrPublicId) }),
          );
        } catch (error) {
          // The vote is stored; only the chance to say why is lost (e.g. the trigger expired).
          logger.warn('feedback modal not opened', {
            phr: parsed.phrPublicId,
            slack_error: slackReason(error),
          });
        }
      });
    },
  );

  app.view<ViewSubmitAction>(FEEDBACK_IDS.modal, async ({ ack, body, view }) => {
    await ack();
    const phrPublicId = view.private_metadata;
    if (!isPublicId(phrPublicId)) {
      logger.info('event ignored', { view: FEEDBACK_IDS.modal, reason: 'unknown_feedback_answer' });
      return;
    }
    const text = view.state.values[FEEDBACK_IDS.commentBlock]?.[FEEDBACK_IDS.commentInput]?.value ?? '';
    if (!text.trim()) return;
    await feedback.comment({
      phrPublicId,
      userId: body.user.id,
      teamId: body.team?.id ?? body.user.team_id ?? null,
      text,
    });
  });
}
