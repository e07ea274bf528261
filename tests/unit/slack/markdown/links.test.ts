import { describe, expect, it } from 'vitest';
import { toSlackMarkdown } from '../../../../src/slack/markdown/convert.js';
import { seededRandom as prng } from '../../../helpers/random.js';
import { misleadingLinks, note, WJ } from './oracles.js';
import { randomLinkProse } from './random-markdown.js';

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
