import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The highest NNNN- prefix among a folder's files, read once per folder: records made elsewhere
 * (copied in from a repository) count, without listing a growing folder on every answer. Files added
 * later by others are still never overwritten (createNumberedFile skips numbers that are taken).
 */
export class FolderNumbers {
  readonly #highest = new Map<string, number>();

  highest(folder: string): number {
    let known = this.#highest.get(folder);
    if (known === undefined) {
      known = scanFolder(folder);
      this.#highest.set(folder, known);
    }
    return known;
  }

  /** Remembers a number just used, so the cached scan stays current. */
  note(folder: string, number: number): void {
    this.#highest.set(folder, Math.max(this.#highest.get(folder) ?? 0, number));
  }
}

function scanFolder(folder: string): number {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  let highest = 0;
  for (const name of names) {
    const match = /^(\d{4,})-/.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

/**
 * Creates the file for record `number` in `folder`, exclusively: when a file with that name exists
 * (whoever wrote it), the next number is tried, so nothing is ever overwritten. Synchronous on
 * purpose: callers run it inside the database transaction that also reserves the number
 * (`insertNumbered` of the PHR and ADR stores).
 */
export function createNumberedFile(
  folder: string,
  number: number,
  render: (number: number) => { fileName: string; text: string },
  numbers: FolderNumbers,
): { number: number; fileName: string; text: string } {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  for (let candidate = number; ; candidate++) {
    const file = render(candidate);
    try {
      writeFileSync(join(folder, file.fileName), file.text, { flag: 'wx', mode: 0o600 });
      numbers.note(folder, candidate);
      return { number: candidate, ...file };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * How a record's number is chosen. `files` (SQLite, one process): the folder's files count too, and an
 * existing file is never overwritten (the next number is taken). `database` (PostgreSQL, replicas): the
 * database alone numbers records (`maxStored + 1`), and the file is this replica's mirror of the row,
 * written with exactly that number, replacing a stale file of the same name (an orphan of a failed commit).
 */
export type Numbering = 'files' | 'database';

/** The number the next record of `folder` gets, before its file is written. */
export function nextNumber(
  numbering: Numbering,
  maxStored: number,
  folder: string,
  numbers: FolderNumbers,
): number {
  return numbering === 'database' ? maxStored + 1 : Math.max(maxStored, numbers.highest(folder)) + 1;
}

/** Writes record `number`'s file the way `numbering` says; returns the number it was written with. */
export function writeNumberedFile(
  numbering: Numbering,
  folder: string,
  number: number,
  render: (number: number) => { fileName: string; text: string },
  numbers: FolderNumbers,
): { number: number; fileName: string; text: string } {
  if (numbering === 'files') return createNumberedFile(folder, number, render, numbers);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = render(number);
  const path = join(folder, file.fileName);
  // Removed first, then created exclusively: a stale file is replaced, and a symlink is never followed.
  rmSync(path, { force: true });
  writeFileSync(path, file.text, { flag: 'wx', mode: 0o600 });
  return { number, ...file };
}

/** Replicas sharing PostgreSQL number records from the database alone; SQLite's files are first-class. */
export function numberingFor(kind: 'sqlite' | 'postgres'): Numbering {
  return kind === 'postgres' ? 'database' : 'files';
}
