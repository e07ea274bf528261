import { describe, expect, it } from 'vitest';
import {
  createMarkdownStream,
  escapeMrkdwn,
  neutraliseMentions,
  openFenceAt,
  quoteForSlack,
  SLACK_MARKDOWN_LIMIT,
  splitMarkdown,
  toSlackMarkdown,
} from '../../src/slack/format.js';

const WJ = '\u2060';

// --- deterministic randomness ----------------------------------------------------------------------

/** mulberry32: tiny, fast, good enough to drive property tests reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function int(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from empty list');
  return item;
}

const TOKENS = [
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
];

function randomMarkdown(rng: () => number, maxTokens: number): string {
  const n = int(rng, 0, maxTokens);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rng, TOKENS);
  return s;
}

const CHARS = '<>!@&;#|\\-`~ \n\r^[]xhereé日🎉\u2060ltU1';

function randomChars(rng: () => number, maxLen: number): string {
  const n = int(rng, 0, maxLen);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rng, Array.from(CHARS));
  return s;
}

function randomSplit(rng: () => number, s: string): string[] {
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

function streamed(parts: readonly string[]): string {
  const stream = createMarkdownStream();
  let out = '';
  for (const p of parts) out += stream.push(p);
  return out + stream.end();
}

// --- an independent model of what Slack might parse -------------------------------------------------

/** Resolves backslash escapes and the character references that matter, as a Markdown renderer would. */
function decoded(s: string): string {
  return s.replace(
    /\\([!-/:-@[-`{-~])|&#([0-9]{1,7});|&#[xX]([0-9a-fA-F]{1,6});|&(lt|LT|gt|GT|excl|commat|vert|verbar|Hat);/g,
    (_m, esc?: string, dec?: string, hex?: string, name?: string) => {
      if (esc !== undefined) return esc;
      if (dec !== undefined || hex !== undefined) {
        const cp = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
        return cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)
          ? '\ufffd'
          : String.fromCodePoint(cp);
      }
      const names: Record<string, string> = {
        lt: '<',
        LT: '<',
        gt: '>',
        GT: '>',
        excl: '!',
        commat: '@',
        vert: '|',
        verbar: '|',
        Hat: '^',
      };
      return names[name ?? ''] ?? '';
    },
  );
}

const LIVE_PATTERNS = [
  /<@[A-Za-z0-9]/,
  /<!(?!doctype)[A-Za-z0-9^]/i,
  /@(?:here|channel|everyone)(?![\p{L}\p{M}\p{N}_])/iu,
];

function liveMention(s: string): string | null {
  for (const text of [s, decoded(s)]) {
    for (const re of LIVE_PATTERNS) {
      const m = re.exec(text);
      if (m) return `${re}: …${text.slice(Math.max(0, m.index - 10), m.index + 20)}…`;
    }
  }
  return null;
}

// --- fences, as Slack would see each message --------------------------------------------------------

function isFenceLine(line: string): boolean {
  return /^[ \t]*(`{3,}|~{3,})/.test(line);
}

/** Non-whitespace characters outside fence lines, each tagged with whether it renders as code. */
function codeMask(text: string): string[] {
  const out: string[] = [];
  let fence: { char: string; len: number } | null = null;
  for (const line of text.split('\n')) {
    const open = /^[ \t]*(`{3,}|~{3,})(.*)$/.exec(line);
    const marker = open?.[1];
    if (fence) {
      const close = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
      if (close !== undefined && close.charAt(0) === fence.char && close.length >= fence.len) {
        fence = null;
        continue;
      }
    } else if (marker !== undefined && !(marker.charAt(0) === '`' && (open?.[2] ?? '').includes('`'))) {
      fence = { char: marker.charAt(0), len: marker.length };
      continue;
    }
    for (const ch of line) if (/\S/.test(ch)) out.push((fence ? 'c' : 'p') + ch);
  }
  return out;
}

function nonWs(s: string): string {
  return s.replace(/\s+/g, '');
}

function isSubsequence(needle: string, haystack: string): boolean {
  let i = 0;
  for (let j = 0; j < haystack.length && i < needle.length; j++) {
    if (needle.charCodeAt(i) === haystack.charCodeAt(j)) i++;
  }
  return i === needle.length;
}

// ----------------------------------------------------------------------------------------------------

describe('neutraliseMentions', () => {
  it.each([
    ['<!here>', `@${WJ}here`],
    ['<!channel>', `@${WJ}channel`],
    ['<!everyone>', `@${WJ}everyone`],
    ['<!here|@here>', `@${WJ}here${WJ}`],
    ['<!subteam^S0614TZR7>', `@${WJ}S0614TZR7`],
    ['<!subteam^S0614TZR7|@backend-team>', `@${WJ}backend-team${WJ}`],
    ['<!subteam^S0614TZR7|backend>', `@${WJ}backend${WJ}`],
    ['<@U024BE7LH>', `@${WJ}U024BE7LH`],
    ['<@W024BE7LH>', `@${WJ}W024BE7LH`],
    ['<@U024BE7LH|alice>', `@${WJ}alice${WJ}`],
    ['<@U1|>', `@${WJ}U1`],
  ])('turns %j into a readable, harmless name', (input, expected) => {
    expect(neutraliseMentions(input)).toBe(expected);
  });

  it('defangs bare broadcast words in any case but leaves longer words alone', () => {
    expect(neutraliseMentions('ping @here, @Channel and @EVERYONE!')).toBe(
      `ping @${WJ}here, @${WJ}Channel and @${WJ}EVERYONE!`,
    );
    expect(neutraliseMentions('@hereby @channels @everyone_else @here2')).toBe(
      '@hereby @channels @everyone_else @here2',
    );
    expect(neutraliseMentions('@here\n@channel')).toBe(`@${WJ}here\n@${WJ}channel`);
  });

  it('leaves ordinary text, e-mail-like text and decorators untouched', () => {
    const text = 'Use @app.get("/items") and mail me at a@b.c; 1 < 2 && 3 > 2 <b>ok</b> <https://x.y>';
    expect(neutraliseMentions(text)).toBe(text);
  });

  it('applies inside inline code and code blocks', () => {
    expect(neutraliseMentions('`<!here>`')).toBe(`\`@${WJ}here\``);
    expect(neutraliseMentions('```\nnotify(<@U1>, "@channel")\n```')).toBe(
      `\`\`\`\nnotify(@${WJ}U1, "@${WJ}channel")\n\`\`\``,
    );
  });

  it('defangs entity-encoded and backslash-escaped forms that a renderer would decode', () => {
    expect(neutraliseMentions('&lt;!channel&gt;')).toBe(`@${WJ}channel`);
    expect(neutraliseMentions('&#60;@U1&#62;')).toBe(`@${WJ}U1`);
    expect(neutraliseMentions('\\<!here>')).toBe(`@${WJ}here`);
    expect(neutraliseMentions('<&#33;everyone>')).toBe(`@${WJ}everyone`);
    expect(neutraliseMentions('@&#104;ere')).toBe(`@${WJ}&#104;ere`);
    expect(neutraliseMentions('&commat;channel')).toBe(`&commat;${WJ}channel`);
    expect(neutraliseMentions('&lt;@U1')).toBe(`&lt;${WJ}@U1`);
  });

  it('breaks other <! and <@ forms after "<" but keeps HTML doctypes and comments intact', () => {
    expect(neutraliseMentions('<!date^1392734382^{date}|Feb 18>')).toBe(
      `<${WJ}!date^1392734382^{date}|Feb 18>`,
    );
    expect(neutraliseMentions('<@U1 >')).toBe(`<${WJ}@U1 >`);
    expect(neutraliseMentions('<@here')).toBe(`<${WJ}@${WJ}here`);
    expect(neutraliseMentions('<!DOCTYPE html>\n<!-- note -->')).toBe('<!DOCTYPE html>\n<!-- note -->');
    expect(neutraliseMentions('<!doctyp')).toBe(`<${WJ}!doctyp`);
  });

  it('neutralises labels and keeps them from fusing with what follows', () => {
    expect(neutraliseMentions('<@U1|team @channel>')).toBe(`@${WJ}team @${WJ}channel${WJ}`);
    expect(neutraliseMentions('<@U1|x @her>e')).toBe(`@${WJ}x @her${WJ}e`);
    expect(liveMention(neutraliseMentions('<@U1|x &l>t;!here>'))).toBeNull();
  });

  it('handles unicode around mentions', () => {
    expect(neutraliseMentions('日本語 @here 🎉 <@U1|Zoë>')).toBe(`日本語 @${WJ}here 🎉 @${WJ}Zoë${WJ}`);
  });

  it('is idempotent and leaves nothing able to ping (random and adversarial input)', () => {
    const rng = prng(1);
    for (let i = 0; i < 800; i++) {
      const input = i % 2 === 0 ? randomMarkdown(rng, 25) : randomChars(rng, 40);
      const once = neutraliseMentions(input);
      expect(neutraliseMentions(once), JSON.stringify(input)).toBe(once);
      expect(liveMention(once), JSON.stringify(input)).toBeNull();
    }
  });
});

describe('toSlackMarkdown', () => {
  it('turns a pipe table into an aligned code block', () => {
    const md = [
      'Options:',
      '',
      '| Name | Type | Default |',
      '|------|:----:|--------:|',
      '| id | `int` | 1 |',
      '| **name** | str | "x" |',
      '',
      'Done.',
    ].join('\n');
    expect(toSlackMarkdown(md)).toBe(
      [
        'Options:',
        '',
        '```',
        'Name | Type | Default',
        '-----+------+--------',
        'id   | int  |       1',
        'name | str  |     "x"',
        '```',
        '',
        'Done.',
      ].join('\n'),
    );
  });

  it('aligns wide characters, pads short rows and keeps extra cells', () => {
    const md = '| 名前 | v |\n| --- | --- |\n| ab | 1 | extra |\n| 🎉 |\n';
    expect(toSlackMarkdown(md)).toBe(
      ['```', '名前 | v', '-----+---+------', 'ab   | 1 | extra', '🎉', '```', ''].join('\n'),
    );
  });

  it('neutralises mentions in cells before measuring them and keeps labelled tokens in one cell', () => {
    const md = '| who | what |\n|---|---|\n| <@U1|bob> | <!here> |\n';
    expect(toSlackMarkdown(md)).toBe(
      ['```', `who  | what`, '-----+------', `@${WJ}bob${WJ} | @${WJ}here`, '```', ''].join('\n'),
    );
  });

  it('handles escaped pipes, links and a longer fence when cells contain backtick runs', () => {
    const md = '| a | b |\n|---|---|\n| x \\| y | [docs](https://fastapi.tiangolo.com) |\n| ``` | z |';
    expect(toSlackMarkdown(md)).toBe(
      [
        '````',
        'a     | b',
        `------+-${'-'.repeat(35)}`,
        'x | y | docs (https://fastapi.tiangolo.com)',
        '```   | z',
        '````',
      ].join('\n'),
    );
  });

  it('leaves pipe lines that are not tables alone', () => {
    expect(toSlackMarkdown('| just a pipe\nnext line')).toBe('| just a pipe\nnext line');
    expect(toSlackMarkdown('| a | b |\n| c | d |\n')).toBe('| a | b |\n| c | d |\n');
    expect(toSlackMarkdown('| a | b |\n|---|\n')).toBe('| a | b |\n|---|\n');
  });

  it('keeps fences, their info strings and their content (tables included) as they are', () => {
    const md = [
      '```python',
      '@app.get("/")',
      '| a | b |',
      '|---|---|',
      '```',
      '~~~sh',
      '```not a close',
      '~~~',
      '````md',
      '```',
      '| c | d |',
      '|---|---|',
      '```',
      '````',
    ].join('\n');
    expect(toSlackMarkdown(md)).toBe(md);
  });

  it('converts a table right after a closed fence', () => {
    expect(toSlackMarkdown('```\ncode\n```\n| a |\n|---|\n| 1 |')).toBe('```\ncode\n```\n```\na\n-\n1\n```');
  });

  it('rewrites task list boxes and thematic breaks, but not heading underlines', () => {
    expect(toSlackMarkdown('- [ ] todo\n- [x] done\n  * [X] nested\n3. [ ] numbered\n- [link](x)')).toBe(
      '- ☐ todo\n- ☑ done\n  * ☑ nested\n3. ☐ numbered\n- [link](x)',
    );
    const rule = '─'.repeat(16);
    expect(toSlackMarkdown('a\n\n---\n\nb\n***\n_ _ _')).toBe(`a\n\n${rule}\n\nb\n${rule}\n${rule}`);
    expect(toSlackMarkdown('Title\n---\n# Head\n---')).toBe(`Title\n---\n# Head\n${rule}`);
    expect(toSlackMarkdown('--- not a rule\n***bold***')).toBe('--- not a rule\n***bold***');
  });

  it('normalises CRLF and lone CR', () => {
    expect(toSlackMarkdown('a\r\nb\rc\r\n| x |\r\n|---|\r\n')).toBe('a\nb\nc\n```\nx\n-\n```\n');
  });

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

describe('openFenceAt', () => {
  it.each([
    ['no code', null],
    ['```python\nx = 1', { fence: '```', info: 'python' }],
    ['```python\nx = 1\n```\n', null],
    ['~~~~ sh  \necho ```\n~~~', { fence: '~~~~', info: 'sh' }],
    ['````md\n```\ninner\n```\n', { fence: '````', info: 'md' }],
    ['1. step\n   ```bash\n   ls', { fence: '```', info: 'bash' }],
    ['```', { fence: '```', info: '' }],
    ['```a`b```', null],
    ['text ``` inline', null],
    ['```\r\ncode\r\n```\r\n', null],
  ])('%j → %j', (md, expected) => {
    expect(openFenceAt(md)).toEqual(expected);
  });
});

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

describe('escapeMrkdwn', () => {
  it('escapes the three control characters and nothing else', () => {
    expect(escapeMrkdwn('a & b < c > d <!here> &amp; *bold*')).toBe(
      'a &amp; b &lt; c &gt; d &lt;!here&gt; &amp;amp; *bold*',
    );
  });
});

describe('quoteForSlack', () => {
  it('quotes, escapes and neutralises every line', () => {
    expect(quoteForSlack('hi <@U1>\r\n<b> & @here', 100)).toBe(`> hi @${WJ}U1\n> &lt;b&gt; &amp; @${WJ}here`);
  });

  it('cuts to maxChars with an ellipsis, counting prefixes and escapes', () => {
    expect(quoteForSlack('abcdefghij', 8)).toBe('> abcde…');
    expect(quoteForSlack('a&b&c&d', 12)).toBe('> a&amp;b…');
    expect(quoteForSlack('line one\nline two', 13)).toBe('> line one…');
    expect(quoteForSlack('x'.repeat(10), 3)).toBe('> …');
    expect(quoteForSlack('🎉🎉🎉🎉', 7)).toBe('> 🎉🎉…');
  });

  it('never leaves a live mention where the cut falls', () => {
    // "@hereby" is harmless, but the cut could leave "@here…": the kept part is neutralised as it stands.
    expect(quoteForSlack('say @here𝐚𝐛 now', 13)).toBe(`> say @${WJ}here…`);
    expect(quoteForSlack('say @hereby now', 13)).toBe('> say @hereb…');
    const rng = prng(5);
    for (let i = 0; i < 300; i++) {
      const text = randomMarkdown(rng, 12);
      const max = int(rng, 0, 60);
      const q = quoteForSlack(text, max);
      expect(q.length).toBeLessThanOrEqual(Math.max(0, max));
      expect(liveMention(q), JSON.stringify({ text, max })).toBeNull();
    }
  });
});
