import { describe, expect, it } from 'vitest';
import { toSlackMarkdown } from '../../../../src/slack/markdown/convert.js';
import { WJ } from './oracles.js';

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

  it('converts a table right after a closed fence', () => {
    expect(toSlackMarkdown('```\ncode\n```\n| a |\n|---|\n| 1 |')).toBe('```\ncode\n```\n```\na\n-\n1\n```');
  });
});
