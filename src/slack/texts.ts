import type { AdrRef } from '../adr/service.js';
import type { DocsStatus } from '../docs/library.js';
import type { IndexMeta } from '../docs/search.js';
import type { PhrRef } from '../phr/service.js';
import type { UsageRow } from '../phr/store.js';
import { neutraliseMentions } from './markdown/mentions.js';
import { escapeMrkdwn } from './markdown/mrkdwn.js';

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
  '• `/fastapi usage`: Claude tokens and estimated cost for this workspace.',
  '• `/fastapi docs`: which FastAPI release my answers are grounded in.',
  '• `/fastapi help`: this text.',
].join('\n');

/** The answer to a bare mention or a message with only files: what to ask, and that files are not read. */
export const WORDLESS_TEXT = [
  'Ask me a FastAPI question in words, for example `@fastapi-architect how should I structure a large app?`',
  'I read text only: files and images are not read, so paste code, errors or config into the message.',
  '`/fastapi help` lists everything I do.',
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

/** The ephemeral answer to `/fastapi usage`: today and the last 7 days, per channel. */
export function usageText(
  today: readonly UsageRow[],
  week: readonly UsageRow[],
  feedback?: { positive: number; negative: number },
): string {
  const total = (rows: readonly UsageRow[]) =>
    rows.reduce(
      (sum, row) => ({
        answers: sum.answers + row.answers,
        input: sum.input + row.inputTokens,
        output: sum.output + row.outputTokens,
        cacheRead: sum.cacheRead + row.cacheReadTokens,
        cost: sum.cost + row.costUsd,
      }),
      { answers: 0, input: 0, output: 0, cacheRead: 0, cost: 0 },
    );
  const line = (label: string, rows: readonly UsageRow[]) => {
    const t = total(rows);
    return `${label}: ${t.answers} answers · ${compact(t.input)} tokens in · ${compact(t.output)} out · ${compact(t.cacheRead)} read from cache · ${usd(t.cost)}`;
  };
  return [
    '*Claude usage in this workspace*',
    line('Today (UTC)', today),
    line('Last 7 days', week),
    ...(week.length ? ['*By channel, last 7 days*'] : []),
    ...week.map((row) => `• <#${row.channelId}>: ${row.answers} answers · ${usd(row.costUsd)}`),
    ...(feedback ? [`Feedback, last 7 days: 👍 ${feedback.positive} · 👎 ${feedback.negative}`] : []),
    '_Costs are estimates from the bot’s price table (MODEL_PRICES_JSON overrides it)._',
  ].join('\n');
}

function compact(n: number): string {
  return n >= 1_000_000
    ? `${(n / 1_000_000).toFixed(1)}M`
    : n >= 1_000
      ? `${(n / 1_000).toFixed(1)}k`
      : String(n);
}

function usd(n: number): string {
  return `$${n.toFixed(n < 1 ? 4 : 2)}`;
}

/** The ephemeral answer to `/fastapi docs`: the indexed release, its size and age. */
export function docsText(status: DocsStatus, meta: IndexMeta | null): string {
  if (!meta) {
    return status === 'syncing'
      ? 'I am indexing the FastAPI docs right now; until then I answer from what I know, without links.'
      : 'I have no FastAPI docs index, so I answer without citing the docs. Whoever runs me can build it with `npm run docs -- sync`.';
  }
  const synced = meta.syncedAt.toISOString().replace('T', ' ').slice(0, 16);
  return [
    `*FastAPI docs:* release ${escapeMrkdwn(meta.release)}, ${meta.pages} pages in ${meta.chunks} sections, synced ${synced} UTC.`,
    ...(status === 'syncing' ? ['A newer sync is running.'] : []),
  ].join('\n');
}

/** The first message in a new thread of the assistant panel. */
export const ASSISTANT_GREETING =
  "Hi! I'm a senior FastAPI backend architect. Ask me about API design, Pydantic, async I/O, databases, auth, testing or getting to production, and I'll answer here.";

/** Suggested prompts of a new assistant thread (title on the button, message sent when clicked). */
export const ASSISTANT_PROMPTS = [
  {
    title: 'Structure a FastAPI project',
    message: 'How should I structure a FastAPI project with several routers, settings and a database?',
  },
  {
    title: 'Async database access',
    message: 'How do I use async SQLAlchemy sessions with FastAPI dependencies without leaking connections?',
  },
  {
    title: 'Authentication',
    message: 'What is a sound way to add OAuth2 with JWT tokens to a FastAPI API?',
  },
  {
    title: 'Testing',
    message: 'How do I test FastAPI endpoints that depend on a database, with overrides and fixtures?',
  },
];

/** A thread's title from its first question: its first few words, on one line. */
export function threadTitle(question: string): string {
  const words = question
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .split(' ');
  const title = words.slice(0, 8).join(' ');
  return (words.length > 8 ? `${title}…` : title).slice(0, 100) || 'FastAPI question';
}
