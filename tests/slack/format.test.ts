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
import { randomInt as int, seededRandom as prng } from '../helpers/random.js';

const WJ = '\u2060';

// --- deterministic randomness ----------------------------------------------------------------------

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

// --- links, as a reader could follow them ------------------------------------------------------------

const NBSP = '\u00a0';

/** What toSlackMarkdown appends after a link whose label does not show where it goes. */
function note(host: string): string {
  return `${NBSP}(${host})`;
}

/** An odd number of backslashes right before `at` escapes the character there. */
function escapedAt(s: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && s.charAt(i) === '\\'; i--) n++;
  return n % 2 === 1;
}

/**
 * Prose without code: every live `[label](dest)` must be http(s)/mailto and either name its host in the
 * label or be followed by it; no reference definition may stay live; no `<url|label>` or non-web autolink
 * may be left for Slack to parse, even after decoding.
 */
function misleadingLinks(out: string): string[] {
  const found: string[] = [];
  // An autolink's content is no Markdown.
  const prose = out.replace(/<(?:https?|mailto):[^\s<>]*>/gi, (m) => ' '.repeat(m.length));
  for (const m of prose.matchAll(/\[((?:[^[\]\\\n]|\\.)*)\]\(([^()\s<>\\]*)\)/g)) {
    const at = m.index ?? 0;
    if (escapedAt(prose, at)) continue;
    const [whole, label = '', dest = ''] = m;
    const scheme = /^(https?|mailto):/i.exec(dest)?.[1]?.toLowerCase();
    if (scheme === undefined) {
      found.push(`live link to ${dest}`);
      continue;
    }
    let host = dest.slice(dest.lastIndexOf('@') + 1).toLowerCase();
    if (scheme !== 'mailto') {
      try {
        host = new URL(dest).hostname.replace(/^www\./, '');
      } catch {
        found.push(`live link to unparsable ${dest}`);
        continue;
      }
    }
    const after = prose.slice(at + whole.length);
    if (!label.toLowerCase().includes(host) && !after.startsWith(note(host))) found.push(`unmarked ${whole}`);
  }
  const outsideLinks = prose.replace(/\[((?:[^[\]\\\n]|\\.)*)\]\(([^()\s<>\\]*)\)/g, (m) =>
    ' '.repeat(m.length),
  );
  for (const m of outsideLinks.matchAll(/\]:/g)) {
    if (!escapedAt(outsideLinks, m.index ?? 0)) found.push('a reference definition');
  }
  const plain = decoded(out);
  for (const m of plain.matchAll(/<(?![@!\u2060\s])[^\s<>|]+\|[^<>\n]*>/g)) found.push(`slack link ${m[0]}`);
  for (const m of out.matchAll(/<(?!https?:|mailto:)[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>/gi)) {
    found.push(`autolink ${m[0]}`);
  }
  return found;
}

const LINK_TOKENS = [
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

function randomLinkProse(rng: () => number, maxTokens: number): string {
  let s = '';
  for (let i = int(rng, 0, maxTokens); i > 0; i--) s += pick(rng, LINK_TOKENS);
  return s;
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
      '- ☐ todo\n- ☑ done\n  * ☑ nested\n3. ☐ numbered\n- [link\\](x)',
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

describe('toSlackMarkdown links', () => {
  it('shows the host after a link whose label does not name it', () => {
    expect(toSlackMarkdown('See [the docs](https://evil.example/login).')).toBe(
      `See [the docs](https://evil.example/login)${note('evil.example')}.`,
    );
    expect(toSlackMarkdown('[FastAPI](https://fastapi.tiangolo.com/tutorial/)')).toBe(
      `[FastAPI](https://fastapi.tiangolo.com/tutorial/)${note('fastapi.tiangolo.com')}`,
    );
  });

  it('shows the real host when the label is another URL or names another host too', () => {
    expect(toSlackMarkdown('[https://good.example](https://evil.example)')).toBe(
      `[https://good.example](https://evil.example)${note('evil.example')}`,
    );
    expect(toSlackMarkdown('[https://good.example/?evil.example](https://evil.example)')).toBe(
      `[https://good.example/?evil.example](https://evil.example)${note('evil.example')}`,
    );
    expect(toSlackMarkdown('[good.example/evil.example](https://evil.example)')).toBe(
      `[good.example/evil.example](https://evil.example)${note('evil.example')}`,
    );
    expect(toSlackMarkdown('[good.example](https://good.example@evil.example/)')).toBe(
      `[good.example](https://good.example@evil.example/)${note('evil.example')}`,
    );
  });

  it('adds nothing when the label already is or names the host', () => {
    for (const md of [
      '[https://evil.example/login](https://evil.example/login)',
      '[evil.example](https://evil.example/a)',
      '[www.evil.example](https://evil.example)',
      '[Docs on **evil.example**](https://www.evil.example/docs)',
      '[help@evil.example](mailto:help@evil.example)',
      '[xn--vil-8na.example](https://xn--vil-8na.example/)',
    ]) {
      expect(toSlackMarkdown(md), md).toBe(md);
    }
  });

  it('drops a leading www. and shows punycode hosts as they are', () => {
    expect(toSlackMarkdown('[x](https://www.evil.example)')).toBe(
      `[x](https://www.evil.example)${note('evil.example')}`,
    );
    expect(toSlackMarkdown('[x](https://xn--vil-8na.example)')).toBe(
      `[x](https://xn--vil-8na.example)${note('xn--vil-8na.example')}`,
    );
    // A look-alike written in Unicode shows as the punycode it really is.
    expect(toSlackMarkdown('[ëvil.example](https://ëvil.example)')).toBe(
      `[ëvil.example](https://ëvil.example)${note('xn--vil-ima.example')}`,
    );
  });

  it('shows odd hosts so that Markdown cannot reinterpret them', () => {
    expect(toSlackMarkdown('[x](https://a*b_c.example/)')).toBe(
      `[x](https://a*b_c.example/)${note('a\\*b\\_c.example')}`,
    );
    expect(toSlackMarkdown('[x](http://[::1]:8000/)')).toBe(`[x](http://[::1]:8000/)${note('\\[::1\\]')}`);
    expect(toSlackMarkdown('[x](http://0x7f.1/)')).toBe(`[x](http://0x7f.1/)${note('127.0.0.1')}`);
  });

  it('reads backslash escapes in labels and destinations as CommonMark does', () => {
    expect(toSlackMarkdown('[a \\] b](https://evil.example)')).toBe(
      `[a \\] b](https://evil.example)${note('evil.example')}`,
    );
    expect(toSlackMarkdown('[x](https://evil.example/a\\)b)')).toBe(
      `[x](https://evil.example/a\\)b)${note('evil.example')}`,
    );
    expect(toSlackMarkdown('[x](https://good.example\\@evil.example)')).toBe(
      `[x](https://good.example\\@evil.example)${note('evil.example')}`,
    );
  });

  it('keeps mailto links and shows their domain', () => {
    expect(toSlackMarkdown('[Write to us](mailto:help@evil.example?subject=hi)')).toBe(
      `[Write to us](mailto:help@evil.example?subject=hi)${note('evil.example')}`,
    );
  });

  it('handles titles, <…> destinations, images and links in labels', () => {
    expect(toSlackMarkdown('[t](https://evil.example "title")')).toBe(
      `[t](https://evil.example "title")${note('evil.example')}`,
    );
    expect(toSlackMarkdown('[a](<https://evil.example/a b>)')).toBe(
      `[a](<https://evil.example/a b>)${note('evil.example')}`,
    );
    expect(toSlackMarkdown('![logo](https://img.example/l.png)')).toBe(
      `![logo](https://img.example/l.png)${note('img.example')}`,
    );
    expect(toSlackMarkdown('[[a](https://good.example)](https://evil.example)')).toBe(
      `[[a](https://good.example)${note('good.example')}](https://evil.example)${note('evil.example')}`,
    );
  });

  it.each([
    ['[the docs](javascript:alert(1))', '[the docs\\](javascript:alert(1))'],
    ['[x](JavaScript:alert(1))', '[x\\](JavaScript:alert(1))'],
    ['[x](data:text/html;base64,PHNjcmlwdD4=)', '[x\\](data:text/html;base64,PHNjcmlwdD4=)'],
    ['[Open Slack](slack://open?team=T1)', '[Open Slack\\](slack://open?team=T1)'],
    ['[passwords](file:///etc/passwd)', '[passwords\\](file:///etc/passwd)'],
    ['[x](/relative/path)', '[x\\](/relative/path)'],
    ['[x]()', '[x\\]()'],
    ['[x](javascript&colon;alert(1))', '[x\\](javascript&colon;alert(1))'],
    ['[x](java&#115;cript:alert(1))', '[x\\](java&#115;cript:alert(1))'],
    ['[x](https://)', '[x\\](https://)'],
    ['[x](https://good&period;example)', '[x\\](https://good&period;example)'],
    ['[x](<javascript:alert(1)>)', `[x\\](<${WJ}javascript:alert(1)>)`],
    [
      '[x](https://e.example/<https://evil.example|y>)',
      `[x\\](https://e.example/<${WJ}https://evil.example|y>)`,
    ],
  ])('writes out %j as text', (md, expected) => {
    expect(toSlackMarkdown(md)).toBe(expected);
  });

  it('breaks Slack’s <url|label> syntax and non-web autolinks, also encoded, but keeps web autolinks', () => {
    expect(toSlackMarkdown('<https://evil.example/login|the docs>')).toBe(
      `<${WJ}https://evil.example/login|the docs>`,
    );
    expect(toSlackMarkdown('&lt;https://evil.example|docs&gt; \\<https://evil.example|docs>')).toBe(
      `&lt;${WJ}https://evil.example|docs&gt; \\<${WJ}https://evil.example|docs>`,
    );
    expect(toSlackMarkdown('<#C0123|general> <www.evil.example|x>')).toBe(
      `<${WJ}#C0123|general> <${WJ}www.evil.example|x>`,
    );
    expect(toSlackMarkdown('<javascript:alert(1)> <data:text/html,x> <file:///etc/passwd>')).toBe(
      `<${WJ}javascript:alert(1)> <${WJ}data:text/html,x> <${WJ}file:///etc/passwd>`,
    );
    expect(toSlackMarkdown('<a href="https://evil.example">docs</a>')).toBe(
      `<${WJ}a href="https://evil.example">docs</a>`,
    );
    const kept = '<https://good.example/a?b=1> <mailto:help@good.example> <help@good.example>';
    expect(toSlackMarkdown(kept)).toBe(kept);
    // Mentions stay the mention rules' business; generics and comparisons are no links.
    expect(toSlackMarkdown('<@U1|bob> List<int> a < b > c <div>')).toBe(
      `@${WJ}bob${WJ} List<int> a < b > c <div>`,
    );
  });

  it('escapes reference definitions, so reference links cannot point anywhere', () => {
    expect(toSlackMarkdown('[the docs][1]\n\n[1]: https://evil.example')).toBe(
      '[the docs][1]\n\n[1\\]: https://evil.example',
    );
  });

  it('leaves code spans and fenced code untouched', () => {
    const code = [
      'Write `[x](javascript:alert(1))` or ``a [b](https://evil.example) `c` d``.',
      '```md',
      '[x](https://evil.example) <https://evil.example|docs> <javascript:x>',
      '```',
      '~~~',
      '[x](data:x)',
      '~~~',
      '   ```',
      '   [indented](https://evil.example)',
      '   ```',
    ].join('\n');
    expect(toSlackMarkdown(code)).toBe(code);
    // A backtick in a link label pairs with one after the "]": that is code, not a link.
    expect(toSlackMarkdown('[a `b](javascript:x)` c')).toBe('[a `b](javascript:x)` c');
  });

  it('treats links after an unclosed backtick as links for the rest of the paragraph', () => {
    // CommonMark pairs backticks across lines; which ones pair is unsure here, so none count as code.
    expect(toSlackMarkdown('a `b\nc` [x](https://evil.example) `d`\n\n`[y](https://e.example)`')).toBe(
      `a \`b\nc\` [x](https://evil.example)${note('evil.example')} \`d\`\n\n\`[y](https://e.example)\``,
    );
    // Its "]" ends the label only if the second backtick is no closer: read as a link, it gets its host.
    expect(toSlackMarkdown('[a `b\nc `d](https://evil.example) ` e')).toBe(
      `[a \`b\nc \`d](https://evil.example)${note('evil.example')} \` e`,
    );
    // A ``` line indented 4 spaces opens no fence after a paragraph line.
    expect(toSlackMarkdown('Hello\n    ```\n[x](https://evil.example)')).toBe(
      `Hello\n    \`\`\`\n[x](https://evil.example)${note('evil.example')}`,
    );
  });

  it('leaves brackets that are no links alone', () => {
    const text = 'items[0] and [optional] args, [x] (y), \\[z](https://e.example) and [a]\n(b';
    expect(toSlackMarkdown(text)).toBe(text);
  });

  it('leaves no misleading link in random link-heavy prose', () => {
    const rng = prng(6);
    for (let i = 0; i < 600; i++) {
      const md = randomLinkProse(rng, 16);
      const out = toSlackMarkdown(md);
      expect(misleadingLinks(out), JSON.stringify({ md, out })).toEqual([]);
    }
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
