import type { PromptMessage } from '../claude/claude.js';
import type { Turn } from '../store/conversation-store.js';

export interface BuiltPrompt {
  messages: PromptMessage[];
  estimatedTokens: number;
  /** Turns left out to stay within the budget (always from the middle of the thread). */
  omittedTurns: number;
  /** True when the newest message alone exceeded the budget and was cut. */
  questionTruncated: boolean;
}

/**
 * A local estimate: the SDK has no tokenizer and `countTokens` is a network call per question.
 * 3.5 characters per token errs on the side of sending less (code and non-English text are denser
 * than prose).
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

/** Turns left out of a long thread's middle go in groups of this many (see buildPrompt). */
const OMIT_STEP_TURNS = 8;

/** Per-message overhead of the Messages API framing, so many tiny turns are not undercounted. */
const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * Turns a thread into Claude messages within `budgetTokens`: the first question (what the thread
 * is about) and the newest turns are kept; turns in between are dropped, oldest first, with a
 * marker saying so. Roles alternate as the API requires, starting and ending with the user.
 */
export function buildPrompt(turns: readonly Turn[], budgetTokens: number): BuiltPrompt {
  const rendered = turns.map((turn) => ({ role: turn.role, content: renderTurn(turn) }));
  const cost = (content: string) => estimateTokens(content) + MESSAGE_OVERHEAD_TOKENS;

  const newest = rendered.length - 1;
  let questionTruncated = false;
  if (newest >= 0) {
    const last = rendered[newest] as PromptMessage;
    const room = Math.max(budgetTokens - MESSAGE_OVERHEAD_TOKENS, 1);
    if (estimateTokens(last.content) > room) {
      last.content = truncateToTokens(last.content, room);
      questionTruncated = true;
    }
  }

  const firstUser = rendered.findIndex((message) => message.role === 'user');
  const keep = new Set<number>();
  let used = 0;
  if (newest >= 0) {
    keep.add(newest);
    used += cost((rendered[newest] as PromptMessage).content);
  }
  if (firstUser >= 0 && firstUser !== newest) {
    const firstCost = cost((rendered[firstUser] as PromptMessage).content);
    if (used + firstCost <= budgetTokens) {
      keep.add(firstUser);
      used += firstCost;
    }
  }
  let oldestKept = newest;
  for (let index = newest - 1; index >= 0; index--) {
    if (keep.has(index)) continue;
    const next = cost((rendered[index] as PromptMessage).content);
    if (used + next > budgetTokens) break;
    keep.add(index);
    used += next;
    oldestKept = index;
  }
  // The gap grows in steps, not a turn at a time: between steps every prompt of the thread starts with
  // the same messages, so a follow-up still reads them from the prompt cache.
  const gapStart = firstUser + 1;
  if (firstUser >= 0 && oldestKept > gapStart && keep.has(oldestKept)) {
    const stepped = gapStart + Math.ceil((oldestKept - gapStart) / OMIT_STEP_TURNS) * OMIT_STEP_TURNS;
    for (let index = oldestKept; index < Math.min(stepped, newest); index++) keep.delete(index);
  }

  const kept: PromptMessage[] = [];
  let omitted = 0;
  let omittedRun = 0;
  for (let index = 0; index < rendered.length; index++) {
    if (!keep.has(index)) {
      omitted++;
      omittedRun++;
      continue;
    }
    if (omittedRun > 0) {
      kept.push({
        role: 'user',
        content: `[${omittedRun} earlier message(s) of this thread omitted for length]`,
      });
      omittedRun = 0;
    }
    kept.push(rendered[index] as PromptMessage);
  }

  const messages = alternate(kept);
  const estimatedTokens = messages.reduce((sum, message) => sum + cost(message.content), 0);
  return { messages, estimatedTokens, omittedTurns: omitted, questionTruncated };
}

/** Thread text is quoted with who said it, so the model reads a conversation among several people. */
function renderTurn(turn: Turn): string {
  if (turn.role === 'assistant') return turn.text;
  const who = turn.userName ?? turn.userId ?? 'someone';
  return `${who} wrote:\n${turn.text}`;
}

/** Merges neighbours with the same role and makes sure the conversation starts with the user. */
function alternate(messages: readonly PromptMessage[]): PromptMessage[] {
  const out: PromptMessage[] = [];
  for (const message of messages) {
    const previous = out.at(-1);
    if (previous && previous.role === message.role) {
      previous.content = `${previous.content}\n\n${message.content}`;
    } else {
      out.push({ ...message });
    }
  }
  const first = out[0];
  if (first && first.role === 'assistant') {
    // A thread that starts with a bot message (a late mention under someone's bot post): keep it as context.
    out.shift();
    const quoted = `Earlier in this thread, the assistant wrote:\n${first.content}`;
    const next = out[0];
    if (next) next.content = `${quoted}\n\n${next.content}`;
    else out.push({ role: 'user', content: quoted });
  }
  return out;
}

function truncateToTokens(text: string, tokens: number): string {
  const marker = '\n\n[message cut: it was longer than the bot accepts]';
  const chars = Math.max(Math.floor(tokens * 3.5) - marker.length, 0);
  return `${text.slice(0, chars)}${marker}`;
}
