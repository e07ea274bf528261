import { describe, expect, it, onTestFinished } from 'vitest';
import { ClaudeError, createClaude } from '../../../src/claude/claude.js';
import { FakeAnthropic } from '../../helpers/fake-anthropic.js';

async function claudeAt(options: { timeoutMs: number; minTokensPerSecond?: number }) {
  const anthropic = await FakeAnthropic.start();
  onTestFinished(() => anthropic.close());
  const claude = createClaude({
    apiKey: 'sk-ant-test',
    baseUrl: anthropic.baseUrl,
    maxRetries: 0,
    ...options,
  });
  return { anthropic, claude };
}

const request = (maxTokens = 4_096) => ({
  model: 'claude-sonnet-5-5',
  system: ['You are helpful.'],
  messages: [{ role: 'user' as const, content: 'Explain lifespan events.' }],
  maxTokens,
});

describe('createClaude: how long an answer may take', () => {
  it('lets a healthy answer stream for longer than the per-attempt timeout', async () => {
    const { anthropic, claude } = await claudeAt({ timeoutMs: 400 });
    // Sixteen pieces 40 ms apart: 600 ms in all, past 400 ms, but never idle for anything near 400 ms.
    const pieces = Array.from({ length: 16 }, (_, i) => `part ${i}. `);
    anthropic.enqueue({ kind: 'text', text: pieces, tokenDelayMs: 40 });
    const outcome = await claude.stream(request(), () => {});
    expect(outcome.text).toBe(pieces.join(''));
    expect(outcome.stopReason).toBe('end_turn');
  });

  it('ends a stream that goes quiet mid-answer, keeping what arrived', async () => {
    const { anthropic, claude } = await claudeAt({ timeoutMs: 100 });
    anthropic.enqueue({ kind: 'text', text: ['First part. ', 'never sent'], tokenDelayMs: 5_000 });
    const failure = await claude.stream(request(), () => {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ClaudeError);
    expect(failure).toMatchObject({ kind: 'stream_broken', partialText: 'First part. ' });
  });

  it('gives up when the first token never comes', async () => {
    const { anthropic, claude } = await claudeAt({ timeoutMs: 100 });
    anthropic.enqueue({ kind: 'hang' });
    const failure = await claude.stream(request(), () => {}).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'timeout', partialText: '' });
  });

  it('caps a whole answer in proportion to max_tokens', async () => {
    // 256 tokens at no less than 1,000 tokens/s: the answer must end within 100 ms + 256 ms.
    const { anthropic, claude } = await claudeAt({ timeoutMs: 100, minTokensPerSecond: 1_000 });
    const pieces = Array.from({ length: 40 }, (_, i) => `slow ${i}. `);
    anthropic.enqueue({ kind: 'text', text: pieces, tokenDelayMs: 50 });
    const failure = await claude.stream(request(256), () => {}).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'timeout', message: 'Claude did not finish in time' });
    expect((failure as ClaudeError).partialText.startsWith('slow 0. ')).toBe(true);
  });
});
