import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
});
