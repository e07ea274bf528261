import { describe, expect, it } from 'vitest';
import { buildPrompt, estimateTokens } from '../../../src/answering/prompt.js';
import type { Turn } from '../../../src/store/conversation-store.js';

let nextId = 1;
function user(text: string, userName = 'Ada'): Turn {
  return { id: nextId++, role: 'user', userId: 'U1', userName, text, messageTs: null };
}
function bot(text: string): Turn {
  return { id: nextId++, role: 'assistant', userId: null, userName: null, text, messageTs: null };
}

describe('buildPrompt', () => {
  it('quotes who wrote each message and alternates roles', () => {
    const prompt = buildPrompt(
      [user('How do I paginate?'), bot('Use limit/offset.'), user('And cursors?', 'Bo')],
      10_000,
    );
    expect(prompt.messages).toEqual([
      { role: 'user', content: 'Ada wrote:\nHow do I paginate?' },
      { role: 'assistant', content: 'Use limit/offset.' },
      { role: 'user', content: 'Bo wrote:\nAnd cursors?' },
    ]);
    expect(prompt.omittedTurns).toBe(0);
  });

  it('merges consecutive messages of people into one user turn', () => {
    const prompt = buildPrompt([user('first'), user('second', 'Bo')], 10_000);
    expect(prompt.messages).toEqual([{ role: 'user', content: 'Ada wrote:\nfirst\n\nBo wrote:\nsecond' }]);
  });

  it('starts with the user even when the thread starts with a bot message', () => {
    const prompt = buildPrompt([bot('Deploy finished.'), user('Why is it slow?')], 10_000);
    expect(prompt.messages).toHaveLength(1);
    expect(prompt.messages[0]?.role).toBe('user');
    expect(prompt.messages[0]?.content).toContain('Deploy finished.');
  });

  it('keeps the first question and the newest turns within the budget, marking the gap', () => {
    const long = 'x'.repeat(700); // ~200 tokens each
    const turns = [user('What is the thread about?')];
    for (let i = 0; i < 40; i++) turns.push(i % 2 ? user(`${i} ${long}`) : bot(`${i} ${long}`));
    turns.push(user('newest question'));
    const prompt = buildPrompt(turns, 2_000);
    expect(prompt.estimatedTokens).toBeLessThanOrEqual(2_000 + 50);
    expect(prompt.omittedTurns).toBeGreaterThan(20);
    expect(prompt.messages[0]?.content).toContain('What is the thread about?');
    expect(prompt.messages.at(-1)?.content).toContain('newest question');
    expect(prompt.messages.some((m) => m.content.includes('omitted for length'))).toBe(true);
    for (let i = 1; i < prompt.messages.length; i++) {
      expect(prompt.messages[i]?.role).not.toBe(prompt.messages[i - 1]?.role);
    }
  });

  it('leaves turns out in groups of eight, so most follow-ups repeat the previous prompt as their prefix', () => {
    const long = 'x'.repeat(700);
    const turns = [user('What is the thread about?')];
    let samePrefix = 0;
    let previous: { role: string; content: string }[] | undefined;
    for (let i = 0; i < 60; i++) {
      turns.push(bot(`answer ${i} ${long}`), user(`question ${i} ${long}`));
      const prompt = buildPrompt(turns, 2_000);
      expect(prompt.omittedTurns % 8).toBe(0);
      expect(prompt.estimatedTokens).toBeLessThanOrEqual(2_000 + 50);
      // The previous prompt, whole, is where this one starts (its newest message had the cache breakpoint).
      if (previous && JSON.stringify(prompt.messages.slice(0, previous.length)) === JSON.stringify(previous))
        samePrefix++;
      previous = prompt.messages;
    }
    expect(samePrefix).toBeGreaterThanOrEqual(40);
  });

  it('cuts a question that alone exceeds the budget and says so', () => {
    const prompt = buildPrompt([user('y'.repeat(100_000))], 1_000);
    expect(prompt.questionTruncated).toBe(true);
    expect(estimateTokens(prompt.messages[0]?.content ?? '')).toBeLessThanOrEqual(1_000);
    expect(prompt.messages[0]?.content).toContain('[message cut');
  });
});
