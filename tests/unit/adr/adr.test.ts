// ADR ids, file names and the adr-tools companion file.

import { describe, expect, it } from 'vitest';
import { ADR_DIR, ADR_DIR_FILE, ADR_DIR_FILE_CONTENT, adrFileName, adrId } from '../../../src/adr/adr.js';

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
