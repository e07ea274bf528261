import type { AdrFlow } from '../../adr/flow.js';
import type { AdrService } from '../../adr/service.js';
import type { BackgroundTasks } from '../../background.js';
import type { DocsLibrary } from '../../docs/library.js';
import type { FeedbackService } from '../../feedback/service.js';
import { type Admission, refusalText } from '../../inbox/admission.js';
import type { AcceptResult, InboxStore, NewQuestion } from '../../inbox/store.js';
import type { Worker } from '../../inbox/worker.js';
import type { Logger } from '../../log.js';
import type { PhrService } from '../../phr/service.js';
import { prepareText, type TextPolicy, withAttachmentNote } from '../../security/text-policy.js';
import type { ConversationStore } from '../../store/conversation-store.js';
import type { AppHome } from '../app-home.js';

export interface ListenerDeps {
  inbox: InboxStore;
  store: ConversationStore;
  worker: Worker;
  phrService: PhrService;
  adrService: AdrService;
  adrFlow: AdrFlow;
  /** Votes and comments on answers (the 👍 / 👎 under each one). */
  feedback?: FeedbackService;
  tasks: BackgroundTasks;
  admission: Admission;
  limits: { user: number; channel: number };
  textPolicy: TextPolicy;
  /** The docs index, for `/fastapi docs`. */
  docs: Pick<DocsLibrary, 'status' | 'current'>;
  /** The App Home tab (published on app_home_opened and after a decision made from it). */
  home?: AppHome;
  /** The text of `/fastapi usage` for a workspace. */
  usageReport: (teamId: string) => Promise<string>;
  /** Tells one person something privately (an ephemeral message), in the background. */
  tellPrivately: (where: { channelId: string; userId: string; threadTs?: string }, text: string) => void;
  /** Counts what happened to each event (for metrics). */
  events?: {
    accepted(source: NewQuestion['source']): void;
    duplicate(reason: 'retry' | 'twin'): void;
    ignored(reason: string): void;
  };
  logger: Logger;
}

export type Acceptance = { accepted: true } | { accepted: false; refusal?: string };

/** Refusals already explained, so a Slack retry or the twin of a message is not told twice. */
const explained = new Set<string>();

/**
 * Accepts a question durably (before Slack gets its ack) and wakes the worker. Retries and twins are
 * dropped; questions from outside the allow-lists or over a rate limit are refused with a reason.
 * The stored text is already redacted and cut to the length limit. Questions arriving in the same
 * event-loop turn are written in one transaction (`InboxStore.acceptSoon`); this resolves once this
 * one's is committed and rejects, so Slack gets no ack, when it failed.
 */
export async function acceptQuestion(
  deps: ListenerDeps,
  eventId: string | null,
  question: NewQuestion,
): Promise<Acceptance> {
  const ids = {
    event_id: eventId,
    team: question.teamId,
    channel: question.channelId,
    ts: question.messageKey,
  };
  const dropDuplicate = (reason: 'retry' | 'twin'): Acceptance => {
    deps.logger.info('event ignored', { ...ids, reason: reason === 'retry' ? 'duplicate_delivery' : 'twin' });
    deps.events?.duplicate(reason);
    return { accepted: false };
  };
  // A twin (or retry) of a question still waiting for its commit is not checked or counted either: it
  // joins the same transaction, which tells which of the two is the duplicate, and shares its fate.
  // Asked before and after the lookup below: its batch may commit, or be started, while the lookup runs.
  const awaiting = () => deps.inbox.awaitingCommit(eventId, question.channelId, question.messageKey);
  const queuedBefore = awaiting();
  // Duplicates first: a retry or twin of a question already taken never counts and is never refused.
  const duplicate = await deps.inbox.duplicateOf(eventId, question.channelId, question.messageKey);
  if (duplicate) return dropDuplicate(duplicate);
  const queuedTwin = queuedBefore || awaiting();
  const asker = {
    userId: question.userId,
    channelId: question.channelId,
    messageKey: question.messageKey,
    direct: question.source === 'dm',
  };
  let admitted = queuedTwin ? undefined : deps.admission.admit(asker);
  // Counts in memory come back at once: not awaiting them keeps the check, the count and the queued
  // write of this question in one step, so the next question of a burst sees all three.
  if (admitted instanceof Promise) admitted = await admitted;
  const refusal = admitted?.refusal ?? null;
  if (refusal) {
    if (eventId) await deps.inbox.markEventSeen(eventId);
    deps.logger.info('event ignored', { ...ids, user: question.userId, reason: refusal });
    deps.events?.ignored(refusal);
    const key = `${question.channelId}:${question.messageKey}`;
    if (explained.has(key)) return { accepted: false };
    explained.add(key);
    if (explained.size > 10_000) explained.clear();
    return { accepted: false, refusal: refusalText(refusal, deps.limits) };
  }
  const prepared = prepareText(question.text, deps.textPolicy);
  // Counted now, while it waits for the commit, so the next question of the same turn sees it as it
  // would have had it been written at once; taken back if it turns out a duplicate or is not stored.
  const uncount = admitted?.refusal === null ? admitted.uncount : undefined;
  let result: AcceptResult;
  try {
    result = await deps.inbox.acceptSoon(eventId, { ...question, text: prepared.text });
  } catch (error) {
    await uncount?.();
    throw error;
  }
  if (!result.accepted) {
    const dropped = dropDuplicate(result.reason);
    await uncount?.();
    return dropped;
  }
  deps.events?.accepted(question.source);
  deps.logger.info('question accepted', {
    ...ids,
    question_id: result.id,
    source: question.source,
    text_chars: question.text.length,
    ...(prepared.cutFrom ? { cut_to_chars: deps.textPolicy.maxChars } : {}),
    ...(prepared.redactions.length ? { redacted: prepared.redactions } : {}),
  });
  deps.worker.notify();
  return { accepted: true };
}

/** For events: a refusal is explained with an ephemeral message in the thread. Resolves to whether it was taken. */
export async function acceptFromEvent(
  deps: ListenerDeps,
  eventId: string,
  question: NewQuestion,
): Promise<boolean> {
  const acceptance = await acceptQuestion(deps, eventId, question);
  if (!acceptance.accepted && acceptance.refusal) {
    deps.tellPrivately(
      {
        channelId: question.channelId,
        userId: question.userId,
        ...(question.threadTs ? { threadTs: question.threadTs } : {}),
      },
      acceptance.refusal,
    );
  }
  return acceptance.accepted;
}

const USER_MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** Names of the files a Slack message carries (at most 5, each cut to 80 characters). */
export function fileNamesOf(files: unknown): string[] {
  if (!Array.isArray(files)) return [];
  return files.slice(0, 5).map((file: { name?: unknown; title?: unknown }) => {
    const name =
      typeof file?.name === 'string' ? file.name : typeof file?.title === 'string' ? file.title : 'a file';
    return name.slice(0, 80);
  });
}

/** What a person wrote, as the bot keeps it: the bot's mention removed and any attachment noted. */
export function questionTextOf(message: { text?: string; files?: unknown }, botUserId: string): string {
  return withAttachmentNote(withoutBotMention(message.text ?? '', botUserId), fileNamesOf(message.files));
}

/** The question without the leading mention of the bot. */
export function withoutBotMention(text: string, botUserId: string): string {
  return text
    .replace(USER_MENTION, (whole, id: string) => (id === botUserId ? '' : whole))
    .replace(/^[\s,:]+/, '')
    .trim();
}

export function mentionsUser(text: string, userId: string): boolean {
  for (const match of text.matchAll(USER_MENTION)) if (match[1] === userId) return true;
  return false;
}

/** A thread message that names other people and not the bot is a side conversation, not a question. */
export function addressedToOthers(text: string, botUserId: string): boolean {
  let others = false;
  for (const match of text.matchAll(USER_MENTION)) {
    if (match[1] === botUserId) return false;
    others = true;
  }
  return others;
}
