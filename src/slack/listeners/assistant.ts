import {
  type AllMiddlewareArgs,
  Assistant,
  type AssistantConfig,
  type SlackEventMiddlewareArgs,
} from '@slack/bolt';
import { callSlack, slackReason } from '../errors.js';
import { ASSISTANT_GREETING, ASSISTANT_PROMPTS, threadTitle } from '../texts.js';
import type { ListenerDeps } from './intake.js';

type Store = NonNullable<AssistantConfig['threadContextStore']>;
type Context = Awaited<ReturnType<Store['get']>>;
type MessageArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/** Threads whose context is kept in memory; the oldest is forgotten past this. */
const MAX_THREADS = 10_000;

/**
 * Slack's assistant panel (Bolt's `Assistant`): a greeting and suggested prompts when a thread opens,
 * the channel the person is looking at kept per thread, and each message in the panel's threads taken
 * into the same durable inbox as every other question (`onMessage`, the DM path, is handed the event:
 * the Assistant stops it there, so it is accepted once). Slack calls run after the ack.
 */
export function assistantPanel(
  deps: ListenerDeps,
  onMessage: (args: MessageArgs) => Promise<boolean>,
): Assistant {
  const contexts = new Map<string, Context>();
  const keyOf = (channel: string, thread: string) => `${channel}:${thread}`;
  const threadStore: Store = {
    get: async ({ payload }) => contexts.get(keyOf(channelOf(payload), threadOf(payload))) ?? {},
    save: async ({ payload }) => {
      const context = contextOf(payload);
      if (!context) return;
      const key = keyOf(channelOf(payload), threadOf(payload));
      contexts.delete(key);
      contexts.set(key, context);
      if (contexts.size > MAX_THREADS) contexts.delete(contexts.keys().next().value as string);
    },
  };
  return new Assistant({
    threadContextStore: threadStore,
    threadStarted: async ({ say, setSuggestedPrompts, saveThreadContext, payload }) => {
      await saveThreadContext();
      const where = { channel: channelOf(payload), thread_ts: threadOf(payload) };
      deps.tasks.run('greet in the assistant panel', async () => {
        try {
          await callSlack('chat.postMessage', () => say(ASSISTANT_GREETING));
          await callSlack('assistant.threads.setSuggestedPrompts', () =>
            setSuggestedPrompts({ title: 'Try asking', prompts: ASSISTANT_PROMPTS }),
          );
        } catch (error) {
          deps.logger.warn('assistant thread not greeted', { ...where, slack_error: slackReason(error) });
        }
      });
    },
    threadContextChanged: async ({ saveThreadContext, payload }) => {
      await saveThreadContext();
      deps.logger.info('assistant thread context saved', {
        channel: channelOf(payload),
        thread_ts: threadOf(payload),
        viewing: contextOf(payload)?.channel_id,
      });
    },
    userMessage: async (args) => {
      const thread = { channelId: channelOf(args.payload), threadTs: threadOf(args.payload) };
      const first = !(await deps.store.hasThread(thread));
      const accepted = await onMessage(args as unknown as MessageArgs);
      const text = (args.payload as { text?: unknown }).text;
      if (!accepted || !first || typeof text !== 'string') return;
      deps.tasks.run('title the assistant thread', async () => {
        try {
          await callSlack('assistant.threads.setTitle', () => args.setTitle(threadTitle(text)));
        } catch (error) {
          deps.logger.debug('assistant thread not titled', { ...thread, slack_error: slackReason(error) });
        }
      });
    },
  });
}

type Payload = Parameters<Store['get']>[0]['payload'];

function channelOf(payload: Payload): string {
  const p = payload as { channel?: unknown; assistant_thread?: { channel_id?: unknown } };
  return String(p.assistant_thread?.channel_id ?? p.channel ?? '');
}

function threadOf(payload: Payload): string {
  const p = payload as { thread_ts?: unknown; assistant_thread?: { thread_ts?: unknown } };
  return String(p.assistant_thread?.thread_ts ?? p.thread_ts ?? '');
}

function contextOf(payload: Payload): Context | undefined {
  return (payload as { assistant_thread?: { context?: Context } }).assistant_thread?.context;
}
