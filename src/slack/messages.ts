import type { AdrRef } from '../records/adr-service.js';
import type { PhrRef } from '../records/prompt-history.js';
import { escapeMrkdwn, neutraliseMentions } from './format.js';

/** Fixed texts the bot says in Slack (mrkdwn), kept together so their tone stays one voice. */

export const HELP_TEXT = [
  "*I'm your team's senior FastAPI architect.* Ask me about API design, async I/O, databases,",
  'auth, testing, performance or production readiness.',
  '',
  '• `@fastapi-architect <question>` in a channel I am in: I answer in the thread, and follow-ups there',
  '  need no mention.',
  '• `/fastapi <question>`: I post your question in the channel and answer in its thread.',
  '• A direct message to me works too.',
  '• `/fastapi history`: links to the Prompt History Records of this channel.',
  '• `/fastapi adr <title>`: propose documenting a decision of the latest discussion here as an ADR.',
  '• `/fastapi adrs`: the Architecture Decision Records, with their status.',
  '• `/fastapi help`: this text.',
].join('\n');

export function notInChannelMessage(code: string): string {
  if (code === 'is_archived') return 'This channel is archived, so I cannot answer here.';
  return [
    "I can't post in this channel yet.",
    'Invite me with `/invite @fastapi-architect` (or mention me and accept the prompt), then ask again.',
  ].join(' ');
}

/** The ephemeral answer to `/fastapi history`. */
export function historyText(records: readonly PhrRef[]): string {
  if (records.length === 0) return 'No Prompt History Records in this channel yet: ask me something first.';
  const lines = records.map(
    (record) =>
      `• <${record.url}|${escapeMrkdwn(record.label)}> ${neutraliseMentions(escapeMrkdwn(record.title))} · ${record.createdAt.slice(0, 10)}`,
  );
  return [`*Recent Prompt History Records in this channel* (newest first):`, ...lines].join('\n');
}

export const NO_DISCUSSION_TEXT =
  'There is no discussion with me in this channel yet: ask me something first, then propose the ADR.';

/** The ephemeral answer to `/fastapi adrs`. */
export function adrListText(adrs: readonly AdrRef[], indexUrl: string): string {
  if (adrs.length === 0)
    return 'No ADRs yet. When an answer contains an architectural decision I offer to document it.';
  const lines = adrs.map(
    (adr) =>
      `• <${adr.url}|${escapeMrkdwn(adr.label)}> ${neutraliseMentions(escapeMrkdwn(adr.title))} · *${adr.status}* · ${adr.date}`,
  );
  return ['*Architecture Decision Records*', ...lines, `<${indexUrl}|Open the ADR log>`].join('\n');
}
