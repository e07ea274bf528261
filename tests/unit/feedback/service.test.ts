import { describe, expect, it } from 'vitest';
import { createFeedbackService, feedbackValue, parseFeedbackValue } from '../../../src/feedback/service.js';
import { SqliteFeedbackStore } from '../../../src/feedback/store-sqlite.js';
import { createLogger } from '../../../src/log.js';
import { redactSecrets } from '../../../src/security/redact.js';
import { openDatabase } from '../../../src/store/database.js';

const logger = createLogger({ level: 'error', write: () => {} });

describe('feedback button values', () => {
  it('carry the vote and the public id, and read back', async () => {
    expect(feedbackValue('positive', 'abc_DEF-123')).toBe('up:abc_DEF-123');
    expect(parseFeedbackValue('down:abc_DEF-123')).toEqual({ vote: 'negative', phrPublicId: 'abc_DEF-123' });
  });

  it('refuse values the bot did not make', async () => {
    for (const value of ['', 'up:', 'left:abc', 'up:a b', 'up:<script>', `up:${'x'.repeat(65)}`]) {
      expect(parseFeedbackValue(value)).toBeUndefined();
    }
  });
});

describe('createFeedbackService', () => {
  it('redacts and cuts comments like questions, drops empty ones, and reports votes', async () => {
    const store = new SqliteFeedbackStore(openDatabase(':memory:'));
    const events: string[] = [];
    const service = createFeedbackService({
      store,
      textPolicy: { maxChars: 60, redact: redactSecrets },
      logger,
      onVote: (vote) => events.push(vote),
      onComment: () => events.push('comment'),
    });
    const who = { phrPublicId: 'phrA', userId: 'U1', teamId: 'T1' };
    await service.vote({ ...who, vote: 'negative' });
    await service.comment({ ...who, text: '   ' });
    await service.comment({ ...who, text: 'password=hunter22 is wrong' });
    const summary = await service.summary('phrA');
    expect(summary).toMatchObject({ positive: 0, negative: 1 });
    expect(summary.comments).toHaveLength(1);
    expect(summary.comments[0]).toContain('[REDACTED]');
    expect(summary.comments[0]).not.toContain('hunter22');
    expect(events).toEqual(['negative', 'comment']);
    expect(await service.recentCounts('T1', 7)).toEqual({ positive: 0, negative: 1 });
  });
});
