import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateMirror } from '../../../src/records/mirror.js';
import { tempDir } from '../../helpers/temp.js';

const PATH = join('history', 'adr', '0001-use-postgres.md');
const accept = (text: string) => text.replace('status: Proposed', 'status: Accepted');

describe('updateMirror', () => {
  it('changes the file this replica has, keeping what was edited by hand', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'history', 'adr'), { recursive: true });
    writeFileSync(join(dir, PATH), 'status: Proposed\n\nA line someone added.\n');
    updateMirror(dir, PATH, accept, 'status: Accepted\n');
    expect(readFileSync(join(dir, PATH), 'utf8')).toBe('status: Accepted\n\nA line someone added.\n');
  });

  it('writes the stored record when another replica created it, owner-only', () => {
    const dir = tempDir();
    updateMirror(dir, PATH, accept, 'status: Accepted\n\nFrom the database.\n');
    expect(readFileSync(join(dir, PATH), 'utf8')).toBe('status: Accepted\n\nFrom the database.\n');
    expect(statSync(join(dir, PATH)).mode & 0o777).toBe(0o600);
  });

  it('refuses a stored path outside DATA_DIR/history/, touching nothing', () => {
    const root = tempDir();
    const dir = join(root, 'data');
    mkdirSync(dir);
    writeFileSync(join(root, 'outside.md'), 'status: Proposed\n');
    for (const path of [
      '../outside.md',
      join(root, 'outside.md'),
      'bot.md',
      'history/../../outside.md',
      'history/adr/x.txt',
    ]) {
      expect(() => updateMirror(dir, path, accept, 'status: Accepted\n'), path).toThrow(/outside history/);
    }
    expect(readFileSync(join(root, 'outside.md'), 'utf8')).toBe('status: Proposed\n');
    expect(existsSync(join(dir, 'bot.md'))).toBe(false);
  });
});
