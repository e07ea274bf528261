import { describe, expect, it } from 'vitest';
import { toSlackMarkdown } from '../../../../src/slack/markdown/convert.js';
import { openFenceAt } from '../../../../src/slack/markdown/fences.js';
import { SLACK_MARKDOWN_LIMIT, splitMarkdown } from '../../../../src/slack/markdown/split.js';
import { randomInt as int, seededRandom as prng } from '../../../helpers/random.js';
import { codeMask, isFenceLine, isSubsequence, nonWs } from './oracles.js';
import { pick, randomChars, randomMarkdown } from './random-markdown.js';

describe('splitMarkdown', () => {
  it('returns short text as one piece and blank text as none', () => {
    expect(splitMarkdown('hello')).toEqual(['hello']);
    expect(splitMarkdown('')).toEqual([]);
    expect(splitMarkdown(' \n\n ')).toEqual([]);
    expect(SLACK_MARKDOWN_LIMIT).toBe(12_000);
    expect(splitMarkdown('x'.repeat(SLACK_MARKDOWN_LIMIT))).toHaveLength(1);
    expect(splitMarkdown('x'.repeat(SLACK_MARKDOWN_LIMIT + 1))).toHaveLength(2);
  });

  it('prefers paragraph, then line, then word boundaries', () => {
    expect(splitMarkdown('aaaa bbbb\ncccc\n\ndddd eeee', 20)).toEqual(['aaaa bbbb\ncccc', 'dddd eeee']);
    expect(splitMarkdown('aaaa bbbb ccc\ndddd eeee', 20)).toEqual(['aaaa bbbb ccc', 'dddd eeee']);
    expect(splitMarkdown('aaaa bbbb\ncccc dddd eeee', 20)).toEqual(['aaaa bbbb', 'cccc dddd eeee']);
    // An early paragraph break loses to a later line break: no near-empty messages.
    expect(splitMarkdown('aa\n\nbbbb cccc\ndddd eeee', 20)).toEqual(['aa\n\nbbbb cccc', 'dddd eeee']);
    // A line is cut between words only when it does not fit on its own, so code lines stay whole.
    expect(splitMarkdown('Intro\n```python\nx = 1\ny = 2\n```', 24)).toEqual([
      'Intro',
      '```python\nx = 1\n```',
      '```python\ny = 2\n```',
    ]);
    // Never a message that ends in an empty code block.
    expect(splitMarkdown('```python\nab cd ef\nmn', 19)).toEqual([
      '```python\nab cd\n```',
      '```python\nef\nmn',
    ]);
    expect(splitMarkdown('aaaa bbbb cccc dddd eeee', 12)).toEqual(['aaaa bbbb', 'cccc dddd', 'eeee']);
  });

  it('hard-cuts only an over-long token, without splitting surrogate pairs', () => {
    expect(splitMarkdown('ab 0123456789abcdef', 8)).toEqual(['ab', '01234567', '89abcdef']);
    const pieces = splitMarkdown('🎉'.repeat(5), 5);
    expect(pieces).toEqual(['🎉🎉', '🎉🎉', '🎉']);
  });

  it('avoids starting a piece mid-line with something that would become a fence or a list', () => {
    expect(splitMarkdown('word ```x more', 12)).toEqual(['word ```x', 'more']);
    expect(splitMarkdown('aaa - bbb ccc', 10)).toEqual(['aaa - bbb', 'ccc']);
  });

  it('closes a fence open at a cut and reopens it with the same fence and info', () => {
    const md = '```python\nline_one = 1\nline_two = 2\nline_three = 3\n```\nafter';
    const pieces = splitMarkdown(md, 40);
    expect(pieces).toEqual([
      '```python\nline_one = 1\nline_two = 2\n```',
      '```python\nline_three = 3\n```\nafter',
    ]);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(40);
  });

  it('carries ~~~ and longer backtick fences', () => {
    expect(splitMarkdown('~~~~sh\necho one\necho two\n~~~~', 24)).toEqual([
      '~~~~sh\necho one\n~~~~',
      '~~~~sh\necho two\n~~~~',
    ]);
    expect(splitMarkdown('````md\n```\ninner\n```\n````', 18)).toEqual([
      '````md\n```\n````',
      '````md\ninner\n````',
      '````md\n```\n````',
    ]);
  });

  it('degrades without exceeding the limit when it is too small for the fence', () => {
    // The opener line itself does not fit: it is hard-cut like any over-long token.
    expect(splitMarkdown('```averyveryverylonginfo\nab cd', 16)).toEqual([
      '```averyvery\n```',
      '```\nverylong\n```',
      '```\ninfo\nab cd',
    ]);
    // A fence marker longer than half the limit cannot be closed and reopened at all.
    expect(splitMarkdown('``````````\nabc def', 9)).toEqual(['`````````', '`\nabc def']);
  });

  it('respects the limit, never yields blank pieces and loses no content (random input)', () => {
    const rng = prng(3);
    for (let i = 0; i < 350; i++) {
      const md = toSlackMarkdown(i % 2 ? randomMarkdown(rng, 60) : randomChars(rng, 200));
      const limit = int(rng, 1, 80);
      const pieces = splitMarkdown(md, limit);
      for (const p of pieces) {
        expect(p.length, JSON.stringify({ md, limit })).toBeLessThanOrEqual(limit);
        expect(p, JSON.stringify({ md, limit })).toMatch(/\S/);
      }
      expect(isSubsequence(nonWs(md), nonWs(pieces.join(''))), JSON.stringify({ md, limit })).toBe(true);
      if (limit >= 40 && !/[`~]{10}/.test(md)) {
        for (const p of pieces.slice(0, -1)) expect(openFenceAt(p), JSON.stringify({ md, limit })).toBeNull();
      }
    }
  });

  it('keeps code as code and prose as prose across pieces (structured input)', () => {
    const rng = prng(4);
    const words = ['fastapi', 'Depends', 'async', 'def', 'x=1', 'return', '{}', '🎉', 'é', 'a', 'bb', '日本'];
    const line = (max: number) =>
      Array.from({ length: int(rng, 1, max) }, () => pick(rng, words)).join(rng() < 0.1 ? '  ' : ' ');
    for (let i = 0; i < 200; i++) {
      const blocks: string[] = [];
      for (let b = int(rng, 1, 8); b > 0; b--) {
        if (rng() < 0.4) {
          const marker = pick(rng, ['```', '````', '~~~']);
          const body = Array.from({ length: int(rng, 0, 6) }, () => ' '.repeat(int(rng, 0, 4)) + line(8));
          const closed = rng() < 0.85 || b > 1;
          blocks.push(
            [`${marker}${pick(rng, ['', 'python', 'ts', ' sh'])}`, ...body, ...(closed ? [marker] : [])].join(
              '\n',
            ),
          );
        } else {
          blocks.push(Array.from({ length: int(rng, 1, 3) }, () => line(12)).join('\n'));
        }
      }
      const md = blocks.join(pick(rng, ['\n', '\n\n']));
      const limit = int(rng, 32, 160);
      const pieces = splitMarkdown(md, limit);
      const context = JSON.stringify({ md, limit, pieces });
      for (const p of pieces) expect(p.length, context).toBeLessThanOrEqual(limit);
      for (const p of pieces.slice(0, -1)) expect(openFenceAt(p), context).toBeNull();
      expect(pieces.flatMap(codeMask), context).toEqual(codeMask(md));
      const stripFences = (s: string) =>
        s
          .split('\n')
          .filter((l) => !isFenceLine(l))
          .join('\n');
      expect(nonWs(stripFences(pieces.join('\n'))), context).toBe(nonWs(stripFences(md)));
    }
  });

  it('rejects a limit below 1', () => {
    expect(() => splitMarkdown('x', 0)).toThrow(RangeError);
  });
});
