import { describe, expect, it } from 'vitest';
import { createMarkdownStream, toSlackMarkdown } from '../../../../src/slack/markdown/convert.js';
import { seededRandom as prng } from '../../../helpers/random.js';
import { liveMention, note, WJ } from './oracles.js';
import {
  LINK_TOKENS,
  randomChars,
  randomLinkProse,
  randomMarkdown,
  randomSplit,
  streamed,
  TOKENS,
} from './random-markdown.js';

describe('toSlackMarkdown', () => {
  it('neutralises mentions everywhere and does not entity-escape &, <, >', () => {
    expect(toSlackMarkdown('Hey <!channel>: `if a < b && c > d` @here')).toBe(
      `Hey @${WJ}channel: \`if a < b && c > d\` @${WJ}here`,
    );
  });

  it('returns an empty string for empty input', () => {
    expect(toSlackMarkdown('')).toBe('');
  });
});

describe('createMarkdownStream', () => {
  it('lets ordinary prose through at once', () => {
    const s = createMarkdownStream();
    expect(s.push('Hello wor')).toBe('Hello wor');
    expect(s.push('ld, this is')).toBe('ld, this is');
    expect(s.push(' FastAPI.\nNext')).toBe(' FastAPI.\nNext');
    expect(s.end()).toBe('');
  });

  it('holds only a possibly incomplete mention', () => {
    const s = createMarkdownStream();
    expect(s.push('Hi <!he')).toBe('Hi ');
    expect(s.push('re> and @ev')).toBe(`@${WJ}here and `);
    expect(s.push('eryone')).toBe('');
    expect(s.push(' ok')).toBe(`@${WJ}everyone ok`);
    expect(s.push(' @evening')).toBe(' @evening');
    expect(s.push(' &l')).toBe(' ');
    expect(s.end()).toBe('&l');
  });

  it('holds table rows until the table ends', () => {
    const s = createMarkdownStream();
    expect(s.push('Intro\n| a | b |\n')).toBe('Intro\n');
    expect(s.push('|---|---|\n| 1 | 2 |')).toBe('');
    expect(s.push('\n')).toBe('');
    expect(s.push('Af')).toBe('```\na | b\n--+--\n1 | 2\n```\nAf');
    expect(s.end()).toBe('');
  });

  it('releases a pipe line as soon as the next line shows it is no table', () => {
    const s = createMarkdownStream();
    expect(s.push('| not a table\n')).toBe('');
    expect(s.push('x')).toBe('| not a table\nx');
  });

  it('streams pipe lines inside code fences without holding them', () => {
    const s = createMarkdownStream();
    expect(s.push('```\n| a |\n')).toBe('```\n| a |\n');
  });

  it('decides a line start from its first characters', () => {
    const s = createMarkdownStream();
    expect(s.push('- [')).toBe('');
    expect(s.push(' ] task')).toBe('- ☐ task');
    expect(s.push('\n2024')).toBe('\n');
    expect(s.push(' was')).toBe('2024 was');
  });

  it('refuses push after end and makes end idempotent', () => {
    const s = createMarkdownStream();
    expect(s.push('x @her')).toBe('x ');
    expect(s.end()).toBe('@her');
    expect(s.end()).toBe('');
    expect(() => s.push('y')).toThrow();
  });

  it('holds a link back only from its "]" until its ")", then adds its host', () => {
    const s = createMarkdownStream();
    expect(s.push('See [the do')).toBe('See [the do');
    expect(s.push('cs](https://evil.example/lo')).toBe('cs');
    expect(s.push('gin) now')).toBe(`](https://evil.example/login)${note('evil.example')} now`);
    expect(s.push(' [1]')).toBe(' [1');
    expect(s.push(' and `x[0]')).toBe('] and `x[0');
    expect(s.push('` <https://e.exa')).toBe(']` ');
    expect(s.push('mple> ok')).toBe('<https://e.example> ok');
    expect(s.end()).toBe('');
  });

  it('gives the same text as toSlackMarkdown for link tokens split at every position', () => {
    for (const token of LINK_TOKENS.filter((t) => t.length > 3)) {
      const text = `a ${token} \`${token}\` ${token}\n${token}`;
      const whole = toSlackMarkdown(text);
      for (let i = 0; i <= text.length; i++) {
        expect(streamed([text.slice(0, i), text.slice(i)]), `${JSON.stringify(text)} @${i}`).toBe(whole);
      }
      expect(streamed(Array.from(text))).toBe(whole);
    }
  });

  it('gives the same text as toSlackMarkdown for random link-heavy input split at random points', () => {
    const rng = prng(7);
    for (let i = 0; i < 500; i++) {
      const input = i % 2 ? randomLinkProse(rng, 20) : randomLinkProse(rng, 10) + randomMarkdown(rng, 10);
      const whole = toSlackMarkdown(input);
      for (let k = 0; k < 2; k++) {
        const parts = randomSplit(rng, input);
        expect(streamed(parts), JSON.stringify(parts)).toBe(whole);
      }
      expect(streamed(Array.from(input)), JSON.stringify(input)).toBe(whole);
    }
  });

  it('gives the same text as toSlackMarkdown for mention tokens split at every position', () => {
    for (const token of TOKENS.filter((t) => /[<@&\\]/.test(t))) {
      const text = `a ${token}${token}\n${token} b`;
      const whole = toSlackMarkdown(text);
      expect(liveMention(whole), text).toBeNull();
      for (let i = 0; i <= text.length; i++) {
        expect(streamed([text.slice(0, i), text.slice(i)]), `${JSON.stringify(text)} @${i}`).toBe(whole);
        for (let j = i + 1; j <= Math.min(text.length, i + 1); j++) {
          expect(streamed([text.slice(0, i), text.slice(i, j), text.slice(j)])).toBe(whole);
        }
      }
    }
  });

  it('gives the same text as toSlackMarkdown for random input split at random points', () => {
    const rng = prng(2);
    for (let i = 0; i < 500; i++) {
      const input = i % 3 === 2 ? randomChars(rng, 60) : randomMarkdown(rng, 30);
      const whole = toSlackMarkdown(input);
      expect(liveMention(whole), JSON.stringify(input)).toBeNull();
      for (let k = 0; k < 2; k++) {
        const parts = randomSplit(rng, input);
        expect(streamed(parts), JSON.stringify(parts)).toBe(whole);
      }
      expect(streamed(Array.from(input))).toBe(whole);
    }
  });
});
