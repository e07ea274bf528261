// parsePhr and setPhrAdrLink: reading PHR files back exactly and updating their ADR link.

import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { parsePhr, setPhrAdrLink } from '../../../src/phr/file.js';
import { PhrFormatError, padId, phrFileName } from '../../../src/phr/phr.js';
import { renderPhr } from '../../../src/phr/render.js';
import { seededRandom as seeded } from '../../helpers/random.js';
import { nastyString, readBoth, record, TEMPLATE_KEYS } from './fixtures.js';

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

  it('lists the cited docs pages under Sources and still reads the response back exactly', () => {
    const sources = [
      { title: 'Lifespan Events', url: 'https://fastapi.tiangolo.com/advanced/events/#lifespan-events' },
      { title: 'CORS [middleware]', url: 'https://fastapi.tiangolo.com/tutorial/cors/' },
    ];
    const text = renderPhr(record({ sources }));
    expect(text).toContain(
      '## Sources\n\n- [Lifespan Events](<https://fastapi.tiangolo.com/advanced/events/#lifespan-events>)\n' +
        '- [CORS  middleware ](<https://fastapi.tiangolo.com/tutorial/cors/>)\n\n## Outcome',
    );
    expect(parsePhr(text, fileName).response).toBe(record().response);
    expect(renderPhr(record())).not.toContain('## Sources');
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
