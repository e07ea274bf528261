import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { confinedPath } from './confine.js';

/** Where every record file lives under DATA_DIR: a stored path outside it is refused. */
export const RECORDS_DIR = 'history';

/**
 * Applies a change to a record's file under DATA_DIR. The file is the mirror of the database's row:
 * when it exists, the change is made to its text (edits made by hand are kept); when it does not —
 * another replica created the record, or its first write failed — the row's new markdown is written.
 * The path comes from the database and is not trusted: one outside DATA_DIR/history/ (absolute, climbing
 * out with `..`, not Markdown) throws, and nothing is read or written.
 */
export function updateMirror(
  dataDir: string,
  relativePath: string,
  change: (text: string) => string,
  stored: string,
): void {
  const path = confinedPath(dataDir, RECORDS_DIR, relativePath);
  if (path === undefined)
    throw new Error(`refused record path outside ${RECORDS_DIR}/: ${JSON.stringify(relativePath)}`);
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
