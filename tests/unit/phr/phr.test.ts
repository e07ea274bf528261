// PHR ids, file names and routes.

import { describe, expect, it } from 'vitest';
import { PHR_STAGES, padId, phrFileName, phrRoute } from '../../../src/phr/phr.js';

describe('padId and phrFileName', () => {
  it('pads ids to 4 digits and builds the Spec-Kit Plus file name', () => {
    expect(padId(7)).toBe('0007');
    expect(padId(0)).toBe('0000');
    expect(padId(12345)).toBe('12345');
    expect(phrFileName(7, 'Efficient Pagination Items Endpoint', 'general')).toBe(
      '0007-efficient-pagination-items-endpoint.general.prompt.md',
    );
    expect(phrFileName(42, '   ', 'red')).toBe('0042-untitled.red.prompt.md');
  });

  it('rejects ids and stages that cannot name a file', () => {
    expect(() => padId(-1)).toThrow(RangeError);
    expect(() => padId(1.5)).toThrow(RangeError);
    expect(() => phrFileName(1, 'x', 'bogus' as never)).toThrow(/unknown PHR stage/);
  });
});

describe('phrRoute', () => {
  it('routes like Spec-Kit Plus', () => {
    expect(phrRoute('general', null)).toBe('general');
    expect(phrRoute('general', '001-auth')).toBe('general');
    expect(phrRoute('constitution', '001-auth')).toBe('constitution');
    expect(phrRoute('explainer', '001-auth')).toBe('001-auth');
    expect(phrRoute('spec', null)).toBe('general');
    expect(phrRoute('plan', '  ')).toBe('general');
  });

  it('never lets a feature name leave history/prompts', () => {
    expect(phrRoute('plan', '../../etc')).toBe('etc');
    expect(phrRoute('plan', 'a/b')).toBe('a-b');
    expect(phrRoute('plan', '..')).toBe('untitled');
    expect(phrRoute('plan', 'v1.2-api')).toBe('v1.2-api');
  });

  it('knows every stage', () => {
    for (const stage of PHR_STAGES) expect(typeof phrRoute(stage, 'f')).toBe('string');
  });
});
