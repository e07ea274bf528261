import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const SRC = new URL('../../src/', import.meta.url).pathname;

/** Every TypeScript file under src/. */
export function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}
