import type { WebClient } from '@slack/web-api';
import type { AdrFlow } from '../adr/flow.js';
import type { AnsweringPort, EarlierMessage } from '../answering/port.js';
import { UnpostableError } from '../answering/port.js';
import { feedbackBlock } from '../feedback/cards.js';
import type { Question } from '../inbox/store.js';
import type { Logger } from '../log.js';
import { prepareText, type TextPolicy } from '../security/text-policy.js';
import type { ThreadKey } from '../store/conversation-store.js';
import { postEphemeral } from './ephemeral.js';
import { callSlack, SlackCallError, slackReason } from './errors.js';
import { questionTextOf } from './listeners/intake.js';
import { neutraliseMentions } from './markdown/mentions.js';
import { escapeMrkdwn, quoteForSlack } from './markdown/mrkdwn.js';
import { notInChannelMessage, WORDLESS_TEXT } from './texts.js';
import { SlackThreadWriter } from './thread-writer.js';
import type { UserNames } from './user-names.js';

export interface SlackAnsweringDeps {
  client: WebClient;
  adrFlow: AdrFlow;
  userNames: UserNames;
  botUserId: string;
  /** Redaction and length limit for thread messages read late (a question is prepared on arrival). */
  textPolicy?: TextPolicy;
  /** How many earlier messages of a thread to read when mentioned in it late (the root comes too). */
  lateThreadMessages?: number;
  /** The longest a batch of streamed text waits (see SlackThreadWriter); tests set 0. */
  flushIntervalMs?: number;
  /** Reports a failed Slack call (for metrics). */
  onSlackError?: (method: string, code: string) => void;
  logger: Logger;
  fetch?: typeof fetch;
}

/** How each kind of question shows in a PHR's `command` field. */
const COMMAND_LABELS: Record<Question['source'], string> = {
  mention: '@mention',
  thread: 'thread reply',
  dm: 'direct message',
  command: '/fastapi',
};

const NOTICES = {
  wordless: WORDLESS_TEXT,
  budget: `:warning: ${escapeMrkdwn("This workspace has used today's Claude budget (DAILY_TOKEN_BUDGET), so I cannot answer until midnight UTC.")}`,
  delivery_failed: `:warning: ${escapeMrkdwn('Something went wrong while I was posting the answer; please ask again.')}`,
} as const;

/** Slack errors that mean the bot cannot post in the channel at all. */
const CLOSED_CHANNEL = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

interface SlackMessage {
  ts: string;
  user?: string;
  bot_id?: string;
  text?: string;
  subtype?: string;
  files?: unknown;
}

/** Subtypes read as part of a thread's context: what a live message is accepted with, plus bots. */
const LATE_READ_SUBTYPES = new Set(['thread_broadcast', 'file_share', 'bot_message']);
/** 50 pages of 200: a thread of 10,000 messages is read to its end; a longer one keeps its first 10,000. */
const MAX_LATE_READ_PAGES = 50;

/** Answering, as Slack does it: threads, streams, ephemeral notes, record lines and ADR cards. */
export function createSlackAnswering(deps: SlackAnsweringDeps): AnsweringPort {
  const { client, logger } = deps;
  const post = deps.fetch ?? fetch;

  /** One page loop up to the mention; keeps the root and the last `limit` messages before it. */
  async function readWindow(thread: ThreadKey, beforeTs: string): Promise<SlackMessage[]> {
    const limit = deps.lateThreadMessages ?? 200;
    let root: SlackMessage | undefined;
    let window: SlackMessage[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LATE_READ_PAGES; page++) {
      const replies = await callSlack('conversations.replies', () =>
        client.conversations.replies({
          channel: thread.channelId,
          ts: thread.threadTs,
          latest: beforeTs,
          inclusive: false,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        }),
      );
      for (const message of (replies.messages ?? []) as SlackMessage[]) {
        if (!message.ts || message.ts >= beforeTs) continue;
        if (message.ts === thread.threadTs) root = message;
        else window.push(message);
      }
      if (window.length > limit) window = window.slice(-limit);
      cursor = replies.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return root ? [root, ...window] : window;
  }

  /** One earlier message as a turn, read the way a live message is (mention removed, files noted). */
  async function asTurn(message: SlackMessage): Promise<EarlierMessage | null> {
    if (message.subtype && !LATE_READ_SUBTYPES.has(message.subtype)) return null;
    const text = questionTextOf(message, deps.botUserId);
    if (!text.trim()) return null;
    const fromThisBot = message.user === deps.botUserId;
    const fromOtherBot = !fromThisBot && Boolean(message.bot_id);
    return {
      ts: message.ts,
      role: fromThisBot ? 'assistant' : 'user',
      userId: message.user ?? null,
      userName: fromOtherBot ? 'a bot' : message.user ? await deps.userNames(message.user) : null,
      text: deps.textPolicy ? prepareText(text, deps.textPolicy).text : text,
    };
  }

  async function respondPrivately(responseUrl: string, text: string): Promise<void> {
    const response = await post(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
    });
    if (!response.ok) throw new Error(`response_url answered ${response.status}`);
  }

  return {
    surface: 'slack',
    commandLabel: (question) => COMMAND_LABELS[question.source],
    failureReason: slackReason,

    async openThread(question) {
      try {
        const root = await callSlack('chat.postMessage', () =>
          client.chat.postMessage({
            channel: question.channelId,
            text: `<@${question.userId}> asked:\n${quoteForSlack(question.text, 2_800)}`,
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
        if (!root.ts) throw new Error('chat.postMessage returned no ts');
        return root.ts;
      } catch (error) {
        if (error instanceof SlackCallError && error.code && CLOSED_CHANNEL.has(error.code)) {
          throw new UnpostableError(error.code, { cause: error });
        }
        throw error;
      }
    },

    async readEarlier(thread, beforeTs) {
      let messages: SlackMessage[];
      try {
        messages = await readWindow(thread, beforeTs);
      } catch (error) {
        // Answering without the context beats not answering.
        logger.warn('could not read the thread', { ...thread, slack_error: slackReason(error), error });
        return [];
      }
      const turns: EarlierMessage[] = [];
      for (const message of messages) {
        const turn = await asTurn(message);
        if (turn) turns.push(turn);
      }
      return turns;
    },

    sink(question, thread, onFirstMessage, recordId) {
      return new SlackThreadWriter({
        client,
        target: {
          channel: thread.channelId,
          threadTs: thread.threadTs,
          // In a Slack Connect channel the asker may belong to another workspace than the bot.
          recipientTeamId: question.userTeamId ?? question.teamId,
          recipientUserId: question.userId,
        },
        logger: logger.child({ question_id: question.id }),
        onFirstMessage,
        ...(recordId ? { endBlocks: [feedbackBlock(recordId)] } : {}),
        ...(deps.flushIntervalMs !== undefined ? { flushIntervalMs: deps.flushIntervalMs } : {}),
        ...(deps.onSlackError ? { onSlackError: deps.onSlackError } : {}),
      });
    },

    async notify(thread, notice) {
      try {
        const posted = await callSlack('chat.postMessage', () =>
          client.chat.postMessage({
            channel: thread.channelId,
            thread_ts: thread.threadTs,
            text: NOTICES[notice],
          }),
        );
        return posted.ts ?? null;
      } catch (error) {
        logger.error('could not post a notice in the thread', {
          ...thread,
          notice,
          slack_error: slackReason(error),
        });
        return null;
      }
    },

    async markInterrupted(channel, ts) {
      const note = '\n\n_— interrupted by a restart; a fresh answer follows below —_';
      try {
        await callSlack('chat.stopStream', () =>
          client.chat.stopStream({ channel, ts, markdown_text: note }),
        );
      } catch (error) {
        logger.debug('could not mark the interrupted answer', {
          channel,
          ts,
          slack_error: slackReason(error),
        });
      }
    },

    async explainUnpostable(question, reason) {
      const text = notInChannelMessage(reason);
      if (!question.responseUrl) {
        await postEphemeral(client, logger, { channelId: question.channelId, userId: question.userId }, text);
        return;
      }
      try {
        await respondPrivately(question.responseUrl, text);
      } catch (error) {
        logger.error('could not tell the user privately', { question_id: question.id, error });
      }
    },

    async permalink(thread) {
      try {
        const found = await callSlack('chat.getPermalink', () =>
          client.chat.getPermalink({ channel: thread.channelId, message_ts: thread.threadTs }),
        );
        return found.permalink ?? null;
      } catch (error) {
        logger.debug('no permalink', { ...thread, slack_error: slackReason(error) });
        return null;
      }
    },

    async showRecord(thread, phr) {
      // The agent prompt asks to confirm where the PHR is; in Slack that is a small context line.
      const line = `:memo: <${phr.url}|${escapeMrkdwn(phr.label)}> · ${neutraliseMentions(escapeMrkdwn(phr.title))}`;
      try {
        await callSlack('chat.postMessage', () =>
          client.chat.postMessage({
            channel: thread.channelId,
            thread_ts: thread.threadTs,
            text: `${phr.label}: ${phr.title}`,
            blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: line }] }],
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
      } catch (error) {
        logger.warn('PHR link not posted', { phr: phr.label, slack_error: slackReason(error) });
      }
    },

    async offerAdr(suggestion, where) {
      await deps.adrFlow.offer(suggestion, where, null);
    },

    userName: (userId) => deps.userNames(userId),
  };
}
