import { describe, expect, it } from 'vitest';
import { includedText, parseInclude } from '../../../src/docs/includes.js';

describe('parseInclude', () => {
  it('reads the new form with line ranges and title, paths relative to docs/en', () => {
    expect(parseInclude('{* ../../docs_src/a/t1_py310.py ln[1:3,8,10:] hl[2] title["app.py"] *}')).toEqual({
      path: 'docs_src/a/t1_py310.py',
      ranges: [
        [1, 3],
        [8, 8],
        [10, undefined],
      ],
      title: 'app.py',
    });
  });

  it('reads the old form, and refuses paths that leave the tree', () => {
    expect(parseInclude('{!> ../../docs_src/t.py!}')).toEqual({ path: 'docs_src/t.py', ranges: [] });
    expect(parseInclude('{!../../docs_src/templates/item.html!}')).toMatchObject({
      path: 'docs_src/templates/item.html',
    });
    expect(parseInclude('{* ../../../../etc/passwd *}')).toEqual({ missing: '../../../../etc/passwd' });
    expect(parseInclude('plain text')).toBeUndefined();
  });
});

describe('includedText', () => {
  it('keeps the requested 1-based inclusive ranges', () => {
    const file = 'l1\nl2\nl3\nl4\nl5\n';
    expect(includedText(file, [])).toBe('l1\nl2\nl3\nl4\nl5');
    expect(includedText(file, [[2, 3]])).toBe('l2\nl3');
    expect(
      includedText(file, [
        [1, 1],
        [4, undefined],
      ]),
    ).toBe('l1\n\n# ...\n\nl4\nl5');
  });
});
