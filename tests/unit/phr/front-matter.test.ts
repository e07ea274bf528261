// renderPhr's YAML front matter: key order, quoting, lists and links, read back by two YAML readers.

import { describe, expect, it } from 'vitest';
import { parsePhr } from '../../../src/phr/file.js';
import { padId, phrFileName } from '../../../src/phr/phr.js';
import { renderPhr } from '../../../src/phr/render.js';
import { fmLine, frontMatterText, readBoth, record, TEMPLATE_KEYS } from './fixtures.js';

describe('renderPhr', () => {
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
});
