// Part 4 (history half): a long thread's prompt stays within HISTORY_TOKEN_BUDGET.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdrInstructionFilter } from '../src/adr/instruction-filter.js';
import { loadAgents } from '../src/agents/load.js';
import { createConversation } from '../src/answering/conversation.js';
import { buildPrompt, estimateTokens } from '../src/answering/prompt.js';
import { createClaude } from '../src/claude/claude.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import type { Turn } from '../src/store/conversation-store.js';
import { SqliteConversationStore } from '../src/store/conversation-store-sqlite.js';
import { openDatabase } from '../src/store/database.js';
import { estimateInputTokens, FakeAnthropic } from '../tests/helpers/fake-anthropic.js';
import { createRng, prose, randomInt } from './common.js';

export interface HistoryBudgetResults {
  turns: number;
  budgetTokens: number;
  estimatedTokens: number;
  /** The same messages counted independently (chars / 3.5 + 4 per message, the bot's published rule). */
  recountedTokens: number;
  /** FakeAnthropic's chars / 4 estimate of the messages, closer to what the API would bill. */
  apiStyleTokens: number;
  keptMessages: number;
  omittedTurns: number;
  wholeThreadTokens: number;
  averageTurnChars: number;
}

/** The budget the bot uses when HISTORY_TOKEN_BUDGET is unset, read from the bot's own config loader. */
export function defaultHistoryBudget(): number {
  return loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench',
    ANTHROPIC_API_KEY: 'sk-ant-bench',
  }).historyTokenBudget;
}

export function runHistoryBudget(turnCount: number, budgetTokens: number): HistoryBudgetResults {
  const rng = createRng(300);
  const turns: Turn[] = Array.from({ length: turnCount }, (_, i) => {
    const user = i % 2 === 0;
    return {
      id: i + 1,
      role: user ? 'user' : 'assistant',
      userId: user ? `U${(i % 5) + 1}` : null,
      userName: user ? `dev${(i % 5) + 1}` : null,
      text: prose(rng, user ? randomInt(rng, 400, 900) : randomInt(rng, 800, 1_500)),
      messageTs: `1700000000.${String(i).padStart(6, '0')}`,
    };
  });
  const prompt = buildPrompt(turns, budgetTokens);
  const chars = turns.reduce((sum, turn) => sum + turn.text.length, 0);
  return {
    turns: turnCount,
    budgetTokens,
    estimatedTokens: prompt.estimatedTokens,
    recountedTokens: prompt.messages.reduce(
      (sum, message) => sum + Math.ceil(message.content.length / 3.5) + 4,
      0,
    ),
    apiStyleTokens: estimateInputTokens({ messages: prompt.messages }),
    keptMessages: prompt.messages.length,
    omittedTurns: prompt.omittedTurns,
    wholeThreadTokens: turns.reduce((sum, turn) => sum + estimateTokens(turn.text) + 4, 0),
    averageTurnChars: chars / turnCount,
  };
}

export interface CacheShareResults {
  threads: number;
  questionsPerThread: number;
  requests: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Of all input tokens (uncached + read + written), the share read from the cache. */
  readShare: number;
}

/**
 * Part 4 (caching half): threads of follow-ups through the real conversation service and Claude
 * client against FakeAnthropic applying Anthropic's caching rules (Sonnet's 1,024-token minimum).
 * What counts is what the usage says was read from the cache, not which requests carry a marker.
 */
export async function runCacheShare(threads: number, questionsPerThread: number): Promise<CacheShareResults> {
  const rng = createRng(401);
  const anthropic = await FakeAnthropic.start({
    promptCacheMinTokens: 1_024,
    defaultReply: () => ({ kind: 'text', text: prose(rng, randomInt(rng, 800, 1_500)) }),
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-cache-'));
  const db = openDatabase(join(dir, 'bot.db'));
  const logger = createLogger({ level: 'error', write: () => {} });
  const totals = { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0 };
  try {
    const [agent] = loadAgents(fileURLToPath(new URL('../../agents', import.meta.url)));
    if (!agent) throw new Error('no agent file');
    const conversation = createConversation({
      store: new SqliteConversationStore(db),
      claude: createClaude({
        apiKey: 'sk-ant-bench',
        baseUrl: anthropic.baseUrl,
        timeoutMs: 30_000,
        maxRetries: 0,
      }),
      agent,
      model: 'claude-sonnet-5-5',
      maxAnswerTokens: 4_096,
      historyTokenBudget: defaultHistoryBudget(),
      outputFilter: createAdrInstructionFilter,
      logger,
    });
    // Slack-like message timestamps, one second apart, for questions and answers alike.
    let clock = 1_700_000_000;
    const nextTs = () => `${clock++}.000100`;
    const sink = {
      thinking: async () => {},
      write: () => {},
      finish: async () => ({ answerTs: nextTs() }),
      fail: async () => ({ answerTs: null }),
    };
    for (let t = 0; t < threads; t++) {
      const thread = { channelId: 'CBENCH', threadTs: nextTs() };
      for (let q = 0; q < questionsPerThread; q++) {
        const text = prose(rng, randomInt(rng, 400, 900));
        const messageTs = q === 0 ? thread.threadTs : nextTs();
        const outcome = await conversation.answer(
          { thread, userId: 'U1', userName: 'dev', text, messageTs },
          sink,
        );
        if (!outcome.ok) throw new Error(`bench answer failed: ${outcome.kind}`);
        totals.requests++;
        totals.inputTokens += outcome.usage.inputTokens;
        totals.cacheReadTokens += outcome.usage.cacheReadTokens;
        totals.cacheWriteTokens += outcome.usage.cacheWriteTokens;
      }
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    await anthropic.close();
  }
  const all = totals.inputTokens + totals.cacheReadTokens + totals.cacheWriteTokens;
  return { threads, questionsPerThread, ...totals, readShare: all > 0 ? totals.cacheReadTokens / all : 0 };
}
