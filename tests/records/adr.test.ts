import { describe, expect, it } from 'vitest';
import {
  ADR_DIR,
  ADR_DIR_FILE,
  ADR_DIR_FILE_CONTENT,
  ADR_NOT_STATED,
  type AdrDraft,
  AdrFormatError,
  type AdrRecord,
  type AdrStatus,
  adrFileName,
  adrId,
  codeLineMask,
  formatAdrStatus,
  parseAdrStatus,
  readAdr,
  renderAdr,
  setAdrStatus,
} from '../../src/records/adr.js';
import { seededRandom as seeded } from '../helpers/random.js';

function draft(overrides: Partial<AdrDraft> = {}): AdrDraft {
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

function record(overrides: Partial<AdrRecord> = {}): AdrRecord {
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

const FULL_RECORD_TEXT = `# ADR-0007: Use Keyset Pagination for Items

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
function expectStructure(text: string): void {
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
function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, index) => (line === b[index] ? [] : [index]));
}

describe('file names and companion files', () => {
  it('names the file NNNN-slug.md with the shared slug rules', () => {
    expect(adrFileName(7, 'Use Keyset Pagination for Items')).toBe('0007-use-keyset-pagination-for-items.md');
    expect(adrFileName(12345, 'Café: SQLAlchemy 2.0 / async?')).toBe('12345-cafe-sqlalchemy-2-0-async.md');
    expect(adrFileName(1, '  \n!!  ')).toBe('0001-untitled.md');
    expect(adrId(42, 'Use Redis\nfor Caching')).toBe('0042-use-redis-for-caching');
  });

  it('refuses numbers that are not positive integers', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => adrFileName(bad, 'x'), String(bad)).toThrow(/ADR number/);
    }
  });

  it('points adr-tools at history/adr', () => {
    expect(ADR_DIR).toBe('history/adr');
    expect(ADR_DIR_FILE).toBe('.adr-dir');
    expect(ADR_DIR_FILE_CONTENT).toBe('history/adr\n');
  });
});

describe('renderAdr', () => {
  it('renders the records-format layout exactly', () => {
    expect(renderAdr(record())).toBe(FULL_RECORD_TEXT);
    expectStructure(FULL_RECORD_TEXT);
  });

  it('fills empty fields and lists, and leaves out missing references', () => {
    const text = renderAdr(
      record({
        feature: null,
        draft: draft({ context: ' \n ', decision: '\n\n', positive: [], negative: ['  '], alternatives: [] }),
        references: { threadPermalink: null, phr: { label: 'PHR-0003 (general)', url: null } },
        proposedBy: '',
      }),
    );
    expect(text).toContain(
      `- **Feature:** none\n- **Context:** ${ADR_NOT_STATED}\n\n## Decision\n\n${ADR_NOT_STATED}\n`,
    );
    expect(text).toContain(`### Positive\n\n- ${ADR_NOT_STATED}\n\n### Negative\n\n- ${ADR_NOT_STATED}\n`);
    expect(text).toContain(`## Alternatives Considered\n\n- ${ADR_NOT_STATED}\n`);
    expect(
      text.endsWith('## References\n\n- Prompt history: PHR-0003 (general)\n- Proposed by: unknown\n'),
    ).toBe(true);
    expectStructure(text);
  });

  it('writes each status as exactly one value', () => {
    const statuses: Array<[AdrStatus, string]> = [
      ['Proposed', 'Proposed'],
      ['Accepted', 'Accepted'],
      ['Rejected', 'Rejected'],
      ['Deprecated', 'Deprecated'],
      [{ supersededBy: '0009-use-redis' }, 'Superseded by [0009-use-redis](0009-use-redis.md)'],
      [{ supersededBy: '0009-use-redis.md' }, 'Superseded by [0009-use-redis](0009-use-redis.md)'],
    ];
    for (const [status, line] of statuses) {
      expect(renderAdr(record({ status })).split('\n')[2]).toBe(`- **Status:** ${line}`);
      expect(formatAdrStatus(status)).toBe(line);
    }
  });

  it('refuses values that would corrupt the file', () => {
    expect(() => renderAdr(record({ date: '20/11/2026' }))).toThrow(RangeError);
    expect(() => renderAdr(record({ status: 'Approved' as AdrStatus }))).toThrow(/unknown ADR status/);
    expect(() => renderAdr(record({ status: { supersededBy: '9' } }))).toThrow(/supersededBy/);
    expect(() => renderAdr(record({ status: { supersededBy: '0009-x)\n- **Status:** Accepted' } }))).toThrow(
      RangeError,
    );
    expect(() =>
      renderAdr(record({ references: { threadPermalink: 'javascript:alert(1)', phr: null } })),
    ).toThrow(/http/);
    expect(() =>
      renderAdr(record({ references: { threadPermalink: null, phr: null, related: ['ADR 3'] } })),
    ).toThrow(/related/);
  });

  it('keeps link targets intact', () => {
    const text = renderAdr(
      record({
        references: {
          threadPermalink: 'https://acme.slack.com/archives/C1/p1?thread_ts=1.2&cid=C1',
          phr: { label: 'PHR [7]', url: 'https://bot.acme.dev/r/(x)' },
          related: ['0003-a', '0003-a.md', '0004-b'],
        },
      }),
    );
    expect(text).toContain('- Slack thread: <https://acme.slack.com/archives/C1/p1?thread_ts=1.2&cid=C1>\n');
    expect(text).toContain('- Prompt history: [PHR \\[7\\]](https://bot.acme.dev/r/%28x%29)\n');
    expect(text).toContain('- Related ADR: [0003-a](0003-a.md)\n- Related ADR: [0004-b](0004-b.md)\n');
  });
});

describe('readAdr', () => {
  it('reads back what renderAdr wrote, the number from the file name', () => {
    expect(readAdr(FULL_RECORD_TEXT, 'history/adr/0007-use-keyset-pagination-for-items.md')).toEqual({
      number: 7,
      title: 'Use Keyset Pagination for Items',
      status: 'Proposed',
      date: '2026-11-20',
    });
    // 0010 is ten, not octal eight.
    expect(readAdr(FULL_RECORD_TEXT, '0010-x.md').number).toBe(10);
    expect(readAdr(FULL_RECORD_TEXT, 'C:\\repo\\history\\adr\\0011-x.md').number).toBe(11);
  });

  it('reads supersession as plain text that parseAdrStatus maps back', () => {
    const text = renderAdr(record({ status: { supersededBy: '0009-use-redis' } }));
    const { status } = readAdr(text, '0007-x.md');
    expect(status).toBe('Superseded by 0009-use-redis');
    expect(parseAdrStatus(status)).toEqual({ supersededBy: '0009-use-redis' });
    expect(parseAdrStatus('Superseded by [0009-use-redis](0009-use-redis.md)')).toEqual({
      supersededBy: '0009-use-redis',
    });
    expect(parseAdrStatus('accepted')).toBe('Accepted');
    expect(parseAdrStatus('Accepted, pending review')).toBeNull();
  });

  it('reads adr-tools and log4brains files too', () => {
    const adrTools =
      '# 1. Record architecture decisions\n\nDate: 2017-11-04\n\n## Status\n\nAccepted\n\n## Context\n\nx\n';
    expect(readAdr(adrTools, 'doc/adr/0001-record-architecture-decisions.md')).toEqual({
      number: 1,
      title: 'Record architecture decisions',
      status: 'Accepted',
      date: '2017-11-04',
    });
    const log4brains =
      '# Use Markdown ADRs\n\n- Status: accepted\n- Date: 2020-10-01\n- Tags: doc\n\n## Context\n';
    expect(readAdr(log4brains, '20201001-use-markdown-adrs.md')).toEqual({
      number: 20201001,
      title: 'Use Markdown ADRs',
      status: 'accepted',
      date: '2020-10-01',
    });
  });

  it('reads CRLF files and a BOM', () => {
    const text = `\ufeff${FULL_RECORD_TEXT.replace(/\n/g, '\r\n')}`;
    expect(readAdr(text, '0007-x.md')).toEqual(readAdr(FULL_RECORD_TEXT, '0007-x.md'));
  });

  it('throws AdrFormatError for what is not an ADR', () => {
    expect(() => readAdr(FULL_RECORD_TEXT, 'README.md')).toThrow(AdrFormatError);
    expect(() => readAdr(FULL_RECORD_TEXT, '0007-x.txt')).toThrow(AdrFormatError);
    expect(() => readAdr('no title\n- **Status:** Proposed\n', '0007-x.md')).toThrow(/title/);
    expect(() => readAdr('# ADR-0007: X\n\n## Decision\n\n- **Status:** Accepted\n', '0007-x.md')).toThrow(
      /status/,
    );
  });
});

describe('setAdrStatus', () => {
  const statuses: Array<[AdrStatus, string, string]> = [
    ['Proposed', 'Proposed', 'Proposed'],
    ['Accepted', 'Accepted', 'Accepted'],
    ['Rejected', 'Rejected', 'Rejected'],
    ['Deprecated', 'Deprecated', 'Deprecated'],
    [
      { supersededBy: '0012-use-cursor-library' },
      'Superseded by [0012-use-cursor-library](0012-use-cursor-library.md)',
      'Superseded by 0012-use-cursor-library',
    ],
  ];

  for (const [status, markdown, plain] of statuses) {
    it(`rewrites only the status line to ${plain}`, () => {
      const next = setAdrStatus(FULL_RECORD_TEXT, status);
      expect(changedLines(FULL_RECORD_TEXT, next)).toEqual(
        next === FULL_RECORD_TEXT ? [] : [FULL_RECORD_TEXT.split('\n').indexOf('- **Status:** Proposed')],
      );
      expect(next.split('\n')[2]).toBe(`- **Status:** ${markdown}`);
      expect(readAdr(next, '0007-x.md').status).toBe(plain);
    });
  }

  it('appends a note as a "Status change" line at the end of References', () => {
    const accepted = setAdrStatus(FULL_RECORD_TEXT, 'Accepted', 'accepted by Ada on 2026-11-26');
    expect(accepted).toBe(
      FULL_RECORD_TEXT.replace('- **Status:** Proposed', '- **Status:** Accepted').concat(
        '- Status change: Accepted — accepted by Ada on 2026-11-26\n',
      ),
    );
    const superseded = setAdrStatus(
      accepted,
      { supersededBy: '0012-x' },
      'superseded by\nGrace\t on 2027-01-02',
    );
    expect(
      superseded.endsWith(
        '- Proposed by: Ada Lovelace\n' +
          '- Status change: Accepted — accepted by Ada on 2026-11-26\n' +
          '- Status change: Superseded by [0012-x](0012-x.md) — superseded by Grace on 2027-01-02\n',
      ),
    ).toBe(true);
    expect(readAdr(superseded, '0007-x.md').status).toBe('Superseded by 0012-x');
    expectStructure(superseded);
  });

  it('leaves an empty or blank note out', () => {
    expect(setAdrStatus(FULL_RECORD_TEXT, 'Accepted', ' \n ')).toBe(
      setAdrStatus(FULL_RECORD_TEXT, 'Accepted'),
    );
  });

  it('puts the note at the end of References even when sections follow it', () => {
    const text = `${FULL_RECORD_TEXT}\n## Notes\n\nA human added this.\n`;
    const next = setAdrStatus(text, 'Rejected', 'rejected by Bob');
    expect(next).toBe(
      text
        .replace('- **Status:** Proposed', '- **Status:** Rejected')
        .replace(
          '- Proposed by: Ada Lovelace\n',
          '- Proposed by: Ada Lovelace\n- Status change: Rejected — rejected by Bob\n',
        ),
    );
  });

  it('adds a References section when a hand-written file has none', () => {
    const text = '# ADR-0002: X\n\n- **Status:** Proposed\n\n## Decision\n\nY\n';
    expect(setAdrStatus(text, 'Accepted', 'ok')).toBe(
      '# ADR-0002: X\n\n- **Status:** Accepted\n\n## Decision\n\nY\n\n## References\n\n- Status change: Accepted — ok\n',
    );
    expect(setAdrStatus(text.trimEnd(), 'Accepted', 'ok')).toBe(
      '# ADR-0002: X\n\n- **Status:** Accepted\n\n## Decision\n\nY\n\n## References\n\n- Status change: Accepted — ok\n',
    );
  });

  it('keeps CRLF line ends and a hand-written status bullet style', () => {
    const text = '# X\r\n\r\n* Status: proposed\r\n* Date: 2020-01-01\r\n\r\n## References\r\n\r\n- a\r\n';
    expect(setAdrStatus(text, 'Deprecated', 'old')).toBe(
      '# X\r\n\r\n* Status: Deprecated\r\n* Date: 2020-01-01\r\n\r\n## References\r\n\r\n- a\r\n- Status change: Deprecated — old\r\n',
    );
    const noFinalNewline = text.replace(/\r\n$/, '');
    expect(setAdrStatus(noFinalNewline, 'Deprecated', 'old')).toBe(
      '# X\r\n\r\n* Status: Deprecated\r\n* Date: 2020-01-01\r\n\r\n## References\r\n\r\n- a\r\n- Status change: Deprecated — old',
    );
  });

  it('fills an empty References section', () => {
    const text = '# X\n\n- **Status:** Proposed\n\n## References\n\n## Notes\n';
    expect(setAdrStatus(text, 'Accepted', 'ok')).toBe(
      '# X\n\n- **Status:** Accepted\n\n## References\n\n- Status change: Accepted — ok\n\n## Notes\n',
    );
  });

  it('throws when there is no status bullet above the sections', () => {
    const adrTools = '# 1. Record architecture decisions\n\n## Status\n\nAccepted\n';
    expect(() => setAdrStatus(adrTools, 'Deprecated')).toThrow(AdrFormatError);
    expect(() => setAdrStatus(FULL_RECORD_TEXT, 'Done' as AdrStatus)).toThrow(RangeError);
  });
});

describe('hostile drafts and titles', () => {
  const HOSTILE = record({
    title: 'Pagination\n- **Status:** Accepted\n## Decision <!-- x --> ##',
    feature: 'auth\n- **Status:** Rejected',
    proposedBy: 'Mallory\n\n## References\n- **Status:** Accepted',
    draft: {
      context:
        'Slow pages.\n\n- **Status:** Accepted\n\n## Decision\nApproved already. <!-- status: accepted -->',
      decision: [
        'Use keyset pagination.',
        '# ADR-0008: Fake second record',
        '- **Status:** Accepted',
        '* Status: Rejected',
        '1. __Status__: Deprecated',
        '> - **Status:** Accepted',
        '## References',
        '- Status change: Accepted',
        'Setext heading',
        '==============',
        'Another',
        '---',
        '<!-- an HTML comment',
        '- **Status:** Accepted',
        '-->',
        '<script>alert(1)</script> and List<int> and <https://example.com>',
        '```python',
        '# a comment in code stays as written',
        "x = '<!-- not a comment here -->'",
        '```',
        '~~~',
        'an unclosed fence must not swallow the sections after it',
      ].join('\n'),
      positive: ['- **Status:** Accepted', '## Consequences', '```', '<!-- x -->', '1. one', '***'],
      negative: ['**Status:** Accepted', 'Status: Rejected', '> quote', '# h1'],
      alternatives: [
        { name: 'Status', tradeoffs: 'Accepted' },
        { name: '**Status:**', tradeoffs: 'Accepted\n## References' },
      ],
    },
  });

  it('keeps the structure: one title, one status, the fixed sections, no HTML comment', () => {
    const text = renderAdr(HOSTILE);
    expectStructure(text);
    const lines = text.split('\n');
    expect(lines[0]).toBe('# ADR-0007: Pagination - **Status:** Accepted ## Decision &lt;!-- x --> \\##');
    expect(lines[2]).toBe('- **Status:** Proposed');
    expect(lines[4]).toBe('- **Feature:** auth - **Status:** Rejected');
    expect(lines[5]).toBe(
      '- **Context:** Slow pages. - **Status:** Accepted ## Decision Approved already. &lt;!-- status: accepted -->',
    );
    expect(text).toContain(
      '### ADR-0008: Fake second record\n- **Status&#58;** Accepted\n* Status&#58; Rejected\n',
    );
    expect(text).toContain('1. __Status__&#58; Deprecated\n> - **Status&#58;** Accepted\n### References\n');
    expect(text).toContain('Setext heading\n\n==============\nAnother\n\n---\n');
    expect(text).toContain('&lt;script>alert(1)&lt;/script> and List&lt;int> and <https://example.com>');
    // Code is code: left byte for byte.
    expect(text).toContain(
      "```python\n# a comment in code stays as written\nx = '<!-- not a comment here -->'\n```\n",
    );
    expect(text).toContain(
      '~~~\nan unclosed fence must not swallow the sections after it\n~~~\n\n## Consequences',
    );
    expect(text).toContain(
      '- \\- **Status:** Accepted\n- \\## Consequences\n- \\```\n- &lt;!-- x -->\n- 1\\. one\n- \\***\n',
    );
    expect(text).toContain('- **Status&#58;** Accepted\n- Status&#58; Rejected\n- \\> quote\n- \\# h1\n');
    expect(text).toContain('- **Status**&#58; Accepted\n- **\\*\\*Status:\\*\\***: Accepted ## References\n');
    expect(text).toContain('- Proposed by: Mallory ## References - **Status:** Accepted\n');
  });

  it('still reads and updates exactly the one status line', () => {
    const text = renderAdr(HOSTILE);
    expect(readAdr(text, '0007-pagination.md').status).toBe('Proposed');
    const accepted = setAdrStatus(text, 'Accepted', 'accepted by Ada\n- **Status:** Rejected <!-- x -->');
    expect(readAdr(accepted, '0007-pagination.md').status).toBe('Accepted');
    expectStructure(accepted);
    const before = text.split('\n');
    const after = accepted.split('\n');
    // The status line changed, one note line was added at the very end, nothing else moved.
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((line, index) => line !== before[index]).slice(0, 1)).toEqual([
      '- **Status:** Accepted',
    ]);
    expect(after.slice(3, -2)).toEqual(before.slice(3, -1));
    expect(after.at(-2)).toBe(
      '- Status change: Accepted — accepted by Ada - **Status:** Rejected &lt;!-- x -->',
    );
  });

  it('keeps fences balanced so later sections stay outside code', () => {
    const cases = [
      '```\nunclosed',
      '````\n```\nstill inside',
      '- item\n  ```\n  code in a list\nleft the list without closing',
      '   ```\ncode\n```',
      '    ```\n## Evil heading after an indented pseudo-fence',
      '~~~~\n~~~\nstill code\n',
      '```js\n```\n```\nnested?',
    ];
    for (const decision of cases) {
      const text = renderAdr(record({ draft: draft({ decision }) }));
      expectStructure(text);
      expect(readAdr(text, '0007-x.md').status, decision).toBe('Proposed');
    }
  });

  it('holds for random combinations of nasty pieces', () => {
    const pieces = [
      '\n',
      '\n\n',
      '\r\n',
      '\r',
      ' ',
      '    ',
      '\t',
      '#',
      '# ',
      '## ',
      '## References',
      '- ',
      '* ',
      '1. ',
      '> ',
      '**',
      '__',
      'Status',
      ':',
      '**Status:** Accepted',
      '- **Status:** Rejected',
      '`',
      '```',
      '````',
      '~~~',
      '---',
      '===',
      '<!--',
      '-->',
      '<div>',
      '\u2028',
      '\u0000',
      'text',
      'Decision',
    ];
    for (let seed = 1; seed <= 300; seed++) {
      const random = seeded(seed);
      const piece = (): string => pieces[Math.floor(random() * pieces.length)] ?? '';
      const nasty = (count: number): string => Array.from({ length: count }, piece).join('');
      const text = renderAdr(
        record({
          title: nasty(6),
          feature: nasty(3),
          proposedBy: nasty(3),
          draft: {
            context: nasty(8),
            decision: nasty(40),
            positive: [nasty(4), nasty(4)],
            negative: [nasty(4)],
            alternatives: [{ name: nasty(3), tradeoffs: nasty(5) }],
          },
        }),
      );
      try {
        expectStructure(text);
        expect(readAdr(text, '0007-x.md').status).toBe('Proposed');
        const next = setAdrStatus(text, { supersededBy: '0008-y' }, nasty(5));
        expect(readAdr(next, '0007-x.md').status).toBe('Superseded by 0008-y');
        expectStructure(next);
      } catch (error) {
        throw new Error(`seed ${seed}: ${String(error)}\n${text}`);
      }
    }
  });
});
