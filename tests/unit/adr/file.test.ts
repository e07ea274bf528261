// readAdr and setAdrStatus: reading ADR files back and updating their status.

import { describe, expect, it } from 'vitest';
import { AdrFormatError, type AdrStatus, parseAdrStatus } from '../../../src/adr/adr.js';
import { readAdr, setAdrStatus } from '../../../src/adr/file.js';
import { renderAdr } from '../../../src/adr/render.js';
import { changedLines, expectStructure, FULL_RECORD_TEXT, record } from './fixtures.js';

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
