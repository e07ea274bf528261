// Drafts, records and structure checks shared by the ADR tests.

import { expect } from 'vitest';
import type { AdrDraft, AdrRecord } from '../../../src/adr/adr.js';
import { codeLineMask } from '../../../src/adr/fences.js';

export function draft(overrides: Partial<AdrDraft> = {}): AdrDraft {
  return {
    context:
      'The `/items` endpoint uses offset pagination, and pages deep in the list take seconds because PostgreSQL scans every skipped row.',
    decision: [
      'Paginate `/items` with an opaque cursor holding the last `(created_at, id)` pair.',
      '',
      '```python',
      "@router.get('/items')",
      'async def list_items(cursor: str | None = None, limit: int = 50): ...',
      '```',
    ].join('\n'),
    positive: ['Constant-time pages at any depth', 'Stable results while rows are inserted'],
    negative: ['No jumping to an arbitrary page number'],
    alternatives: [
      { name: 'Offset pagination', tradeoffs: 'simple, but slow on deep pages' },
      { name: 'Page tokens in Redis', tradeoffs: 'fast, but adds state that expires' },
    ],
    ...overrides,
  };
}

export function record(overrides: Partial<AdrRecord> = {}): AdrRecord {
  return {
    number: 7,
    title: 'Use Keyset Pagination for Items',
    status: 'Proposed',
    date: '2026-11-20',
    feature: '001-items-api',
    draft: draft(),
    references: {
      threadPermalink: 'https://acme.slack.com/archives/C0123/p1763600000000100',
      phr: { label: 'PHR-0012 (001-items-api)', url: 'https://bot.acme.dev/records/phr/0012?sig=abc' },
      related: ['0003-use-postgresql'],
    },
    proposedBy: 'Ada Lovelace',
    ...overrides,
  };
}

export const FULL_RECORD_TEXT = `# ADR-0007: Use Keyset Pagination for Items

- **Status:** Proposed
- **Date:** 2026-11-20
- **Feature:** 001-items-api
- **Context:** The \`/items\` endpoint uses offset pagination, and pages deep in the list take seconds because PostgreSQL scans every skipped row.

## Decision

Paginate \`/items\` with an opaque cursor holding the last \`(created_at, id)\` pair.

\`\`\`python
@router.get('/items')
async def list_items(cursor: str | None = None, limit: int = 50): ...
\`\`\`

## Consequences

### Positive

- Constant-time pages at any depth
- Stable results while rows are inserted

### Negative

- No jumping to an arbitrary page number

## Alternatives Considered

- **Offset pagination**: simple, but slow on deep pages
- **Page tokens in Redis**: fast, but adds state that expires

## References

- Slack thread: <https://acme.slack.com/archives/C0123/p1763600000000100>
- Prompt history: [PHR-0012 (001-items-api)](https://bot.acme.dev/records/phr/0012?sig=abc)
- Related ADR: [0003-use-postgresql](0003-use-postgresql.md)
- Proposed by: Ada Lovelace
`;

/** The section headings a rendered ADR has, in order; any other `#`/`##` heading outside code is an injection. */
const STRUCTURE = [
  '## Decision',
  '## Consequences',
  '### Positive',
  '### Negative',
  '## Alternatives Considered',
  '## References',
];

/**
 * Any list item whose text starts like a status entry, in any spelling a reader might accept ("- **Status:**",
 * "* Status :", "1. __status__:"), outside fenced code.
 */
const ANY_STATUS_ITEM = /^\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s+[*_]*\s*status\s*[*_]*\s*:/i;

function outsideCode(text: string): string[] {
  const lines = text.split('\n');
  const mask = codeLineMask(lines);
  return lines.filter((_line, index) => !mask[index]);
}

/** A line with its inline code spans (a backtick run up to the next run of the same length) removed. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}

/** The structural invariants every rendered ADR keeps, whatever the draft held. */
export function expectStructure(text: string): void {
  const lines = outsideCode(text);
  // Outside code, so this also shows the fixed sections never end up inside a code block the draft opened.
  const headings = lines.filter((line) => /^ {0,3}#{1,2}(?:[ \t]|$)/.test(line));
  expect(headings[0]).toMatch(/^# ADR-\d{4,}: \S/);
  expect(headings.slice(1)).toEqual(STRUCTURE.filter((heading) => heading.startsWith('## ')));
  const consequences = lines.indexOf('## Consequences');
  const alternatives = lines.indexOf('## Alternatives Considered');
  expect(lines.slice(consequences, consequences + 3)).toEqual(['## Consequences', '', '### Positive']);
  expect(lines.slice(consequences, alternatives).filter((line) => line === '### Negative')).toHaveLength(1);
  expect(lines.filter((line) => ANY_STATUS_ITEM.test(line))).toHaveLength(1);
  expect(lines.filter((line) => /^- \*\*(?:Status|Date|Feature|Context):\*\* /.test(line))).toHaveLength(4);
  for (const line of lines) {
    // Inside a code span `<!--` is code, shown as written; anywhere else it would be an HTML comment.
    expect(withoutCodeSpans(line)).not.toContain('<!--');
    // An HTML block (comment, tag) at a line start would run on past blank lines and swallow sections.
    expect(line).not.toMatch(/^ {0,3}(?:(?:>|[-*+]|\d+[.)])[ \t]*)*<[A-Za-z/!?]/);
  }
  expect(text.endsWith('\n')).toBe(true);
}

/** Indexes of the lines that differ between two texts of the same line count. */
export function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, index) => (line === b[index] ? [] : [index]));
}
