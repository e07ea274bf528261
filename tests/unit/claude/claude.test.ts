import { describe, expect, it, onTestFinished } from 'vitest';
import { ClaudeError, createClaude } from '../../../src/claude/claude.js';
import type { ClaudeTool, ToolContent } from '../../../src/claude/tools.js';
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
    // 400 ms: room for the first event on a loaded machine; the silence after it is 5 s.
    const { anthropic, claude } = await claudeAt({ timeoutMs: 400 });
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

describe('createClaude: client tools', () => {
  const docsTool = (run: (input: unknown) => Promise<ToolContent[]>): ClaudeTool => ({
    name: 'search_fastapi_docs',
    description: 'Search the FastAPI docs.',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    run,
  });
  const lifespan: ToolContent = {
    type: 'search_result',
    source: 'https://fastapi.tiangolo.com/advanced/events/#lifespan',
    title: 'Lifespan Events > Lifespan',
    content: [{ type: 'text', text: 'Use the lifespan parameter of FastAPI.' }],
    citations: { enabled: true },
  };

  it('runs a tool the model calls and keeps streaming the answer, with its citations', async () => {
    const { anthropic, claude } = await claudeAt({ timeoutMs: 5_000 });
    anthropic.enqueue(
      {
        kind: 'text',
        text: 'Let me check the docs. ',
        toolUse: { name: 'search_fastapi_docs', input: { query: 'startup' } },
      },
      {
        kind: 'text',
        text: 'Use lifespan.',
        citations: [
          { source: lifespan.source, title: lifespan.title, cited_text: 'Use the lifespan parameter' },
        ],
      },
    );
    const inputs: unknown[] = [];
    const steps: string[] = [];
    const streamed: string[] = [];
    const outcome = await claude.stream(
      {
        ...request(),
        tools: {
          tools: [
            docsTool(async (input) => {
              inputs.push(input);
              return [lifespan];
            }),
          ],
          maxCalls: 3,
          onCall: (name) => steps.push(name),
        },
      },
      (delta) => streamed.push(delta),
    );
    expect(inputs).toEqual([{ query: 'startup' }]);
    expect(steps).toEqual(['search_fastapi_docs']);
    expect(streamed.join('')).toBe('Let me check the docs. Use lifespan.');
    expect(outcome).toMatchObject({
      text: 'Let me check the docs. Use lifespan.',
      stopReason: 'end_turn',
      toolCalls: 1,
    });
    expect(outcome.citations).toEqual([
      { source: lifespan.source, title: lifespan.title, citedText: 'Use the lifespan parameter' },
    ]);
    // The second request repeats the tool call and answers it, under the same tools (a stable cached prefix).
    const [first, second] = anthropic.requests.map((r) => r.body);
    expect(second?.tools).toEqual(first?.tools);
    const messages = second?.messages as {
      role: string;
      content: { type: string; [key: string]: unknown }[];
    }[];
    const call = messages.at(-2)?.content.find((block) => block.type === 'tool_use');
    const result = messages.at(-1)?.content[0];
    expect(call).toMatchObject({ name: 'search_fastapi_docs', input: { query: 'startup' } });
    expect(result).toMatchObject({
      type: 'tool_result',
      tool_use_id: call?.id,
      content: [lifespan],
      cache_control: { type: 'ephemeral' },
    });
  });

  it('turns a failing tool into a result the model reads, and stops running tools past the limit', async () => {
    const { anthropic, claude } = await claudeAt({ timeoutMs: 5_000 });
    const search = { name: 'search_fastapi_docs', input: { query: 'q' } };
    anthropic.enqueue(
      { kind: 'text', text: '', toolUse: search },
      { kind: 'text', text: '', toolUse: search },
      { kind: 'text', text: 'Answered without the docs.' },
    );
    let runs = 0;
    const outcome = await claude.stream(
      {
        ...request(),
        tools: {
          tools: [
            docsTool(async () => {
              runs++;
              throw new Error('index missing');
            }),
          ],
          maxCalls: 1,
        },
      },
      () => {},
    );
    expect(outcome.text).toBe('Answered without the docs.');
    expect(runs).toBe(1);
    const resultOf = (i: number) => {
      const messages = (anthropic.requests[i]?.body.messages ?? []) as { content: unknown[] }[];
      return messages.at(-1)?.content[0];
    };
    expect(resultOf(1)).toMatchObject({ is_error: true, content: expect.stringContaining('index missing') });
    expect(resultOf(2)).toMatchObject({
      is_error: true,
      content: expect.stringContaining('Only 1 calls per answer'),
    });
  });
});
