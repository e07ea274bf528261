import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * `path` (relative to `root`, as stored in the database) resolved inside `root/folder`, or undefined when it
 * is absolute, climbs out with `..`, is not a Markdown file or names the folder itself. Database rows are not
 * trusted: a path must never reach outside the tree being exported, nor a record's file outside DATA_DIR/history/
 * (the mirror updates and retention's deletes).
 */
export function confinedPath(root: string, folder: string, path: string): string | undefined {
  if (path === '' || path.includes('\0') || isAbsolute(path) || !path.endsWith('.md')) return undefined;
  const target = resolve(root, path);
  const inFolder = relative(resolve(root, folder), target);
  if (inFolder === '' || isAbsolute(inFolder) || inFolder.split(sep)[0] === '..') return undefined;
  return target;
}
