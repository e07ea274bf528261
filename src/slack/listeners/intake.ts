import type { BackgroundTasks } from '../../background.js';
import type { Worker } from '../../inbox/worker.js';
import type { Logger } from '../../log.js';
import type { AdrService } from '../../records/adr-service.js';
import type { PromptHistory } from '../../records/prompt-history.js';
import type { ConversationStore } from '../../store/conversation-store.js';
import type { InboxStore, NewQuestion } from '../../store/inbox-store.js';
import type { AdrFlow } from '../adr-flow.js';

export interface ListenerDeps {
  inbox: InboxStore;
  store: ConversationStore;
  worker: Worker;
  promptHistory: PromptHistory;
  adrService: AdrService;
  adrFlow: AdrFlow;
  tasks: BackgroundTasks;
  logger: Logger;
}

/**
 * Accepts a question durably (before Slack gets its ack) and wakes the worker. Returns whether it
 * was new; retries and twins are logged and dropped.
 */
export function acceptQuestion(deps: ListenerDeps, eventId: string | null, question: NewQuestion): boolean {
  const result = deps.inbox.accept(eventId, question);
  const ids = {
    event_id: eventId,
    team: question.teamId,
    channel: question.channelId,
    ts: question.messageKey,
  };
  if (!result.accepted) {
    deps.logger.info('event ignored', {
      ...ids,
      reason: result.reason === 'retry' ? 'duplicate_delivery' : 'twin',
    });
    return false;
  }
  deps.logger.info('question accepted', { ...ids, question_id: result.id, source: question.source });
  deps.worker.notify();
  return true;
}

const USER_MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

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
