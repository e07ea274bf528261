import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The highest NNNN- prefix among a folder's files: records made elsewhere (a repo, another tool) count too. */
export function highestNumberIn(folder: string): number {
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
 * purpose: callers run it inside a SQLite transaction that also reserves the number.
 */
export function createNumberedFile(
  folder: string,
  number: number,
  render: (number: number) => { fileName: string; text: string },
): { number: number; fileName: string; text: string } {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  for (let candidate = number; ; candidate++) {
    const file = render(candidate);
    try {
      writeFileSync(join(folder, file.fileName), file.text, { flag: 'wx', mode: 0o600 });
      return { number: candidate, ...file };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
