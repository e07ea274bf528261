import { describe, expect, it } from 'vitest';
import { type AnswerQuestionDeps, createAnswerQuestion } from '../../../src/answering/answer-question.js';
import type { AnsweringPort } from '../../../src/answering/port.js';
import type { Question } from '../../../src/inbox/store.js';
import { silentLogger } from '../../../src/log.js';

// Closing a delivered answer: the database may fail or say another replica took the question over.

const question: Question = {
  id: 7,
  source: 'mention',
  teamId: 'T1',
  channelId: 'C1',
  messageKey: '1.1',
  threadTs: '1.1',
  userId: 'U1',
  userTeamId: null,
  text: 'How do I paginate?',
  responseUrl: null,
  state: 'answering',
  attempts: 1,
  partialTs: null,
  createdAt: new Date(0).toISOString(),
};

/** The use case with every collaborator recording what it was asked; `finish` behaves as given. */
function answering(finish: () => Promise<boolean>) {
  const calls: string[] = [];
  const port = new Proxy({} as AnsweringPort, {
    get: (_target, name: string) => {
      if (name === 'sink') return () => ({});
      if (name === 'failureReason') return () => undefined;
      if (name === 'userName') return async () => 'Ada';
      return async (...args: unknown[]) => {
        calls.push(name === 'notify' ? `notify ${String(args[1])}` : name);
        return null;
      };
    },
  });
  const deps = {
    inbox: {
      setThread: async () => {},
      setPartial: async () => {},
      finish: async () => {
        calls.push('finish');
        return finish();
      },
    },
    store: { hasThread: async () => true },
    conversation: {
      answer: async () => ({
        ok: true,
        text: 'Use limit and offset.',
        answerTs: '1.2',
        model: 'claude',
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
        latencyMs: 1,
        costUsd: 0,
        notes: [],
        sources: [],
      }),
    },
    phrService: {
      record: async () => {
        calls.push('record');
        return {
          label: 'PHR-0001 (general)',
          url: 'u',
          title: 't',
          path: null,
          publicId: 'p',
          createdAt: '',
        };
      },
    },
    budgetExhausted: async () => false,
    agentName: 'fastapi',
    logger: silentLogger,
  } as unknown as AnswerQuestionDeps;
  return { run: () => createAnswerQuestion(deps)(question, port, new AbortController().signal), calls };
}

describe('closing a delivered answer', () => {
  it('retries a failing database instead of telling the asker the answer was not delivered', async () => {
    let tries = 0;
    const { run, calls } = answering(async () => {
      if (++tries < 3) throw new Error('connection reset');
      return true;
    });
    await run();
    expect(calls.filter((call) => call === 'finish')).toHaveLength(3);
    expect(calls).toContain('record');
    expect(calls).not.toContain('notify delivery_failed');
  });

  it('records nothing more when another replica took the question over', async () => {
    const { run, calls } = answering(async () => false);
    await run();
    expect(calls).toEqual(['finish']);
  });

  it('gives up quietly when the database stays away: the answer is in the thread, no failure is posted', async () => {
    const { run, calls } = answering(async () => {
      throw new Error('connection refused');
    });
    await run();
    expect(calls).toEqual(['finish', 'finish', 'finish', 'finish']);
  });
});
