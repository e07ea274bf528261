// parseAdrDraft: reading well-formed and drifting draft replies.

import { describe, expect, it } from 'vitest';
import { ADR_NOT_STATED, type AdrDraft } from '../../../src/adr/adr.js';
import { AdrDraftError, parseAdrDraft } from '../../../src/adr/draft-parse.js';
import { readAdr } from '../../../src/adr/file.js';
import { renderAdr } from '../../../src/adr/render.js';

const WELL_FORMED = `## Context
The \`/items\` endpoint uses offset pagination, and deep pages take seconds
because PostgreSQL walks every skipped row.

## Decision
Use keyset pagination on \`(created_at, id)\` with an opaque cursor.

\`\`\`python
# the cursor encodes the last row seen
## not a heading either
@router.get("/items")
async def list_items(cursor: str | None = None): ...
\`\`\`

## Consequences
### Positive
- Constant-time pages at any depth
- Stable results under concurrent inserts
### Negative
- Clients can no longer jump to page N
- The cursor format must be versioned

## Alternatives Considered
- **Offset pagination**: simplest, but O(n) on deep pages
- **Page tokens cached in Redis**: fast, but adds state that expires
`;

const WELL_FORMED_DRAFT: AdrDraft = {
  context:
    'The `/items` endpoint uses offset pagination, and deep pages take seconds because PostgreSQL walks every skipped row.',
  decision: [
    'Use keyset pagination on `(created_at, id)` with an opaque cursor.',
    '',
    '```python',
    '# the cursor encodes the last row seen',
    '## not a heading either',
    '@router.get("/items")',
    'async def list_items(cursor: str | None = None): ...',
    '```',
  ].join('\n'),
  positive: ['Constant-time pages at any depth', 'Stable results under concurrent inserts'],
  negative: ['Clients can no longer jump to page N', 'The cursor format must be versioned'],
  alternatives: [
    { name: 'Offset pagination', tradeoffs: 'simplest, but O(n) on deep pages' },
    { name: 'Page tokens cached in Redis', tradeoffs: 'fast, but adds state that expires' },
  ],
};

describe('parseAdrDraft', () => {
  it('reads a well-formed reply', () => {
    expect(parseAdrDraft(WELL_FORMED)).toEqual(WELL_FORMED_DRAFT);
    expect(parseAdrDraft(WELL_FORMED.replace(/\n/g, '\r\n'))).toEqual(WELL_FORMED_DRAFT);
  });

  it('reads h3 headings in any case, "*" bullets and other alternative spellings', () => {
    const reply = `### CONTEXT:
Deep pages are slow.

### Decision
Keyset pagination.

### consequences
#### Positive Consequences
* Fast at any depth
*   Stable under inserts,
    even at high write rates
#### Negative consequences
* No page numbers
  * the UI needs a "load more" button

### Alternatives considered
* __Offset__: simple
* GraphQL Relay connections — heavy for a REST API
* Seek method: same as keyset
1. Do nothing
`;
    expect(parseAdrDraft(reply)).toEqual({
      context: 'Deep pages are slow.',
      decision: 'Keyset pagination.',
      positive: ['Fast at any depth', 'Stable under inserts, even at high write rates'],
      negative: ['No page numbers; the UI needs a "load more" button'],
      alternatives: [
        { name: 'Offset', tradeoffs: 'simple' },
        { name: 'GraphQL Relay connections', tradeoffs: 'heavy for a REST API' },
        { name: 'Seek method', tradeoffs: 'same as keyset' },
        { name: 'Do nothing', tradeoffs: ADR_NOT_STATED },
      ],
    });
  });

  it('fills missing sections', () => {
    const reply = '## Context\nDeep pages are slow.\n\n## Decision\nKeyset pagination.\n';
    expect(parseAdrDraft(reply)).toEqual({
      context: 'Deep pages are slow.',
      decision: 'Keyset pagination.',
      positive: [],
      negative: [],
      alternatives: [],
    });
    expect(parseAdrDraft('## Decision\nKeyset pagination.').context).toBe(ADR_NOT_STATED);
    expect(parseAdrDraft('## Context\nSlow pages.\n## Decision\n\n## Consequences\n').decision).toBe(
      ADR_NOT_STATED,
    );
  });

  it('reads a reply without alternatives and with placeholder bullets', () => {
    const reply = WELL_FORMED.replace(/## Alternatives Considered[\s\S]*$/, '').replace(
      '- Clients can no longer jump to page N\n- The cursor format must be versioned',
      `- ${ADR_NOT_STATED}`,
    );
    expect(parseAdrDraft(reply)).toEqual({ ...WELL_FORMED_DRAFT, negative: [], alternatives: [] });
  });

  it('skips a preamble, a title line and a closing remark', () => {
    const reply = `Sure! Here is the ADR draft based on the thread:

# ADR: Use Keyset Pagination

${WELL_FORMED}
Let me know if you would like me to change anything.
`;
    expect(parseAdrDraft(reply)).toEqual(WELL_FORMED_DRAFT);
  });

  it('unwraps a reply wrapped in a Markdown fence', () => {
    expect(parseAdrDraft(`\`\`\`markdown\n${WELL_FORMED}\`\`\`\n`)).toEqual(WELL_FORMED_DRAFT);
    expect(parseAdrDraft(`Here it is:\n\n\`\`\`\`md\n${WELL_FORMED}\`\`\`\`\nDone.`)).toEqual(
      WELL_FORMED_DRAFT,
    );
  });

  it('reads MADR-style headings, labels and per-option headings', () => {
    const reply = `## Context and Problem Statement
Deep pages are slow.

## Decision Drivers
- latency

## Decision Outcome
Chosen option: keyset pagination.

### Rationale
It is the only option that stays fast.

### Positive Consequences
- fast

**Negative:**
- no page numbers

## Status
Accepted

## Considered Options
### Option 1: Offset pagination
Simple but slow.
- Pro: trivial to build
- Con: O(n)

### Option 2: Redis page tokens
`;
    expect(parseAdrDraft(reply)).toEqual({
      context: 'Deep pages are slow. latency',
      decision: 'Chosen option: keyset pagination.\n\n### Rationale\nIt is the only option that stays fast.',
      positive: ['fast'],
      negative: ['no page numbers'],
      alternatives: [
        { name: 'Offset pagination', tradeoffs: 'Simple but slow.; Pro: trivial to build; Con: O(n)' },
        { name: 'Redis page tokens', tradeoffs: ADR_NOT_STATED },
      ],
    });
  });

  it('sorts labelled bullets written straight under Consequences', () => {
    const reply = `## Decision
Keyset.

## Consequences
- **Positive:** fast
- Negative: no page numbers
- Risk - cursor leaks the sort key
- Stable under inserts
`;
    const draft = parseAdrDraft(reply);
    expect(draft.positive).toEqual(['fast', 'Stable under inserts']);
    expect(draft.negative).toEqual(['no page numbers', 'cursor leaks the sort key']);
  });

  it('throws AdrDraftError when there is neither a Context nor a Decision', () => {
    for (const reply of [
      '',
      "I'm sorry, but the thread does not contain an architectural decision I can document.",
      '## Consequences\n- fast\n\n## Alternatives Considered\n- **Offset**: slow\n',
      '```python\n## Context\n## Decision\n```',
      '## Context\n\n## Decision\n   \n',
    ]) {
      expect(() => parseAdrDraft(reply), reply).toThrow(AdrDraftError);
    }
  });

  it('feeds renderAdr: the drafted record reads back', () => {
    const text = renderAdr({
      number: 12,
      title: 'Use Keyset Pagination',
      status: 'Proposed',
      date: '2026-11-20',
      feature: null,
      draft: parseAdrDraft(WELL_FORMED),
      references: { threadPermalink: null, phr: null },
      proposedBy: 'Ada',
    });
    expect(readAdr(text, '0012-use-keyset-pagination.md')).toEqual({
      number: 12,
      title: 'Use Keyset Pagination',
      status: 'Proposed',
      date: '2026-11-20',
    });
    expect(text).toContain(`## Decision\n\n${WELL_FORMED_DRAFT.decision}\n\n## Consequences\n`);
  });
});
