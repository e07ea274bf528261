import { describe, expect, it } from 'vitest';
import { frontMatterTable, markdownToHtml } from '../../../src/http/markdown-html.js';
import { seededRandom as prng } from '../../helpers/random.js';

const md = (source: string): string => String(markdownToHtml(source));
const REL = 'rel="noopener noreferrer nofollow"';

// Every tag the renderer may emit. Removing them must leave only escaped text behind.
const OUR_TAGS = new RegExp(
  [
    '</?(?:p|h[1-6]|ul|li|pre|code|strong|em|blockquote|table|thead|tbody|tr|dl|dt|dd|span)>',
    '<ol(?: start="\\d+")?>',
    '</ol>',
    '<div class="(?:code|code-label|table-wrap)">',
    '</div>',
    '<(?:th|td)(?: class="align-(?:center|right)")?>',
    '</t[hd]>',
    '<br>',
    '<hr>',
    '<a href="https?://[^"<>\\s]*" rel="noopener noreferrer nofollow">',
    '</a>',
    '<dl class="front-matter">',
    '<span class="muted">',
  ].join('|'),
  'g',
);
const VOID = new Set(['br', 'hr']);

/** Throws unless `output` is our tags, properly nested, around text with nothing left unescaped. */
function assertInert(output: string, input: string): void {
  const leftover = output.replace(OUR_TAGS, '');
  if (/[<>"'`]/.test(leftover)) {
    throw new Error(`unescaped markup for input ${JSON.stringify(input)}:\n${output}`);
  }
  const stack: string[] = [];
  for (const [tag] of output.matchAll(OUR_TAGS)) {
    const name = /^<\/?([a-z0-9]+)/.exec(tag)?.[1] ?? '';
    if (VOID.has(name)) continue;
    if (!tag.startsWith('</')) stack.push(name);
    else if (stack.pop() !== name) throw new Error(`misnested </${name}> for input ${JSON.stringify(input)}`);
  }
  if (stack.length > 0)
    throw new Error(`unclosed <${stack.join('>, <')}> for input ${JSON.stringify(input)}`);
}

const PIECES = [
  '<',
  '>',
  '"',
  "'",
  '`',
  '``',
  '```',
  '~~~',
  '````',
  '*',
  '**',
  '***',
  '_',
  '__',
  '[',
  ']',
  '(',
  ')',
  '](',
  'http://',
  'https://ex.am/p?q=1&r=<2>',
  'javascript:',
  'data:text/html,',
  '\n',
  '\n\n',
  ' ',
  '   ',
  '    ',
  '\t',
  '#',
  '# ',
  '### ',
  '- ',
  '* ',
  '+ ',
  '1. ',
  '2) ',
  '> ',
  '>> ',
  '|',
  '| --- |',
  '---',
  '\\',
  '&',
  '&amp;',
  '&#x3C;',
  'a',
  'word',
  'snake_case',
  '<script>',
  '</code></pre>',
  '<img src=x onerror=alert(1)>',
  '"><b>',
  "'-alert(1)-'",
  'é',
  '🚀',
  '\u0000',
  '\r',
  '\r\n',
  '<https://a.b/>',
  'www.x.y',
  ':',
  '!',
];

function randomMarkdown(random: () => number): string {
  const length = Math.floor(random() * 120);
  let out = '';
  for (let i = 0; i < length; i++) {
    if (random() < 0.1) out += String.fromCharCode(32 + Math.floor(random() * 95));
    else out += PIECES[Math.floor(random() * PIECES.length)] ?? '';
  }
  return out;
}

describe('markdownToHtml: blocks', () => {
  it('renders ATX headings, dropping closing hashes', () => {
    expect(md('# One\n## Two ##\n###### Six')).toBe('<h1>One</h1>\n<h2>Two</h2>\n<h6>Six</h6>\n');
    expect(md('#NoSpace')).toBe('<p>#NoSpace</p>\n');
  });

  it('renders paragraphs split by blank lines, keeping line breaks inside them', () => {
    expect(md('first line\nsecond line\n\nnext para')).toBe(
      '<p>first line<br>\nsecond line</p>\n<p>next para</p>\n',
    );
  });

  it('renders bullet lists, tight without <p>', () => {
    expect(md('- a\n- b\n* c')).toBe('<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ul>\n<li>c</li>\n</ul>\n');
  });

  it('renders numbered lists with their start number', () => {
    expect(md('1. one\n2. two')).toBe('<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n');
    expect(md('3) three\n4) four')).toContain('<ol start="3">');
  });

  it('renders loose lists with <p>', () => {
    expect(md('- a\n\n- b')).toBe('<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>\n');
  });

  it('nests lists by indentation and keeps code blocks inside items', () => {
    const out = md('1. step\n   - detail\n   ```py\n   x = 1\n   ```\n2. next');
    expect(out).toBe(
      '<ol>\n<li>step\n<ul>\n<li>detail</li>\n</ul>\n' +
        '<div class="code"><div class="code-label">py</div><pre><code>x = 1</code></pre></div>\n</li>\n' +
        '<li>next</li>\n</ol>\n',
    );
  });

  it('renders PHR outcome bullets', () => {
    expect(md('- **Impact:** faster\n- **Tests:** none')).toBe(
      '<ul>\n<li><strong>Impact:</strong> faster</li>\n<li><strong>Tests:</strong> none</li>\n</ul>\n',
    );
  });

  it('renders fenced code of any length ≥ 3 with ``` or ~~~, the info string as a label', () => {
    expect(md('```python\nprint("<hi>")\n```')).toBe(
      '<div class="code"><div class="code-label">python</div>' +
        '<pre><code>print(&quot;&lt;hi&gt;&quot;)</code></pre></div>\n',
    );
    expect(md('~~~~\n```\ninner\n```\n~~~~')).toBe(
      '<div class="code"><pre><code>&#96;&#96;&#96;\ninner\n&#96;&#96;&#96;</code></pre></div>\n',
    );
    expect(md('````md\n```\n````')).toContain('<pre><code>&#96;&#96;&#96;</code></pre>');
  });

  it('needs a closing fence at least as long as the opening one, and runs to the end without one', () => {
    expect(md('````\na\n```\nb')).toBe(
      '<div class="code"><pre><code>a\n&#96;&#96;&#96;\nb</code></pre></div>\n',
    );
  });

  it('keeps blank lines and indentation inside code', () => {
    expect(md('```\ndef f():\n\n    return 1\n```')).toContain(
      '<pre><code>def f():\n\n    return 1</code></pre>',
    );
  });

  it('escapes the info string label', () => {
    expect(md('~~~ <img src=x onerror=alert(1)> "x"\ncode\n~~~')).toContain(
      '<div class="code-label">&lt;img src=x onerror=alert(1)&gt; &quot;x&quot;</div>',
    );
  });

  it('renders block quotes, thematic breaks and tables', () => {
    expect(md('> quoted\n\n---')).toBe('<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr>\n');
    expect(md('| A | B |\n|---|--:|\n| 1 | 2 |')).toBe(
      '<div class="table-wrap"><table>\n<thead>\n<tr>\n<th>A</th>\n<th class="align-right">B</th>\n</tr>\n</thead>\n' +
        '<tbody>\n<tr>\n<td>1</td>\n<td class="align-right">2</td>\n</tr>\n</tbody>\n</table></div>\n',
    );
  });
});

describe('markdownToHtml: inline', () => {
  it('renders inline code, escaped and literal', () => {
    expect(md('use `a <b> **c**` now')).toBe('<p>use <code>a &lt;b&gt; **c**</code> now</p>\n');
    expect(md('``code with ` inside``')).toBe('<p><code>code with &#96; inside</code></p>\n');
  });

  it('renders bold and italics, leaving snake_case alone', () => {
    expect(md('**bold** and *it* and _it_ and __b__')).toBe(
      '<p><strong>bold</strong> and <em>it</em> and <em>it</em> and <strong>b</strong></p>\n',
    );
    expect(md('my_var_name and 2 * 3 * 4')).toBe('<p>my_var_name and 2 * 3 * 4</p>\n');
  });

  it('renders http and https links with rel', () => {
    expect(md('[docs](https://fastapi.tiangolo.com/ "FastAPI")')).toBe(
      `<p><a href="https://fastapi.tiangolo.com/" ${REL}>docs</a></p>\n`,
    );
    expect(md('see <http://example.com/a>')).toBe(
      `<p>see <a href="http://example.com/a" ${REL}>http://example.com/a</a></p>\n`,
    );
  });

  it('links bare URLs without swallowing the sentence’s punctuation', () => {
    expect(md('Read https://example.com/x_(y). Then go.')).toBe(
      `<p>Read <a href="https://example.com/x_(y)" ${REL}>https://example.com/x_(y)</a>. Then go.</p>\n`,
    );
    expect(md('(see https://example.com/a)')).toBe(
      `<p>(see <a href="https://example.com/a" ${REL}>https://example.com/a</a>)</p>\n`,
    );
  });

  it('escapes ampersands and quotes inside hrefs', () => {
    expect(md('[q](https://x.test/?a=1&b="2")')).toBe(
      `<p><a href="https://x.test/?a=1&amp;b=%222%22" ${REL}>q</a></p>\n`,
    );
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example/x',
    '/relative/path',
    'mailto:a@b.c',
    'http:/missing-slash',
    '',
    ' ',
  ])('shows a link to %s as text', (target) => {
    const out = md(`[click](${target})`);
    expect(out).not.toContain('<a ');
    expect(out).toContain('[click](');
  });

  it('shows images, reference definitions, entities and strikethrough as written', () => {
    expect(md('![x](https://a.test/i.png)')).toBe(`<p>!<a href="https://a.test/i.png" ${REL}>x</a></p>\n`);
    expect(md('[r]: https://a.test\n[r]')).toBe(
      `<p>[r]: <a href="https://a.test/" ${REL}>https://a.test</a><br>\n[r]</p>\n`,
    );
    expect(md('&amp; &#x3C; ~~no~~')).toBe('<p>&amp;amp; &amp;#x3C; ~~no~~</p>\n');
  });

  it('links nothing but http(s) URLs: no mailto, e-mail, www. or scheme-relative links', () => {
    expect(md('mailto:a@b.c a@b.c www.x.y //x.y/z <mailto:a@b.c> <a@b.c>')).not.toContain('<a ');
  });

  it('honours backslash escapes', () => {
    expect(md('\\*not em\\* and \\[not](https://x.test)')).toBe(
      `<p>*not em* and [not](<a href="https://x.test/" ${REL}>https://x.test</a>)</p>\n`,
    );
  });
});

describe('markdownToHtml: untrusted input', () => {
  it('shows raw HTML as text', () => {
    expect(md('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
    expect(md('<div onclick="x">hi</div>')).toBe('<p>&lt;div onclick=&quot;x&quot;&gt;hi&lt;/div&gt;</p>\n');
  });

  it('keeps an attribute breakout inert', () => {
    const out = md('"><img src=x onerror=alert(1)>');
    expect(out).toBe('<p>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>\n');
  });

  it('cannot close our code block from inside it', () => {
    const out = md('```\n</code></pre><script>alert(1)</script>\n```');
    expect(out).toBe(
      '<div class="code"><pre><code>' +
        '&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;' +
        '</code></pre></div>\n',
    );
  });

  it('cannot break out of an href with quotes or angle brackets', () => {
    const out = md('[x](https://a.test/"onmouseover="alert(1)) <https://a.test/"><script>>');
    assertInert(out, '');
    expect(out).not.toContain('"onmouseover');
    expect(out).not.toContain('<script');
  });

  it('neutralises NUL characters and CR line endings', () => {
    expect(md('a\u0000b\r\nc\rd')).toBe('<p>a\uFFFDb<br>\nc<br>\nd</p>\n');
  });

  it('never emits anything but its own tags around escaped text (seeded random input)', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const input = randomMarkdown(prng(seed));
      assertInert(md(input), input);
    }
  });

  // Speed is the benchmark's business, not a test's: this checks that pathological input still
  // renders inert (and, by finishing at all, that nesting and scanning are bounded).
  it('renders pathological input inert', () => {
    const hostile = [
      '*a '.repeat(20_000),
      '_a '.repeat(20_000),
      '['.repeat(50_000),
      '[a]('.repeat(15_000),
      '`'.repeat(50_000),
      '` ``'.repeat(15_000),
      '> '.repeat(20_000),
      '- '.repeat(20_000),
      '1. '.repeat(15_000),
      'https://a.b/'.repeat(5_000) + '.'.repeat(20_000),
      '**'.repeat(25_000),
      '|\n|-|\n'.repeat(5_000),
      `${'  '.repeat(5_000)}- x\n`.repeat(5),
    ];
    for (const input of hostile) assertInert(md(input), input.slice(0, 40));
  });
});

describe('frontMatterTable', () => {
  it('renders keys and values as a definition list, escaping both', () => {
    expect(String(frontMatterTable({ '<k>': '<v> & "q"', n: 7, ok: true }))).toBe(
      '<dl class="front-matter">\n<dt>&lt;k&gt;</dt><dd>&lt;v&gt; &amp; &quot;q&quot;</dd>\n' +
        '<dt>n</dt><dd>7</dd>\n<dt>ok</dt><dd>true</dd>\n</dl>\n',
    );
  });

  it('shows arrays as lists, objects as nested lists and null as none', () => {
    const out = String(
      frontMatterTable({
        labels: ['fastapi', '<b>'],
        links: { spec: null, pr: 'https://github.com/o/r/pull/1' },
        files: [],
      }),
    );
    expect(out).toContain('<dt>labels</dt><dd><ul><li>fastapi</li><li>&lt;b&gt;</li></ul></dd>');
    expect(out).toContain('<dt>spec</dt><dd><span class="muted">none</span></dd>');
    expect(out).toContain(
      `<dt>pr</dt><dd><a href="https://github.com/o/r/pull/1" ${REL}>https://github.com/o/r/pull/1</a></dd>`,
    );
    expect(out).toContain('<dt>files</dt><dd><span class="muted">none</span></dd>');
    assertInert(out, 'front matter');
  });

  it('shows YAML dates as written and only links http(s) strings', () => {
    const out = String(frontMatterTable({ date: new Date('2025-01-31'), link: 'javascript:alert(1)' }));
    expect(out).toContain('<dt>date</dt><dd>2025-01-31</dd>');
    expect(out).toContain('<dt>link</dt><dd>javascript:alert(1)</dd>');
  });

  it('survives cycles and deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 50; i++) deep = { d: deep };
    const out = String(frontMatterTable({ cyclic, deep }));
    expect(out).toContain('…');
    assertInert(out, 'cyclic');
  });
});
