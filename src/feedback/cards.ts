import type { types } from '@slack/bolt';
import { feedbackValue } from './service.js';

type ContextActionsBlock = types.ContextActionsBlock;
type ModalView = types.ModalView;

/** The ids the feedback buttons and the comment modal answer to. */
export const FEEDBACK_IDS = {
  buttons: 'answer_feedback',
  modal: 'answer_feedback_comment',
  commentBlock: 'comment',
  commentInput: 'comment_input',
} as const;

/** A comment longer than this is not taken by Slack's input (and cut by the text policy anyway). */
export const MAX_COMMENT_CHARS = 2_000;

/**
 * The 👍 / 👎 under an answer (the end of its last message). Each button's value names the vote and
 * the public id of the answer's PHR, never any of its text.
 */
export function feedbackBlock(phrPublicId: string): ContextActionsBlock {
  return {
    type: 'context_actions',
    elements: [
      {
        type: 'feedback_buttons',
        action_id: FEEDBACK_IDS.buttons,
        positive_button: {
          text: { type: 'plain_text', text: 'Good answer' },
          accessibility_label: 'Mark this answer as helpful',
          value: feedbackValue('positive', phrPublicId),
        },
        negative_button: {
          text: { type: 'plain_text', text: 'Bad answer' },
          accessibility_label: 'Mark this answer as not helpful and say what was wrong',
          value: feedbackValue('negative', phrPublicId),
        },
      },
    ],
  };
}

/** The small modal a negative vote opens: what was wrong, optional. */
export function commentModal(phrPublicId: string): ModalView {
  return {
    type: 'modal',
    callback_id: FEEDBACK_IDS.modal,
    private_metadata: phrPublicId,
    title: { type: 'plain_text', text: 'What was wrong?' },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Skip' },
    blocks: [
      {
        type: 'input',
        block_id: FEEDBACK_IDS.commentBlock,
        optional: true,
        label: { type: 'plain_text', text: 'What was wrong with the answer?' },
        hint: {
          type: 'plain_text',
          text: 'Optional. Kept with the answer’s record to improve the bot; secrets are redacted.',
        },
        element: {
          type: 'plain_text_input',
          action_id: FEEDBACK_IDS.commentInput,
          multiline: true,
          max_length: MAX_COMMENT_CHARS,
          placeholder: { type: 'plain_text', text: 'Wrong, outdated, missed the point, …' },
        },
      },
    ],
  };
}
