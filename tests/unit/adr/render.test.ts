// renderAdr: the records-format layout, and hostile drafts that must not add structure.

import { describe, expect, it } from 'vitest';
import { ADR_NOT_STATED, type AdrStatus, formatAdrStatus } from '../../../src/adr/adr.js';
import { readAdr, setAdrStatus } from '../../../src/adr/file.js';
import { renderAdr } from '../../../src/adr/render.js';
import { seededRandom as seeded } from '../../helpers/random.js';
import { draft, expectStructure, FULL_RECORD_TEXT, record } from './fixtures.js';

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
