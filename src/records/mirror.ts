import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Applies a change to a record's file under DATA_DIR. The file is the mirror of the database's row:
 * when it exists, the change is made to its text (edits made by hand are kept); when it does not —
 * another replica created the record, or its first write failed — the row's new markdown is written.
 */
export function updateMirror(
  dataDir: string,
  relativePath: string,
  change: (text: string) => string,
  stored: string,
): void {
  const path = join(dataDir, relativePath);
  let text: string;
  try {
    text = change(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    text = stored;
  }
  writeFileSync(path, text, { mode: 0o600 });
}
