import { setTimeout as delay } from 'node:timers/promises';
import { detectAdrSuggestions } from '../adr/suggestion.js';
import type { InboxStore, Question } from '../inbox/store.js';
import type { Logger } from '../log.js';
import type { PhrService } from '../phr/service.js';
import { newPublicId } from '../records/links.js';
import { isWordless } from '../security/text-policy.js';
import type { ConversationStore, ThreadKey } from '../store/conversation-store.js';
import type { Conversation } from './conversation.js';
import { type AnsweringPort, UnpostableError } from './port.js';

/** The inbox transitions answering makes; `npm run ask` keeps them in memory. */
export type QuestionLog = Pick<InboxStore, 'setThread' | 'setPartial' | 'finish'>;

export interface AnswerQuestionDeps {
  inbox: QuestionLog;
  store: ConversationStore;
  conversation: Conversation;
  phrService: PhrService;
  /** True when the workspace has used its daily token budget. */
  budgetExhausted: (teamId: string) => Promise<boolean>;
  agentName: string;
  logger: Logger;
}

/** At most this many ADR cards for one answer: more would bury the thread. */
const MAX_ADR_OFFERS = 3;

/** Closing a delivered answer is tried this often, waiting 250 ms, 500 ms, … between tries. */
const FINISH_ATTEMPTS = 4;
const FINISH_RETRY_MS = 250;

/**
 * Answers one accepted question where it was asked: finds or opens its thread, reads a thread joined
 * late, checks the budget, streams the conversation's answer, then records it (PHR) and offers ADRs
 * for the decisions it suggests. Every outcome is written to the inbox; a shutdown (signal) leaves the
 * question open so the next start answers it again.
 */
export function createAnswerQuestion(deps: AnswerQuestionDeps) {
  return async function answerQuestion(question: Question, port: AnsweringPort, signal: AbortSignal) {
    const log = deps.logger.child({
      question_id: question.id,
      team: question.teamId,
      channel: question.channelId,
      user: question.userId,
      source: question.source,
    });
    try {
      const threadTs = question.threadTs ?? (await openThread(question, port, log));
      if (threadTs === null) return;
      const thread: ThreadKey = { channelId: question.channelId, threadTs };
      log.info('answering', {
        thread_ts: threadTs,
        attempt: question.attempts,
        text_chars: question.text.length,
      });
      await joinThread(question, thread, port, log);
      if (question.partialTs) await port.markInterrupted(question.channelId, question.partialTs);
      if (isWordless(question.text)) {
        // Nothing to ask Claude: a bare mention or only files. Say what works instead.
        log.info('wordless question answered with help');
        const ts = await port.notify(thread, 'wordless');
        await deps.inbox.finish(question.id, { state: 'answered', answerTs: ts });
        return;
      }
      if (await deps.budgetExhausted(question.teamId)) {
        log.warn('daily token budget used up');
        await deps.inbox.finish(question.id, { state: 'failed', error: 'budget' });
        await port.notify(thread, 'budget');
        return;
      }
      await answerAndRecord(question, thread, port, signal, log);
    } catch (error) {
      if (signal.aborted) return;
      await failed(question, port, error, log);
    }
  };

  /** A question without a thread gets one (`/fastapi`); null when nothing can be posted there. */
  async function openThread(question: Question, port: AnsweringPort, log: Logger): Promise<string | null> {
    try {
      const threadTs = await port.openThread(question);
      if (threadTs === null) {
        await deps.inbox.finish(question.id, { state: 'failed', error: 'unpostable' });
        return null;
      }
      await deps.inbox.setThread(question.id, threadTs);
      await deps.store.addThread({ channelId: question.channelId, threadTs, teamId: question.teamId });
      return threadTs;
    } catch (error) {
      if (!(error instanceof UnpostableError)) throw error;
      log.warn('cannot post the thread root', { slack_error: error.reason });
      await deps.inbox.finish(question.id, { state: 'failed', error: error.reason });
      await port.explainUnpostable(question, error.reason);
      return null;
    }
  }

  /** A thread new to the bot: when it was mentioned in it late, its earlier messages become the context. */
  async function joinThread(question: Question, thread: ThreadKey, port: AnsweringPort, log: Logger) {
    if (await deps.store.hasThread(thread)) return;
    if (question.source !== 'command' && thread.threadTs !== question.messageKey) {
      const earlier = await port.readEarlier(thread, question.messageKey);
      for (const message of earlier)
        await deps.store.addTurn({ ...thread, ...message, messageTs: message.ts });
      log.info('read earlier thread messages', { thread_ts: thread.threadTs, kept: earlier.length });
    }
    await deps.store.addThread({ ...thread, teamId: question.teamId });
  }

  async function answerAndRecord(
    question: Question,
    thread: ThreadKey,
    port: AnsweringPort,
    signal: AbortSignal,
    log: Logger,
  ) {
    // The record's id exists before the answer, so the answer's feedback buttons can carry it.
    const recordId = newPublicId();
    // Recorded as the answer streams, not awaited by it; the question is closed only once it is stored.
    let partialStored: Promise<void> = Promise.resolve();
    const onFirstMessage = (ts: string) => {
      partialStored = deps.inbox
        .setPartial(question.id, ts)
        .catch((error: unknown) => log.warn('first answer message not recorded', { error }));
    };
    const sink = port.sink(question, thread, onFirstMessage, recordId);
    const userName = await port.userName(question.userId);
    const messageTs = question.source === 'command' ? null : question.messageKey;
    const outcome = await deps.conversation.answer(
      {
        thread,
        userId: question.userId,
        userName,
        text: question.text,
        messageTs,
        questionId: question.id,
        // A question with no message of its own sits where its thread's root quotes it.
        ...(messageTs === null ? { sortTs: thread.threadTs } : {}),
        log,
      },
      sink,
      signal,
    );
    // Interrupted by shutdown: leave it `answering`, so the next start answers it again.
    if (signal.aborted) return;
    await partialStored;
    const closed = await closeAnswered(
      question.id,
      {
        state: outcome.ok ? 'answered' : 'failed',
        answerTs: outcome.answerTs,
        error: outcome.ok ? null : outcome.kind,
      },
      log,
    );
    if (!closed || !outcome.ok) return;
    // After the answer is complete and the question closed: a record can neither delay nor undo it.
    const phr = await deps.phrService.record(
      {
        publicId: recordId,
        surface: port.surface,
        command: port.commandLabel(question),
        userName,
        userId: question.userId,
        teamId: question.teamId,
        channelId: question.channelId,
        threadTs: thread.threadTs,
        messageTs,
        permalink: await port.permalink(thread),
        prompt: question.text,
        response: outcome.text,
        model: outcome.model,
        usage: outcome.usage,
        latencyMs: outcome.latencyMs,
        costUsd: outcome.costUsd,
        agentName: deps.agentName,
        failureModes: outcome.notes,
        sources: outcome.sources,
      },
      log,
    );
    if (phr) await port.showRecord(thread, phr);
    // The agent suggests ADRs in its text; a human decides with the card's buttons.
    const where = { teamId: question.teamId, ...thread, phrPublicId: phr?.publicId ?? null };
    for (const suggestion of detectAdrSuggestions(outcome.text).slice(0, MAX_ADR_OFFERS)) {
      try {
        await port.offerAdr(suggestion, where);
      } catch (error) {
        log.warn('ADR not offered', { error });
      }
    }
  }

  /**
   * Closes a question whose answer was delivered. The answer is in the thread whatever happens here, so
   * a failing database is retried rather than turned into "not delivered". False when the question is
   * not closed by this process: another replica took it over (its answer stands, so this one records
   * nothing more), or the database stayed unreachable (its partial mark is kept: whoever answers it
   * again marks this answer as interrupted instead of leaving two unexplained answers).
   */
  async function closeAnswered(
    id: number,
    outcome: { state: 'answered' | 'failed'; answerTs: string | null; error: string | null },
    log: Logger,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        const closed = await deps.inbox.finish(id, outcome);
        if (!closed) log.warn('question taken over by another replica; its outcome stands');
        return closed;
      } catch (error) {
        if (attempt >= FINISH_ATTEMPTS) {
          log.error('answered question not closed', { error });
          return false;
        }
        await delay(FINISH_RETRY_MS * attempt);
      }
    }
  }

  /** The one place an answer that could not be delivered is turned into what the asker is told. */
  async function failed(question: Question, port: AnsweringPort, error: unknown, log: Logger) {
    const reason =
      error instanceof UnpostableError ? error.reason : (port.failureReason(error) ?? 'internal');
    // The field is named for the surface, so an operator's searches (slack_error) keep working.
    log.error('answer not delivered', { [`${port.surface}_error`]: reason, error });
    await deps.inbox.finish(question.id, { state: 'failed', error: reason });
    if (error instanceof UnpostableError) await port.explainUnpostable(question, error.reason);
    else if (question.threadTs) {
      await port.notify({ channelId: question.channelId, threadTs: question.threadTs }, 'delivery_failed');
    }
  }
}

export type AnswerQuestion = ReturnType<typeof createAnswerQuestion>;
