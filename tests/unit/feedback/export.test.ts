import { describe, expect, it } from 'vitest';
import { feedbackLines } from '../../../src/feedback/export.js';
import type { RatedPhrRow, StoredVote } from '../../../src/feedback/store.js';

const MARKDOWN = [
  '---',
  'id: "0003"',
  'title: Pick An ORM',
  '---',
  '',
  '## Prompt',
  '',
  '```text',
  'Which ORM? token=abc',
  '```',
  '',
  '## Response snapshot',
  '',
  '```markdown',
  'SQLAlchemy 2.',
  '```',
  '',
  '## Sources',
  '- [SQL Databases](<https://fastapi.tiangolo.com/tutorial/sql-databases/>)',
  '',
  '## Outcome',
  '',
].join('\n');

describe('feedbackLines', () => {
  it('writes one JSON line per rated answer, with its sources, votes and comments, redacted', async () => {
    const row: RatedPhrRow = {
      publicId: 'phrA',
      number: 3,
      title: 'Pick An ORM',
      stage: 'general',
      markdown: MARKDOWN,
      createdAt: '2026-03-01T10:00:00.000Z',
    };
    const votes: StoredVote[] = [
      { vote: 'negative', comment: 'token=abc leaked' },
      { vote: 'positive', comment: null },
    ];
    const lines = await feedbackLines(
      { ratedSince: async () => [row], votesOf: async () => votes },
      new Date(0),
      (text) => text.replaceAll('abc', '[REDACTED]'),
    );
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        phr: 'phrA',
        created_at: '2026-03-01T10:00:00.000Z',
        question: 'Which ORM? token=[REDACTED]',
        answer: 'SQLAlchemy 2.',
        sources: [{ title: 'SQL Databases', url: 'https://fastapi.tiangolo.com/tutorial/sql-databases/' }],
        votes: { positive: 1, negative: 1 },
        comments: ['token=[REDACTED] leaked'],
      },
    ]);
  });
});
