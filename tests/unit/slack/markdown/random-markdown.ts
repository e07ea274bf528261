// Seeded random Markdown for the markdown tests: mention, link and structure tokens, and random splits.

import { createMarkdownStream } from '../../../../src/slack/markdown/convert.js';
import { randomInt as int } from '../../../helpers/random.js';

export function pick<T>(rng: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from empty list');
  return item;
}

export const TOKENS = [
  '<!here>',
  '<!channel>',
  '<!everyone>',
  '<!group>',
  '<!here|@here>',
  '<!subteam^S0614TZR7>',
  '<!subteam^S0614TZR7|@backend-team>',
  '<@U024BE7LH>',
  '<@W024BE7LH|alice>',
  '<@U1|team @channel>',
  '<!date^1392734382^{date}|Feb 18>',
  '<!DOCTYPE html>',
  '<!-- c -->',
  '&lt;!here&gt;',
  '&lt;@U1&gt;',
  '&#60;!channel&#62;',
  '&#x3C;@W2|x&#x3e;',
  '\\<!everyone>',
  '<&#33;here>',
  '@&#104;ere',
  '&commat;channel',
  '@here',
  '@Here',
  '@channel',
  '@everyone',
  '@hereby',
  '@her',
  '@',
  '<',
  '>',
  '<!',
  '<@',
  '!',
  '&',
  '&l',
  '&lt',
  '&lt;',
  '&amp;',
  '\\',
  '|',
  '^',
  '\u2060',
  ' ',
  ' ',
  ' ',
  'word',
  'text',
  'here',
  'doctype',
  'é',
  '日本語',
  '🎉',
  '\n',
  '\n',
  '\n\n',
  '\r\n',
  '\r',
  '```',
  '```python\n',
  '````',
  '~~~',
  '~~~sh\n',
  '| a | b |\n',
  '|---|:-:|\n',
  '| 1 | 2 |\n',
  '| x',
  '- [ ] ',
  '- [x] ',
  '1. ',
  '---',
  '***',
  '- ',
  '`',
  '**',
  // Links
  '[the docs](https://evil.example/login)',
  '[https://good.example](https://evil.example)',
  '[x](javascript:alert(1))',
  '![i](https://img.example/i.png)',
  '<https://good.example>',
  '<https://evil.example|the docs>',
  '&lt;https://e.example|x&gt;',
  '<javascript:alert(1)>',
  '[1]: https://evil.example',
  '[',
  ']',
  '](',
  '(',
  ')',
  'https://evil.example',
  '"t"',
];

export function randomMarkdown(rng: () => number, maxTokens: number): string {
  const n = int(rng, 0, maxTokens);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rng, TOKENS);
  return s;
}

const CHARS = '<>!@&;#|\\-`~ \n\r^[]xhereé日🎉\u2060ltU1';

export function randomChars(rng: () => number, maxLen: number): string {
  const n = int(rng, 0, maxLen);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rng, Array.from(CHARS));
  return s;
}

export function randomSplit(rng: () => number, s: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < s.length) {
    const len = rng() < 0.3 ? 1 : int(rng, 0, 12);
    parts.push(s.slice(i, i + len));
    i += len;
  }
  if (rng() < 0.5) parts.push('');
  return parts;
}

export function streamed(parts: readonly string[]): string {
  const stream = createMarkdownStream();
  let out = '';
  for (const p of parts) out += stream.push(p);
  return out + stream.end();
}

export const LINK_TOKENS = [
  '[the docs](https://evil.example/login)',
  '[https://good.example](https://evil.example)',
  '[evil.example](https://www.evil.example/a)',
  '[Mail](mailto:help@evil.example)',
  '![logo](https://img.example/l.png)',
  '[x](javascript:alert(1))',
  '[x](data:text/html,hi)',
  '[x](slack://open?team=T1)',
  '[x](file:///etc/passwd)',
  '[x](/relative/path)',
  '[t](https://evil.example "title")',
  '[a](<https://evil.example/a b>)',
  '<https://good.example>',
  '<https://evil.example|the docs>',
  '&lt;https://evil.example|docs&gt;',
  '\\<https://evil.example|docs>',
  '<javascript:alert(1)>',
  '<mailto:a@b.example>',
  '<a href="https://evil.example">',
  '[1]: https://evil.example',
  '[',
  ']',
  '(',
  ')',
  '](',
  '<',
  '>',
  '!',
  ':',
  '\\',
  '\\[',
  '&',
  '&lt;',
  '"',
  'https://evil.example',
  'javascript:',
  'www.',
  'word',
  ' ',
  ' ',
  '\n',
  '\n\n',
  '- ',
  '# ',
];

export function randomLinkProse(rng: () => number, maxTokens: number): string {
  let s = '';
  for (let i = int(rng, 0, maxTokens); i > 0; i--) s += pick(rng, LINK_TOKENS);
  return s;
}
