// Part 4 (history half): a long thread's prompt stays within HISTORY_TOKEN_BUDGET.
import { loadConfig } from '../../src/config.js';
import { buildPrompt, estimateTokens } from '../../src/conversation/prompt.js';
import type { Turn } from '../../src/store/conversation-store.js';
import { estimateInputTokens } from '../helpers/fake-anthropic.js';
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
