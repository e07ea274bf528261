import { posix } from 'node:path';

/** An include marker found on a line: the file (below the tree's top) and the lines it shows. */
export interface Include {
  path: string;
  /** 1-based inclusive ranges; empty means the whole file. */
  ranges: [number, number | undefined][];
  title?: string;
}

const NEW_FORM = /^\s*\{\*\s*(\S+)(.*?)\*\}\s*$/;
const OLD_FORM = /^\s*\{!>?\s*(\S+?)\s*!\}\s*$/;

/**
 * Parses `{* ../../docs_src/x.py ln[3:5,9] hl[4] title["..."] *}` and the older `{!> ../../x.py!}`.
 * Paths are relative to docs/en; one that leaves the tree resolves to undefined path.
 */
export function parseInclude(line: string): Include | { missing: string } | undefined {
  const match = NEW_FORM.exec(line) ?? OLD_FORM.exec(line);
  if (!match) return undefined;
  const raw = match[1] ?? '';
  const path = posix.normalize(posix.join('docs/en', raw));
  if (path.startsWith('../') || path.startsWith('/')) return { missing: raw };
  const options = match[2] ?? '';
  const ranges: [number, number | undefined][] = [];
  const ln = /\bln\[([^\]]*)\]/.exec(options)?.[1];
  for (const part of ln?.split(',') ?? []) {
    const [from, to] = part.split(':').map((n) => n.trim());
    const start = Number.parseInt(from ?? '', 10);
    if (!Number.isFinite(start)) continue;
    const end = to === undefined ? start : to === '' ? undefined : Number.parseInt(to, 10);
    ranges.push([start, Number.isNaN(end) ? undefined : end]);
  }
  const title = /\btitle\["([^"]*)"\]/.exec(options)?.[1];
  return { path, ranges, ...(title ? { title } : {}) };
}

/** The lines an include shows; ranges are joined with a `...` line as the docs render them. */
export function includedText(content: string, ranges: Include['ranges']): string {
  const lines = content.replace(/\n$/, '').split('\n');
  if (ranges.length === 0) return lines.join('\n');
  return ranges
    .map(([from, to]) => lines.slice(Math.max(0, from - 1), to === undefined ? undefined : to).join('\n'))
    .join('\n\n# ...\n\n');
}

export function languageOf(path: string): string {
  const extension = posix.extname(path).slice(1);
  return (
    { py: 'python', js: 'javascript', ts: 'typescript', md: 'markdown', yml: 'yaml' }[extension] ?? extension
  );
}
