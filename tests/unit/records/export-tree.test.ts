import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confinedPath } from '../../../src/records/confine.js';
import { type TreeEntry, writeRecordsTree } from '../../../src/records/export-tree.js';
import { tempDir } from '../../helpers/temp.js';

function entry(stored: string | null, computed = 'docs/0001-x.md', label = 'R-1'): TreeEntry {
  return { label, folder: 'docs', stored, computed: () => computed, markdown: `# ${label}\n` };
}

describe('confinedPath', () => {
  it('accepts Markdown files inside the folder and nothing else', () => {
    const root = '/tree';
    expect(confinedPath(root, 'docs', 'docs/a/0001-x.md')).toBe('/tree/docs/a/0001-x.md');
    expect(confinedPath(root, 'docs', 'docs/./0001-x.md')).toBe('/tree/docs/0001-x.md');
    for (const path of [
      '',
      '/etc/passwd.md',
      '../docs/0001-x.md',
      'docs/../../x.md',
      'docs/../other/x.md',
      'docs',
      'docs/',
      'other/0001-x.md',
      'docs/0001-x.sh',
      'docs/x\0.md',
      'docsx/0001.md',
    ]) {
      expect(confinedPath(root, 'docs', path), path).toBeUndefined();
    }
    // A name that merely starts with two dots stays inside.
    expect(confinedPath(root, 'docs', 'docs/..x.md')).toBe('/tree/docs/..x.md');
  });
});

describe('writeRecordsTree', () => {
  it('falls back to the computed name, skips unnamed or clashing records, writes the companion once', () => {
    const root = tempDir();
    const result = writeRecordsTree(root, [
      {
        entries: [
          entry('docs/0001-x.md'),
          entry('../../0002-y.md', 'docs/0002-y.md', 'R-2'),
          entry(null, 'docs/0001-x.md', 'R-3'),
          {
            ...entry(null, '', 'R-4'),
            computed: () => {
              throw new RangeError('bad stage');
            },
          },
        ],
        companion: { path: '.marker', text: 'docs\n' },
      },
      { entries: [], companion: { path: '.unused', text: '' } },
    ]);
    expect(result.written).toEqual([2, 0]);
    expect(result.renamed).toEqual(['R-2: stored path is outside docs; written as docs/0002-y.md']);
    expect(result.skipped).toEqual([
      "R-3: docs/0001-x.md is another record's file",
      'R-4: no safe file name',
    ]);
    expect(readdirSync(join(root, 'docs')).sort()).toEqual(['0001-x.md', '0002-y.md']);
    expect(readFileSync(join(root, 'docs', '0001-x.md'), 'utf8')).toBe('# R-1\n');
    expect(readFileSync(join(root, '.marker'), 'utf8')).toBe('docs\n');
    expect(existsSync(join(root, '.unused'))).toBe(false);
  });

  it('leaves an existing companion file as it is', () => {
    const root = tempDir();
    symlinkSync('elsewhere', join(root, '.marker'));
    writeRecordsTree(root, [{ entries: [entry(null)], companion: { path: '.marker', text: 'docs\n' } }]);
    expect(readdirSync(root).sort()).toEqual(['.marker', 'docs']);
  });
});
