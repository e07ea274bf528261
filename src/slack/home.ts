import type { types } from '@slack/bolt';
import { type AdrCard, proposedBlocks } from '../adr/cards.js';
import { neutraliseMentions } from './markdown/mentions.js';
import { escapeMrkdwn } from './markdown/mrkdwn.js';

type KnownBlock = types.KnownBlock;

/** One of the viewer's own questions, by its PHR. */
export interface HomeQuestion {
  label: string;
  title: string;
  url: string;
  channelId: string;
  createdAt: string;
}

/** A Proposed ADR the viewer may decide, in a channel they are in. */
export interface HomeAdr extends AdrCard {
  channelId: string;
  date: string;
}

export interface HomeDocs {
  status: 'ready' | 'syncing' | 'unavailable';
  release?: string;
  pages?: number;
  syncedAt?: Date;
}

export interface HomeData {
  questions: HomeQuestion[];
  /** null when the viewer may not decide ADRs: the section is left out. */
  adrs: HomeAdr[] | null;
  docs: HomeDocs;
}

export interface HomeView {
  type: 'home';
  blocks: KnownBlock[];
}

/** Slack allows 100 blocks in a Home view; these caps keep the view well inside it (3 + 10 + 3·20 + 8). */
export const HOME_LIMITS = { questions: 10, adrs: 20, blocks: 100 } as const;

/** Model- or user-written text: inert (no links, no mentions), one line, cut to `max`. */
function inert(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return neutraliseMentions(escapeMrkdwn(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat));
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text } });
const divider: KnownBlock = { type: 'divider' };

/** Where something was asked: a channel mention, or "direct message" (a DM id renders as nothing useful). */
const place = (channelId: string) => (channelId.startsWith('D') ? 'direct message' : `<#${channelId}>`);

function questionBlocks(questions: readonly HomeQuestion[]): KnownBlock[] {
  if (questions.length === 0) {
    return [
      context('You have not asked me anything yet. Mention me in a channel, DM me, or use `/fastapi`.'),
    ];
  }
  return questions
    .slice(0, HOME_LIMITS.questions)
    .map((q) =>
      section(
        `*<${q.url}|${escapeMrkdwn(q.label)}>* ${inert(q.title, 200)}\n${place(q.channelId)} · ${q.createdAt.slice(0, 10)}`,
      ),
    );
}

function adrBlocks(adrs: readonly HomeAdr[]): KnownBlock[] {
  if (adrs.length === 0) return [context('Nothing is waiting for your decision.')];
  const shown = adrs.slice(0, HOME_LIMITS.adrs);
  const blocks = shown.flatMap((adr) => [
    ...proposedBlocks(adr),
    context(`In ${place(adr.channelId)} · proposed ${adr.date}`),
  ]);
  const more = adrs.length - shown.length;
  return more > 0 ? [...blocks, context(`…and ${more} more, in their threads.`)] : blocks;
}

function docsLine(docs: HomeDocs): string {
  if (docs.release) {
    const synced = docs.syncedAt ? `, indexed ${docs.syncedAt.toISOString().slice(0, 10)}` : '';
    const pages = docs.pages !== undefined ? ` (${docs.pages} pages${synced})` : '';
    const refreshing = docs.status === 'syncing' ? ' · a newer index is being built' : '';
    return `:books: Answers are grounded in the FastAPI docs *${escapeMrkdwn(docs.release)}*${pages}${refreshing}.`;
  }
  return docs.status === 'syncing'
    ? ':books: The FastAPI docs are being indexed; answers go without them until then.'
    : ':books: No FastAPI docs index is available; answers go without the docs.';
}

/** The App Home tab for one person: pure Block Kit data, no Slack calls. */
export function homeView(data: HomeData): HomeView {
  const blocks: KnownBlock[] = [
    header('FastAPI Architect'),
    context('Only you see this page: your own questions, and the decisions that are yours to make.'),
    divider,
    header('Your recent questions'),
    ...questionBlocks(data.questions),
    ...(data.adrs ? [divider, header('ADRs waiting for your decision'), ...adrBlocks(data.adrs)] : []),
    divider,
    section(docsLine(data.docs)),
  ];
  return { type: 'home', blocks: blocks.slice(0, HOME_LIMITS.blocks) };
}
