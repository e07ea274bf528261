import { escapeMrkdwn } from './markdown/mrkdwn.js';

// What the thread writer says and decides about Slack messages, apart from the writing itself.

/** Slack errors that mean nothing can be posted in this thread at all. */
export const UNPOSTABLE = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'thread_not_found',
  'restricted_action',
  'invalid_auth',
  'token_revoked',
  'account_inactive',
]);

/** Rotated in the thread's status while the first token is awaited. */
export const THINKING_MESSAGES = [
  'Reading the thread…',
  'Thinking about the architecture…',
  'Checking FastAPI details…',
  'Writing an answer…',
];

/** The best place to cut `text` at or before `max`: a paragraph, then a line, then a space. */
export function chooseCut(text: string, max: number): number {
  if (max <= 0) return 0;
  const window = text.slice(0, max);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(separator);
    if (at > max / 2) return at + separator.length;
  }
  return max;
}

/** Notifications and old clients show `text`; keep it short and inert. */
export function fallbackText(markdown: string): string {
  const flat = markdown.replace(/\s+/g, ' ').trim();
  return escapeMrkdwn(flat.length > 300 ? `${flat.slice(0, 299)}…` : flat);
}
