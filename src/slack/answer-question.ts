import type { WebClient } from '@slack/web-api';
import type { Conversation } from '../conversation/conversation.js';
import { isWordless, prepareText, type TextPolicy } from '../inbox/question-text.js';
import type { Logger } from '../log.js';
import type { PhrRef, PhrService } from '../phr/service.js';
import { detectAdrSuggestions } from '../records/adr-suggestion.js';
import type { ConversationStore, ThreadKey } from '../store/conversation-store.js';
import type { InboxStore, Question } from '../store/inbox-store.js';
import type { AdrFlow } from './adr-flow.js';
import { postEphemeral } from './ephemeral.js';
import { slackErrorCode } from './errors.js';
import { questionTextOf } from './listeners/intake.js';
import { neutraliseMentions } from './markdown/mentions.js';
import { escapeMrkdwn, quoteForSlack } from './markdown/mrkdwn.js';
import { notInChannelMessage, WORDLESS_TEXT } from './messages.js';
import { SlackThreadWriter, ThreadUnpostableError } from './thread-writer.js';
import type { UserNames } from './user-names.js';

export interface AnswerQuestionDeps {
  client: WebClient;
  inbox: InboxStore;
  store: ConversationStore;
  conversation: Conversation;
  phrService: PhrService;
  adrFlow: AdrFlow;
  /** True when the workspace has used its daily token budget. */
  budgetExhausted: (teamId: string) => boolean;
  agentName: string;
  userNames: UserNames;
  /** Reports a failed Slack call (for metrics). */
  onSlackError?: (method: string, code: string) => void;
  /** Redaction and length limit for thread messages read late (the question itself was prepared on arrival). */
  textPolicy?: TextPolicy;
  botUserId: string;
  logger: Logger;
  /** Pacing of stream appends; tests set 0. */
  minIntervalMs?: number;
  /** How many earlier messages of a thread to read when mentioned in it late. */
  lateThreadMessages?: number;
  fetch?: typeof fetch;
}

/** How each kind of question shows in a PHR's `command` field. */
const COMMAND_LABELS: Record<Question['source'], string> = {
  mention: '@mention',
  thread: 'thread reply',
  dm: 'direct message',
  command: '/fastapi',
};

interface SlackMessage {
  ts: string;
  user?: string;
  bot_id?: string;
  text?: string;
  subtype?: string;
  files?: unknown;
}

/** Subtypes read as part of a thread's context, the same set a live message is accepted with (plus bots). */
const LATE_READ_SUBTYPES = new Set(['thread_broadcast', 'file_share', 'bot_message']);
/** 50 pages of 200: a thread of 10,000 messages is read to its end; a longer one keeps its first 10,000. */
const MAX_LATE_READ_PAGES = 50;

const POSTING_FAILED_TEXT = 'Something went wrong while I was posting the answer; please ask again.';
const BUDGET_TEXT =
  "This workspace has used today's Claude budget (DAILY_TOKEN_BUDGET), so I cannot answer until midnight UTC.";

/** The worker's handler: turns one accepted question into one answer in its Slack thread. */
export function createAnswerQuestion(deps: AnswerQuestionDeps) {
  const post = deps.fetch ?? fetch;

  return async function answerQuestion(question: Question, signal: AbortSignal): Promise<void> {
    const log = deps.logger.child({
      question_id: question.id,
      team: question.teamId,
      channel: question.channelId,
      user: question.userId,
      source: question.source,
    });
    try {
      const threadTs = question.threadTs ?? (await postCommandRoot(question, log));
      if (threadTs === null) return;
      const thread: ThreadKey = { channelId: question.channelId, threadTs };
      log.info('answering', {
        thread_ts: threadTs,
        attempt: question.attempts,
        text_chars: question.text.length,
      });

      if (!deps.store.hasThread(thread)) {
        if (question.source !== 'command' && threadTs !== question.messageKey) {
          await readEarlierMessages(thread, question.messageKey, log);
        }
        deps.store.addThread({ ...thread, teamId: question.teamId });
      }
      if (question.partialTs) await markInterrupted(question.channelId, question.partialTs, log);
      if (isWordless(question.text)) {
        // Nothing to ask Claude: a bare mention or only files. Say what works instead.
        log.info('wordless question answered with help');
        const helped = await deps.client.chat.postMessage({
          channel: question.channelId,
          thread_ts: threadTs,
          text: WORDLESS_TEXT,
        });
        deps.inbox.finish(question.id, { state: 'answered', answerTs: helped.ts ?? null });
        return;
      }
      if (deps.budgetExhausted(question.teamId)) {
        log.warn('daily token budget used up');
        deps.inbox.finish(question.id, { state: 'failed', error: 'budget' });
        await sayInThread(question.channelId, threadTs, log, BUDGET_TEXT);
        return;
      }

      const writer = new SlackThreadWriter({
        client: deps.client,
        target: {
          channel: question.channelId,
          threadTs,
          // In a Slack Connect channel the asker may belong to another workspace than the bot.
          recipientTeamId: question.userTeamId ?? question.teamId,
          recipientUserId: question.userId,
        },
        logger: log,
        ...(deps.minIntervalMs !== undefined ? { minIntervalMs: deps.minIntervalMs } : {}),
        onFirstMessage: (ts) => deps.inbox.setPartial(question.id, ts),
        ...(deps.onSlackError ? { onSlackError: deps.onSlackError } : {}),
      });
      const userName = await deps.userNames(question.userId);
      const messageTs = question.source === 'command' ? null : question.messageKey;
      const outcome = await deps.conversation.answer(
        {
          thread,
          userId: question.userId,
          userName,
          text: question.text,
          messageTs,
          questionId: question.id,
          // A /fastapi question has no message of its own: the bot's root message quotes it.
          ...(messageTs === null ? { sortTs: threadTs } : {}),
          log,
        },
        writer,
        signal,
      );
      // Interrupted by shutdown: leave it `answering`, so the next start answers it again.
      if (signal.aborted) return;
      deps.inbox.setPartial(question.id, null);
      deps.inbox.finish(question.id, {
        state: outcome.ok ? 'answered' : 'failed',
        answerTs: outcome.answerTs,
        error: outcome.ok ? null : outcome.kind,
      });
      if (outcome.ok) {
        // After the answer is complete and the question closed: a PHR can neither delay nor undo it.
        const phr = deps.phrService.record(
          {
            surface: 'slack',
            command: COMMAND_LABELS[question.source],
            userName,
            userId: question.userId,
            teamId: question.teamId,
            channelId: question.channelId,
            threadTs,
            messageTs,
            permalink: await permalink(question.channelId, threadTs, log),
            prompt: question.text,
            response: outcome.text,
            model: outcome.model,
            usage: outcome.usage,
            latencyMs: outcome.latencyMs,
            costUsd: outcome.costUsd,
            agentName: deps.agentName,
            failureModes: outcome.notes,
          },
          log,
        );
        if (phr) await postRecordLine(question.channelId, threadTs, phr, log);
        // The agent suggests ADRs in its text; a human decides with the card's buttons.
        for (const suggestion of detectAdrSuggestions(outcome.text).slice(0, 3)) {
          try {
            await deps.adrFlow.offer(
              suggestion,
              {
                teamId: question.teamId,
                channelId: question.channelId,
                threadTs,
                phrPublicId: phr?.publicId ?? null,
              },
              null,
            );
          } catch (error) {
            log.warn('ADR card not posted', { slack_error: slackErrorCode(error), error });
          }
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      const code = error instanceof ThreadUnpostableError ? error.code : slackErrorCode(error);
      log.error('answer not delivered', { slack_error: code, error });
      deps.inbox.finish(question.id, { state: 'failed', error: code ?? 'internal' });
      if (error instanceof ThreadUnpostableError) {
        await tellPrivately(question, notInChannelMessage(error.code), log);
      } else if (question.threadTs) {
        await sayInThread(question.channelId, question.threadTs, log);
      }
    }
  };

  /**
   * A slash command has no thread: the bot posts a root message quoting the question, and the
   * answer goes into its thread. Returns null when the channel is closed to the bot.
   */
  async function postCommandRoot(question: Question, log: Logger): Promise<string | null> {
    try {
      const root = await deps.client.chat.postMessage({
        channel: question.channelId,
        text: `<@${question.userId}> asked:\n${quoteForSlack(question.text, 2_800)}`,
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!root.ts) throw new Error('chat.postMessage returned no ts');
      deps.inbox.setThread(question.id, root.ts);
      deps.store.addThread({ channelId: question.channelId, threadTs: root.ts, teamId: question.teamId });
      return root.ts;
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === 'not_in_channel' || code === 'channel_not_found' || code === 'is_archived') {
        log.warn('cannot post the command root', { slack_error: code });
        deps.inbox.finish(question.id, { state: 'failed', error: code });
        await tellPrivately(question, notInChannelMessage(code), log);
        return null;
      }
      throw error;
    }
  }

  /**
   * Mentioned in a thread the bot never saw: its root (what the thread is about) and the last
   * `lateThreadMessages` messages before the mention become the context. Slack pages a thread from
   * its start, so the whole range before the mention is paged through, keeping only that window.
   */
  async function readEarlierMessages(thread: ThreadKey, beforeTs: string, log: Logger): Promise<void> {
    const limit = deps.lateThreadMessages ?? 200;
    let root: SlackMessage | undefined;
    let window: SlackMessage[] = [];
    let seen = 0;
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_LATE_READ_PAGES; page++) {
        const replies = await deps.client.conversations.replies({
          channel: thread.channelId,
          ts: thread.threadTs,
          latest: beforeTs,
          inclusive: false,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        for (const message of (replies.messages ?? []) as SlackMessage[]) {
          if (!message.ts || message.ts >= beforeTs) continue;
          seen++;
          if (message.ts === thread.threadTs) root = message;
          else window.push(message);
        }
        if (window.length > limit) window = window.slice(-limit);
        cursor = replies.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
    } catch (error) {
      // Answering without the context beats not answering.
      log.warn('could not read the thread', { slack_error: slackErrorCode(error), error });
      return;
    }
    const kept = root ? [root, ...window] : window;
    for (const message of kept) await storeEarlierMessage(thread, message);
    log.info('read earlier thread messages', {
      thread_ts: thread.threadTs,
      messages: seen,
      kept: kept.length,
    });
  }

  /** One earlier message as a turn, read the way a live message is (mention removed, files noted). */
  async function storeEarlierMessage(thread: ThreadKey, message: SlackMessage): Promise<void> {
    if (message.subtype && !LATE_READ_SUBTYPES.has(message.subtype)) return;
    const text = questionTextOf(message, deps.botUserId);
    if (!text.trim()) return;
    const fromThisBot = message.user === deps.botUserId;
    const fromBot = fromThisBot || Boolean(message.bot_id);
    deps.store.addTurn({
      ...thread,
      role: fromThisBot ? 'assistant' : 'user',
      userId: message.user ?? null,
      userName: fromBot && !fromThisBot ? 'a bot' : message.user ? await deps.userNames(message.user) : null,
      text: deps.textPolicy ? prepareText(text, deps.textPolicy).text : text,
      messageTs: message.ts,
    });
  }

  async function permalink(channel: string, ts: string, log: Logger): Promise<string | null> {
    try {
      return (await deps.client.chat.getPermalink({ channel, message_ts: ts })).permalink ?? null;
    } catch (error) {
      log.debug('no permalink', { slack_error: slackErrorCode(error) });
      return null;
    }
  }

  /** The agent prompt asks to confirm where the PHR is; in Slack that is a small context line with its link. */
  async function postRecordLine(channel: string, threadTs: string, phr: PhrRef, log: Logger): Promise<void> {
    const line = `:memo: <${phr.url}|${escapeMrkdwn(phr.label)}> · ${neutraliseMentions(escapeMrkdwn(phr.title))}`;
    try {
      await deps.client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: `${phr.label}: ${phr.title}`,
        blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: line }] }],
        unfurl_links: false,
        unfurl_media: false,
      });
    } catch (error) {
      log.warn('PHR link not posted', { phr: phr.label, slack_error: slackErrorCode(error) });
    }
  }

  /** A restart cut an answer short: say so where it stopped; the fresh answer follows below it. */
  async function markInterrupted(channel: string, ts: string, log: Logger): Promise<void> {
    const note = '\n\n_— interrupted by a restart; a fresh answer follows below —_';
    try {
      await deps.client.chat.stopStream({ channel, ts, markdown_text: note });
    } catch (error) {
      log.debug('could not mark the interrupted answer', { slack_error: slackErrorCode(error) });
    }
  }

  async function tellPrivately(question: Question, text: string, log: Logger): Promise<void> {
    if (!question.responseUrl) {
      await postEphemeral(deps.client, log, { channelId: question.channelId, userId: question.userId }, text);
      return;
    }
    try {
      const response = await post(question.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
      });
      if (!response.ok) throw new Error(`response_url answered ${response.status}`);
    } catch (error) {
      log.error('could not tell the user privately', { error });
    }
  }

  async function sayInThread(
    channel: string,
    threadTs: string,
    log: Logger,
    sentence = POSTING_FAILED_TEXT,
  ): Promise<void> {
    try {
      await deps.client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: `:warning: ${escapeMrkdwn(sentence)}`,
      });
    } catch (error) {
      log.error('could not report the failure in the thread', { slack_error: slackErrorCode(error) });
    }
  }
}
