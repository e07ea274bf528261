import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  PHR_STAGES,
  PhrFormatError,
  type PhrRecord,
  padId,
  parsePhr,
  phrFileName,
  phrRoute,
  renderPhr,
  setPhrAdrLink,
} from '../../src/records/phr.js';
import { seededRandom as seeded } from '../helpers/random.js';

const TEMPLATE_KEYS = [
  'id',
  'title',
  'stage',
  'date',
  'surface',
  'model',
  'feature',
  'branch',
  'user',
  'command',
  'labels',
  'links',
  'files',
  'tests',
];

function record(overrides: Partial<PhrRecord> = {}): PhrRecord {
  return {
    id: 7,
    title: 'Efficient Pagination Items Endpoint',
    stage: 'general',
    date: '2025-03-04',
    surface: 'slack',
    model: 'claude-sonnet-5-5',
    feature: null,
    branch: null,
    user: 'Ada Lovelace',
    command: '@mention',
    labels: ['pagination', 'api-design'],
    links: { spec: null, ticket: null, adr: null, pr: null },
    files: [],
    tests: [],
    prompt: 'How do I add efficient pagination to my `/items` endpoint?',
    response: 'Use keyset pagination.',
    outcome: {
      impact: 'Explained keyset pagination',
      tests: 'none',
      files: 'none',
      nextPrompts: 'Add an index',
      reflection: 'Offsets get slow on deep pages',
    },
    evaluation: {
      failureModes: 'none',
      graders: 'none',
      promptVariant: 'fastapi-backend-expert',
      nextExperiment: 'none',
    },
    ...overrides,
  };
}

/** The text between the two `---` lines, as a YAML reader other than gray-matter would take it. */
function frontMatterText(text: string): string {
  const end = text.indexOf('\n---\n', 4);
  expect(text.startsWith('---\n')).toBe(true);
  expect(end).toBeGreaterThan(0);
  return text.slice(4, end + 1);
}

/** Both readers a PHR meets: `yaml` (YAML 1.2) and gray-matter (js-yaml, YAML 1.1 flavoured). */
function readBoth(text: string): { yaml: Record<string, unknown>; grayMatter: Record<string, unknown> } {
  return {
    yaml: parseYaml(frontMatterText(text)) as Record<string, unknown>,
    grayMatter: matter(text, {}).data,
  };
}

function fmLine(text: string, key: string): string {
  const line = frontMatterText(text)
    .split('\n')
    .find((candidate) => candidate.startsWith(`${key}:`));
  if (line === undefined) throw new Error(`no ${key} line`);
  return line;
}

/** Pieces chosen to break naive encodings: fences, headings, front matter markers, line ending variants. */
const NASTY_PIECES = [
  '`',
  '``',
  '```',
  '````',
  '`````````',
  '```python\n',
  '~~~',
  '\n',
  '\n\n',
  '\r\n',
  '\r',
  ' ',
  '   ',
  '\t',
  '---',
  '\n---\n',
  '...',
  '## Prompt',
  '## Response snapshot',
  '\n## Outcome\n',
  '## Evaluation notes (flywheel)',
  '# ',
  '- ✅ Impact: x',
  '<div class="x">',
  '</div>',
  '<!-- c -->',
  'a',
  'word',
  ' #tag',
  ': ',
  '"',
  "'",
  '\\',
  '\\n',
  '@here',
  '<@U123>',
  'é',
  '🚀',
  '\u0000',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufeff',
  'null',
  '0010',
  'yes',
];

function nastyString(random: () => number, maxPieces: number): string {
  const count = Math.floor(random() * maxPieces);
  let text = '';
  for (let index = 0; index < count; index++) {
    text += NASTY_PIECES[Math.floor(random() * NASTY_PIECES.length)] ?? '';
  }
  return text;
}

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

describe('renderPhr', () => {
  it('follows the Spec-Kit Plus template', () => {
    expect(renderPhr(record())).toBe(
      [
        '---',
        'id: "0007"',
        'title: Efficient Pagination Items Endpoint',
        'stage: general',
        'date: 2025-03-04',
        'surface: slack',
        'model: claude-sonnet-5-5',
        'feature: none',
        'branch: none',
        'user: Ada Lovelace',
        'command: "@mention"',
        'labels: ["pagination", "api-design"]',
        'links:',
        '  spec: null',
        '  ticket: null',
        '  adr: null',
        '  pr: null',
        'files:',
        '  - none',
        'tests:',
        '  - none',
        '---',
        '',
        '## Prompt',
        '',
        '```text',
        'How do I add efficient pagination to my `/items` endpoint?',
        '```',
        '',
        '## Response snapshot',
        '',
        '```markdown',
        'Use keyset pagination.',
        '```',
        '',
        '## Outcome',
        '',
        '- ✅ Impact: Explained keyset pagination',
        '- 🧪 Tests: none',
        '- 📁 Files: none',
        '- 🔁 Next prompts: Add an index',
        '- 🧠 Reflection: Offsets get slow on deep pages',
        '',
        '## Evaluation notes (flywheel)',
        '',
        '- Failure modes observed: none',
        '- Graders run and results (PASS/FAIL): none',
        '- Prompt variant (if applicable): fastapi-backend-expert',
        '- Next experiment (smallest change to try): none',
        '',
      ].join('\n'),
    );
  });

  it('writes the keys in template order, then the extras, for both YAML readers', () => {
    const text = renderPhr(
      record({
        slack: {
          team: 'T01',
          channel: 'C02',
          threadTs: '1712345678.123456',
          messageTs: null,
          permalink: 'https://example.slack.com/archives/C02/p1712345678123456',
        },
        usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 1000, cacheWriteTokens: 0 },
        latencyMs: 4321,
      }),
    );
    const { yaml, grayMatter } = readBoth(text);
    const expected = [...TEMPLATE_KEYS, 'slack', 'usage', 'latency_ms'];
    expect(Object.keys(yaml)).toEqual(expected);
    expect(Object.keys(grayMatter)).toEqual(expected);
    for (const data of [yaml, grayMatter]) {
      expect(Object.keys(data.links as object)).toEqual(['spec', 'ticket', 'adr', 'pr']);
      expect(data.slack).toEqual({
        team: 'T01',
        channel: 'C02',
        thread_ts: '1712345678.123456',
        message_ts: null,
        permalink: 'https://example.slack.com/archives/C02/p1712345678123456',
      });
      expect(Object.keys(data.slack as object)).toEqual([
        'team',
        'channel',
        'thread_ts',
        'message_ts',
        'permalink',
      ]);
      expect(data.usage).toEqual({
        input_tokens: 1200,
        output_tokens: 300,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 0,
      });
      expect(Object.keys(data.usage as object)).toEqual([
        'input_tokens',
        'output_tokens',
        'cache_read_input_tokens',
        'cache_creation_input_tokens',
      ]);
      expect(data.latency_ms).toBe(4321);
    }
  });

  it('leaves the extras out when absent', () => {
    expect(Object.keys(readBoth(renderPhr(record())).yaml)).toEqual(TEMPLATE_KEYS);
  });

  it('quotes the id so it reads back as the file name number, in YAML 1.1 too', () => {
    for (const id of [7, 10, 8, 9, 100, 1234]) {
      const text = renderPhr(record({ id }));
      expect(fmLine(text, 'id')).toBe(`id: "${padId(id)}"`);
      const { yaml, grayMatter } = readBoth(text);
      expect(yaml.id).toBe(padId(id));
      expect(grayMatter.id).toBe(padId(id));
      const parsed = parsePhr(text, `history/prompts/general/${phrFileName(id, 'T', 'general')}`);
      expect(parsed.id).toBe(id);
      expect(parsed.frontMatter.id).toBe(padId(id));
      expect(Number.parseInt(String(parsed.frontMatter.id), 10)).toBe(parsed.id);
    }
  });

  it('quotes every value a plain scalar would misread, and both readers get the same string back', () => {
    const risky = [
      '@mention',
      '@fastapi',
      '/fastapi',
      '`code`',
      '"quoted"',
      "'single'",
      'key: value',
      'a #comment',
      '#channel',
      '007',
      '0010',
      '12',
      '1.5',
      '1e3',
      '0x1F',
      '0o17',
      '1_000',
      '1:20',
      '.inf',
      '.NaN',
      'true',
      'False',
      'yes',
      'No',
      'on',
      'OFF',
      'y',
      'n',
      'null',
      'Null',
      '~',
      '',
      ' padded ',
      '2025-03-04',
      '2025-03-04T10:00:00Z',
      '- item',
      '? key',
      '[flow]',
      '{flow}',
      '*alias',
      '&anchor',
      '!tag',
      '|',
      '>',
      '%YAML',
      'ends with colon:',
      '<<',
      '=',
      '...',
      '---',
    ];
    for (const value of risky) {
      const text = renderPhr(record({ command: value, user: value, title: value, model: value }));
      expect(fmLine(text, 'command'), value).toMatch(/^command: "/);
      const { yaml, grayMatter } = readBoth(text);
      for (const data of [yaml, grayMatter]) {
        expect(data.command, value).toBe(value);
        expect(data.user, value).toBe(value);
        expect(data.title, value).toBe(value);
        expect(data.model, value).toBe(value);
      }
    }
  });

  it('keeps ordinary values plain', () => {
    const text = renderPhr(
      record({ command: 'thread reply', user: 'Grace Hopper', model: 'claude-sonnet-5-5', surface: 'cli' }),
    );
    expect(fmLine(text, 'command')).toBe('command: thread reply');
    expect(fmLine(text, 'user')).toBe('user: Grace Hopper');
    expect(fmLine(text, 'surface')).toBe('surface: cli');
  });

  it('keeps titles and user names with newlines, quotes, emoji and markers valid YAML', () => {
    const weird = [
      'line one\nline two',
      'Fix "the" bug',
      "it's",
      '🚀 Launch 🚀',
      '---',
      'a\n---\nb',
      'back\\slash',
      'tab\there',
      'bell\u0007',
      'del\u007f and c1\u0085\u009f',
      'separators\u2028\u2029',
      '\ufeffbom',
      'lone \ud800 surrogate',
      'trailing newline\n',
      'x'.repeat(300),
      `${'long words '.repeat(30)}\n${'again '.repeat(30)}`,
    ];
    for (const value of weird) {
      const text = renderPhr(record({ title: value, user: value, labels: [value] }));
      const header = frontMatterText(text);
      expect(header.split('\n').filter((line) => line === '---')).toEqual([]);
      expect(fmLine(text, 'title')).not.toContain('\n');
      const { yaml, grayMatter } = readBoth(text);
      for (const data of [yaml, grayMatter]) {
        expect(data.title, JSON.stringify(value)).toBe(value);
        expect(data.user, JSON.stringify(value)).toBe(value);
        expect(data.labels, JSON.stringify(value)).toEqual([value]);
      }
    }
  });

  it('writes labels as a double-quoted flow list', () => {
    expect(fmLine(renderPhr(record()), 'labels')).toBe('labels: ["pagination", "api-design"]');
    expect(fmLine(renderPhr(record({ labels: [] })), 'labels')).toBe('labels: []');
    expect(fmLine(renderPhr(record({ labels: ['a "b"', 'c'] })), 'labels')).toBe(
      'labels: ["a \\"b\\"", "c"]',
    );
  });

  it('writes unknown links as null and known ones as strings', () => {
    const text = renderPhr(
      record({
        links: {
          spec: 'specs/001-auth/spec.md',
          ticket: null,
          adr: null,
          pr: 'https://github.com/o/r/pull/3',
        },
      }),
    );
    expect(frontMatterText(text)).toContain(
      'links:\n  spec: specs/001-auth/spec.md\n  ticket: null\n  adr: null\n  pr: https://github.com/o/r/pull/3\n',
    );
    for (const data of Object.values(readBoth(text))) {
      expect(data.links).toEqual({
        spec: 'specs/001-auth/spec.md',
        ticket: null,
        adr: null,
        pr: 'https://github.com/o/r/pull/3',
      });
    }
  });

  it('writes files and tests as block lists, "none" when empty', () => {
    const empty = frontMatterText(renderPhr(record()));
    expect(empty).toContain('files:\n  - none\ntests:\n  - none\n');
    const full = renderPhr(record({ files: ['app/main.py', '@weird.py'], tests: ['tests/test_items.py'] }));
    expect(frontMatterText(full)).toContain(
      'files:\n  - app/main.py\n  - "@weird.py"\ntests:\n  - tests/test_items.py\n',
    );
    expect(readBoth(full).grayMatter.files).toEqual(['app/main.py', '@weird.py']);
  });

  it('writes feature and branch, "none" when null', () => {
    const text = renderPhr(record({ feature: '001-auth', branch: 'feature/001-auth' }));
    expect(fmLine(text, 'feature')).toBe('feature: 001-auth');
    expect(fmLine(text, 'branch')).toBe('branch: feature/001-auth');
    expect(fmLine(renderPhr(record()), 'feature')).toBe('feature: none');
  });

  it('writes the date as a plain YYYY-MM-DD and rejects anything else', () => {
    const text = renderPhr(record({ date: '2026-12-31' }));
    expect(fmLine(text, 'date')).toBe('date: 2026-12-31');
    expect(readBoth(text).yaml.date).toBe('2026-12-31');
    expect(() => renderPhr(record({ date: '2026-12-31T00:00:00Z' }))).toThrow(RangeError);
  });

  it('keeps outcome and evaluation bullets on one line', () => {
    const text = renderPhr(
      record({
        outcome: {
          impact: 'two\nlines',
          tests: '',
          files: '  ',
          nextPrompts: 'a\r\n\r\nb',
          reflection: 'ok',
        },
      }),
    );
    expect(text).toContain(
      '- ✅ Impact: two lines\n- 🧪 Tests: none\n- 📁 Files: none\n- 🔁 Next prompts: a b\n',
    );
  });

  it('fences the prompt with more backticks than any run inside', () => {
    const prompt = 'Here:\n````\n```python\nx = 1\n```\n````\n## Response snapshot\n---';
    const text = renderPhr(record({ prompt }));
    expect(text).toContain(`## Prompt\n\n\`\`\`\`\`text\n${prompt}\n\`\`\`\`\`\n\n## Response snapshot\n`);
  });
});

describe('parsePhr', () => {
  const fileName = '0007-efficient-pagination-items-endpoint.general.prompt.md';

  it('reads back what renderPhr wrote', () => {
    const parsed = parsePhr(renderPhr(record()), fileName);
    expect(parsed.id).toBe(7);
    expect(parsed.prompt).toBe(record().prompt);
    expect(parsed.response).toBe(record().response);
    expect(parsed.frontMatter.command).toBe('@mention');
    expect(parsed.frontMatter.date).toBe('2025-03-04');
    expect(Object.keys(parsed.frontMatter)).toEqual(TEMPLATE_KEYS);
  });

  it('recovers hand-picked hostile prompts and responses exactly', () => {
    const cases = [
      '',
      '\n',
      '\n\n\n',
      ' ',
      'trailing newline\n',
      '\nleading newline',
      '```',
      '```\n```',
      'ends with a fence\n```',
      '````\nnested ``` fence\n````',
      '## Response snapshot\n\n```markdown\nfake\n```\n\n## Outcome',
      '---\ntitle: fake front matter\n---',
      '<details><summary>HTML</summary>\n\n```js\nx\n```\n</details>',
      'windows\r\nline\r\nendings\r\n',
      'lone\rcarriage',
      '    indented code\n\ttabbed',
      '~~~\ntilde fence\n~~~',
      'emoji 🚀 and accents é and nul \u0000',
      'x'.repeat(100_000),
    ];
    for (const prompt of cases) {
      for (const response of [cases[0] ?? '', prompt, `${prompt}\n\n${prompt}`]) {
        const parsed = parsePhr(renderPhr(record({ prompt, response })), fileName);
        expect(parsed.prompt, JSON.stringify(prompt)).toBe(prompt);
        expect(parsed.response, JSON.stringify(response)).toBe(response);
      }
    }
  });

  it('recovers seeded random prompts, responses and front matter values exactly', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seeded(seed);
      const prompt = nastyString(random, 40);
      const response = nastyString(random, 80);
      const title = nastyString(random, 8);
      const user = nastyString(random, 6);
      const command = nastyString(random, 4);
      const label = nastyString(random, 3);
      const text = renderPhr(record({ id: seed, prompt, response, title, user, command, labels: [label] }));
      const name = phrFileName(seed, title, 'general');
      const parsed = parsePhr(text, name);
      const context = `seed ${seed}`;
      expect(parsed.id, context).toBe(seed);
      expect(parsed.prompt, context).toBe(prompt);
      expect(parsed.response, context).toBe(response);
      const { yaml, grayMatter } = readBoth(text);
      for (const data of [parsed.frontMatter, yaml, grayMatter]) {
        expect(Object.keys(data), context).toEqual(TEMPLATE_KEYS);
        expect(data.id, context).toBe(padId(seed));
        expect(data.title, context).toBe(title);
        expect(data.user, context).toBe(user);
        expect(data.command, context).toBe(command);
        expect(data.labels, context).toEqual([label]);
      }
    }
  });

  it('reads a file checked out with CRLF line endings', () => {
    const prompt = 'one\ntwo\n\n```py\nx\n```';
    const text = renderPhr(record({ prompt, response: 'r\n' })).replace(/\n/g, '\r\n');
    const parsed = parsePhr(text, fileName);
    expect(parsed.prompt).toBe(prompt.replace(/\n/g, '\r\n'));
    expect(parsed.response).toBe('r\r\n');
    expect(parsed.frontMatter.id).toBe('0007');
  });

  it('reads a PHR an agent wrote by hand, without fences', () => {
    const text = [
      '---',
      'id: 0010',
      'title: Hand Written',
      'stage: spec',
      'date: 2025-01-02',
      '---',
      '',
      '## Prompt',
      '',
      '```',
      'pasted code',
      '```',
      'and then a question',
      '',
      '## Response snapshot',
      '',
      'Answered **well**.',
      '',
      '## Outcome',
      '',
      '- ✅ Impact: x',
      '',
    ].join('\n');
    const parsed = parsePhr(text, 'history/prompts/001-auth/0010-hand-written.spec.prompt.md');
    expect(parsed.id).toBe(10);
    expect(parsed.prompt).toBe('```\npasted code\n```\nand then a question');
    expect(parsed.response).toBe('Answered **well**.');
  });

  it('takes the id from the file name, not from YAML', () => {
    const text = renderPhr(record({ id: 7 }));
    expect(parsePhr(text, '0012-renumbered.general.prompt.md').id).toBe(12);
    expect(parsePhr(text, 'C:\\repo\\history\\prompts\\general\\0009-x.general.prompt.md').id).toBe(9);
  });

  it('throws PhrFormatError on malformed files', () => {
    const good = renderPhr(record());
    const bad: Array<[string, string]> = [
      [good, 'notes.md'],
      [good, 'seven-title.general.prompt.md'],
      ['no front matter\n## Prompt\n', fileName],
      ['---\nid: "0007"\n## Prompt\n', fileName],
      ['---\nid: [unclosed\n---\n## Prompt\n\nx\n\n## Response snapshot\n\ny\n', fileName],
      ['---\n- a list\n---\n## Prompt\n\nx\n\n## Response snapshot\n\ny\n', fileName],
      ['---\nid: "0007"\n---\n\nno sections\n', fileName],
      [good.replace('## Response snapshot', '## Something else'), fileName],
    ];
    for (const [text, name] of bad) {
      expect(() => parsePhr(text, name), `${name}: ${JSON.stringify(text.slice(0, 40))}`).toThrow(
        PhrFormatError,
      );
    }
  });
});

describe('setPhrAdrLink', () => {
  function changedLines(before: string, after: string): Array<[number, string, string]> {
    const a = before.split('\n');
    const b = after.split('\n');
    expect(b).toHaveLength(a.length);
    return a.flatMap(
      (line, index): Array<[number, string, string]> =>
        line === b[index] ? [] : [[index, line, b[index] ?? '']],
    );
  }

  const adr = 'history/adr/0003-use-keyset-pagination.md';

  it('changes only the adr line', () => {
    const before = renderPhr(
      record({
        prompt: 'links:\n  adr: null\n---',
        response: '  adr: null',
        slack: { team: 'T', channel: 'C', threadTs: '1.2', messageTs: '1.3', permalink: null },
      }),
    );
    const after = setPhrAdrLink(before, adr);
    const changes = changedLines(before, after);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.[1]).toBe('  adr: null');
    expect(changes[0]?.[2]).toBe(`  adr: ${adr}`);
    const parsed = parsePhr(after, '0007-x.general.prompt.md');
    expect(parsed.frontMatter.links).toEqual({ spec: null, ticket: null, adr, pr: null });
    expect(parsed.prompt).toBe('links:\n  adr: null\n---');
    expect(matter(after, {}).data.links).toEqual({ spec: null, ticket: null, adr, pr: null });
  });

  it('replaces an existing link and is idempotent', () => {
    const once = setPhrAdrLink(renderPhr(record()), adr);
    expect(setPhrAdrLink(once, adr)).toBe(once);
    const other = setPhrAdrLink(once, 'history/adr/0004-other.md');
    expect(changedLines(once, other)).toEqual([[15, `  adr: ${adr}`, '  adr: history/adr/0004-other.md']]);
  });

  it('quotes a link value that needs it', () => {
    const after = setPhrAdrLink(renderPhr(record()), '#0003: keyset');
    expect(after).toContain('\n  adr: "#0003: keyset"\n');
    expect(parsePhr(after, '0007-x.general.prompt.md').frontMatter.links).toMatchObject({
      adr: '#0003: keyset',
    });
  });

  it('keeps CRLF line endings', () => {
    const before = renderPhr(record()).replace(/\n/g, '\r\n');
    const after = setPhrAdrLink(before, adr);
    expect(after).toBe(before.replace('  adr: null\r\n', `  adr: ${adr}\r\n`));
  });

  it('adds the key after ticket when a hand-written file lacks it', () => {
    const before =
      '---\nid: "0001"\nlinks:\n  spec: null\n  ticket: null\n  pr: null\nfiles:\n  - none\n---\n\nbody\n';
    expect(setPhrAdrLink(before, adr)).toBe(
      `---\nid: "0001"\nlinks:\n  spec: null\n  ticket: null\n  adr: ${adr}\n  pr: null\nfiles:\n  - none\n---\n\nbody\n`,
    );
  });

  it('throws when there is no block links map', () => {
    expect(() => setPhrAdrLink('---\nid: "0001"\n---\n', adr)).toThrow(PhrFormatError);
    expect(() => setPhrAdrLink('---\nlinks: {adr: null}\n---\n', adr)).toThrow(PhrFormatError);
    expect(() => setPhrAdrLink('no front matter', adr)).toThrow(PhrFormatError);
  });
});
