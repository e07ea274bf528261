import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
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
