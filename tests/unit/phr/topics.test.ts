// topicLabels: topic labels from a fixed vocabulary.

import { describe, expect, it } from 'vitest';
import { topicLabels } from '../../../src/phr/topics.js';

describe('topicLabels', () => {
  it('finds the topics of a question', () => {
    expect(topicLabels('How do I add efficient pagination to my `/items` endpoint?')).toEqual([
      'api-design',
      'pagination',
    ]);
    expect(topicLabels('Should I use async def or def for SQLAlchemy sessions?')).toEqual([
      'sqlalchemy',
      'async',
    ]);
    expect(topicLabels('JWT auth with OAuth2 password flow and Depends')).toEqual([
      'auth',
      'jwt',
      'dependencies',
    ]);
    expect(topicLabels('Write pytest tests for a Celery background task')).toEqual([
      'background-tasks',
      'testing',
    ]);
  });

  it('returns nothing for unrelated text', () => {
    expect(topicLabels('hi')).toEqual([]);
    expect(topicLabels('')).toEqual([]);
  });

  it('ignores link targets', () => {
    expect(topicLabels('see <https://example.com/docker/redis|this page>')).toEqual([]);
  });

  it('keeps at most 5, preferring the most mentioned, in vocabulary order', () => {
    const text =
      'Slow SQLAlchemy query, slow database, slow endpoint: add redis caching, cache results, cache headers; ' +
      'write pytest tests; deploy with docker; log errors; validate with pydantic; jwt auth; websockets';
    const labels = topicLabels(text);
    expect(labels).toHaveLength(5);
    expect(labels).toContain('caching');
    expect(labels).toContain('performance');
    expect(topicLabels(text)).toEqual(labels);
    const order = ['api-design', 'database', 'sqlalchemy', 'performance', 'caching', 'testing'];
    const positions = labels.map((label) => order.indexOf(label)).filter((index) => index !== -1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});
