// Escaping and quoting user text for Slack's mrkdwn text fields (not the markdown block).

import { neutraliseMentions } from './mentions.js';

/** Escape &, <, > for Slack's mrkdwn `text` fields (so user text cannot form links or mentions). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function quoteLines(text: string): string {
  return neutraliseMentions(text)
    .split('\n')
    .map((l) => `> ${escapeMrkdwn(l)}`)
    .join('\n');
}

/**
 * User text quoted for a mrkdwn message: each line prefixed with "> ", escaped with escapeMrkdwn,
 * mentions neutralised, cut to maxChars with an ellipsis "…" if longer. maxChars bounds the whole
 * result, prefixes and escapes included, so it can be used against Slack's field limits directly.
 */
export function quoteForSlack(text: string, maxChars: number): string {
  const normalised = text.replace(/\r\n?/g, '\n');
  const full = quoteLines(normalised);
  if (full.length <= maxChars) return full;
  if (maxChars < 3) return '…'.slice(0, Math.max(0, maxChars));
  const chars = Array.from(normalised);
  const fits = (n: number) => quoteLines(chars.slice(0, n).join('').trimEnd()).length + 1 <= maxChars;
  // Escaping and joiners make the length grow with the prefix almost monotonically; search, then settle.
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && !fits(lo)) lo--;
  return `${quoteLines(chars.slice(0, lo).join('').trimEnd())}…`;
}
