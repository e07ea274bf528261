import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { confinedPath } from './confine.js';

/** One record to write into an exported tree. */
export interface TreeEntry {
  /** Names the record in messages, e.g. `PHR-0007 (general)`. */
  label: string;
  /** The folder (relative to the tree's root) every file of its kind must stay inside. */
  folder: string;
  /** The path stored in the database (relative to DATA_DIR), or null when its file was never written. */
  stored: string | null;
  /** The name the services give the record; may throw on a row they would never have written. */
  computed: () => string;
  markdown: string;
}

/** A kind of record: its entries, and a file tools expect beside them (e.g. `.adr-dir`). */
export interface TreeGroup {
  entries: TreeEntry[];
  companion?: { path: string; text: string };
}

export interface TreeWrite {
  /** Files written, per group. */
  written: number[];
  /** Records written under their computed name because their stored path was unusable. */
  renamed: string[];
  /** Records not written (no safe name, or a name another record already took). */
  skipped: string[];
}

function targetOf(root: string, entry: TreeEntry, result: TreeWrite): string | undefined {
  const stored = entry.stored === null ? undefined : confinedPath(root, entry.folder, entry.stored);
  if (stored !== undefined) return stored;
  let computed: string | undefined;
  try {
    computed = confinedPath(root, entry.folder, entry.computed());
  } catch {
    computed = undefined;
  }
  if (computed === undefined) {
    result.skipped.push(`${entry.label}: no safe file name`);
    return undefined;
  }
  if (entry.stored !== null)
    result.renamed.push(
      `${entry.label}: stored path is outside ${entry.folder}; written as ${relative(root, computed)}`,
    );
  return computed;
}

/** Creates `path` unless something is there: exclusive, so not even a dangling symlink is followed. */
function writeIfAbsent(path: string, text: string): void {
  try {
    writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Writes each entry's Markdown under `root` at its stored path, or, when the row has none or an unsafe one, at
 * its computed name; then each group's companion file when the group wrote something and it is missing.
 * Existing record files are overwritten (the database is the truth); nothing else is touched or deleted.
 */
export function writeRecordsTree(root: string, groups: readonly TreeGroup[]): TreeWrite {
  const result: TreeWrite = { written: [], renamed: [], skipped: [] };
  const taken = new Set<string>();
  for (const group of groups) {
    let written = 0;
    for (const entry of group.entries) {
      const target = targetOf(root, entry, result);
      if (target === undefined) continue;
      if (taken.has(target)) {
        result.skipped.push(`${entry.label}: ${relative(root, target)} is another record's file`);
        continue;
      }
      taken.add(target);
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFileSync(target, entry.markdown, { mode: 0o600 });
      written += 1;
    }
    if (group.companion && written > 0) writeIfAbsent(join(root, group.companion.path), group.companion.text);
    result.written.push(written);
  }
  return result;
}
