import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip, type Gunzip } from 'node:zlib';
import { type TarEntry, TarFormatError, TarReader } from './tar.js';

/**
 * The parts of a FastAPI source tree the index is built from, read into memory: the English pages
 * (`docs/en/docs/**.md`), the code they include (`docs_src/**`) and the package's Python source
 * (`fastapi/**.py`, for `__version__` and reference docstrings). Keys are paths below the tree's top
 * folder, e.g. `docs/en/docs/tutorial/cors.md`.
 */
export interface SourceFiles {
  files: Map<string, string>;
  /** Entries ignored because they were links outside the parts read (never followed). */
  skippedLinks: number;
}

export interface ArchiveLimits {
  /** Bytes after decompression, all entries together. */
  maxTotalBytes: number;
  maxEntries: number;
  /** Bytes of one kept file. */
  maxFileBytes: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxTotalBytes: 1024 * 1024 * 1024,
  maxEntries: 100_000,
  maxFileBytes: 16 * 1024 * 1024,
};

/** The archive or folder cannot be used; the message says why, for the person running the sync. */
export class UnsafeSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeSourceError';
  }
}

export const DOCS_DIR = 'docs/en/docs/';
const TEXT_EXTENSIONS = /\.(md|py|txt|json|js|ts|html|css|toml|yaml|yml|ini|cfg|sh|sql|jinja2?)$/i;

/** Whether a path (below the top folder) is one the index reads. */
export function isWanted(path: string): boolean {
  if (path.startsWith(DOCS_DIR)) return path.endsWith('.md');
  if (path.startsWith('docs_src/')) return TEXT_EXTENSIONS.test(path);
  return path.startsWith('fastapi/') && path.endsWith('.py');
}

function inReadArea(path: string): boolean {
  return path.startsWith(DOCS_DIR) || path.startsWith('docs_src/') || path.startsWith('fastapi/');
}

/** Splits a tar entry name into its top folder and the rest, refusing names that could escape. */
function splitName(name: string): { top: string; rest: string } {
  if (name.includes('\0')) throw new UnsafeSourceError(`refused: an entry name contains a NUL byte`);
  if (name.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(name) || name.startsWith('\\'))
    throw new UnsafeSourceError(`refused: the archive has an absolute entry name (${JSON.stringify(name)})`);
  const segments = name.split(/[\\/]/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..'))
    throw new UnsafeSourceError(`refused: the archive has an entry name with '..' (${JSON.stringify(name)})`);
  return { top: segments[0] ?? '', rest: segments.slice(1).join('/') };
}

function linkEscapes(entry: TarEntry): boolean {
  const target = entry.linkname;
  if (target.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(target)) return true;
  // A symlink resolves from its own folder; count how far up it climbs.
  let depth = entry.type === 'symlink' ? entry.name.split('/').filter(Boolean).length - 1 : 0;
  for (const segment of target.split(/[\\/]/)) {
    if (segment === '..') depth--;
    else if (segment !== '' && segment !== '.') depth++;
    if (depth < 1) return true;
  }
  return false;
}

/**
 * Reads a gzip-compressed tar from `chunks` (never touching the disk), keeping only the wanted
 * files. Refuses, with an UnsafeSourceError, anything that is not gzip, names that are absolute or
 * contain `..`, links inside the parts read or pointing outside the archive, and archives over the
 * limits (a decompression bomb stops at the first byte over `maxTotalBytes`).
 */
export async function readArchive(
  chunks: AsyncIterable<Uint8Array>,
  limits: ArchiveLimits = DEFAULT_LIMITS,
): Promise<SourceFiles> {
  const files = new Map<string, string>();
  let top: string | undefined;
  let entries = 0;
  let skippedLinks = 0;
  const reader = new TarReader(
    (entry) => {
      if (++entries > limits.maxEntries)
        throw new UnsafeSourceError(`refused: the archive has more than ${limits.maxEntries} entries`);
      const { top: entryTop, rest } = splitName(entry.name);
      if (entry.name === 'pax_global_header') return false;
      top ??= entryTop;
      if (entryTop !== top)
        throw new UnsafeSourceError(
          `refused: the archive has more than one top folder (${top}, ${entryTop})`,
        );
      if (entry.type === 'symlink' || entry.type === 'hardlink' || entry.type === 'other') {
        if (entry.type !== 'other' && (inReadArea(rest) || linkEscapes(entry)))
          throw new UnsafeSourceError(
            `refused: the archive has a ${entry.type} (${entry.name} -> ${entry.linkname})`,
          );
        if (entry.type === 'other' && inReadArea(rest))
          throw new UnsafeSourceError(`refused: the archive has a special file (${entry.name})`);
        skippedLinks++;
        return false;
      }
      if (entry.type !== 'file' || !isWanted(rest)) return false;
      if (entry.size > limits.maxFileBytes)
        throw new UnsafeSourceError(`refused: ${entry.name} is larger than ${limits.maxFileBytes} bytes`);
      return true;
    },
    (entry, data) => {
      files.set(splitName(entry.name).rest, data.toString('utf8'));
    },
  );
  await gunzipInto(chunks, limits.maxTotalBytes, (chunk) => reader.push(chunk));
  reader.end();
  return { files, skippedLinks };
}

async function feedGzip(chunks: AsyncIterable<Uint8Array>, gunzip: Gunzip): Promise<void> {
  let first = true;
  for await (const chunk of chunks) {
    if (gunzip.destroyed) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (first && bytes.length > 0) {
      first = false;
      if (bytes[0] !== 0x1f || (bytes.length > 1 && bytes[1] !== 0x8b))
        throw new UnsafeSourceError('refused: the source is not a gzip archive (.tar.gz)');
    }
    if (!gunzip.write(bytes))
      await new Promise((resolve) => {
        gunzip.once('drain', resolve);
        gunzip.once('close', resolve);
      });
  }
  if (first) throw new UnsafeSourceError('refused: the archive is empty');
  gunzip.end();
}

async function gunzipInto(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  onChunk: (chunk: Buffer) => void,
): Promise<void> {
  const gunzip = createGunzip();
  const feed = feedGzip(chunks, gunzip).catch((error: unknown) => {
    gunzip.destroy(error as Error);
    throw error;
  });
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes)
        throw new UnsafeSourceError(`refused: the archive unpacks to more than ${maxBytes} bytes`);
      onChunk(chunk);
    }
    await feed;
  } catch (error) {
    gunzip.destroy();
    const feedError = await feed.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (error instanceof UnsafeSourceError || error instanceof TarFormatError) throw error;
    if (feedError instanceof Error) throw feedError;
    throw new UnsafeSourceError(`refused: the archive is not valid gzip (${(error as Error).message})`);
  }
}

/** Reads the same parts from an unpacked checkout; links are never followed. */
export function readFolder(root: string, limits: ArchiveLimits = DEFAULT_LIMITS): SourceFiles {
  const files = new Map<string, string>();
  let skippedLinks = 0;
  let total = 0;
  const walk = (relative: string) => {
    const absolute = join(root, relative);
    for (const name of readdirSync(absolute)) {
      const path = `${relative}/${name}`;
      const stat = lstatSync(join(root, path));
      if (stat.isSymbolicLink()) skippedLinks++;
      else if (stat.isDirectory()) walk(path);
      else if (stat.isFile() && isWanted(path)) {
        if (stat.size > limits.maxFileBytes) throw new UnsafeSourceError(`refused: ${path} is too large`);
        total += stat.size;
        if (total > limits.maxTotalBytes || files.size >= limits.maxEntries)
          throw new UnsafeSourceError(`refused: the folder holds more than the limits allow`);
        files.set(path, readFileSync(join(root, path), 'utf8'));
      }
    }
  };
  for (const area of ['docs/en/docs', 'docs_src', 'fastapi']) {
    const stat = lstatSync(join(root, area), { throwIfNoEntry: false });
    if (stat?.isDirectory()) walk(area);
  }
  return { files, skippedLinks };
}

/** Refuses a source without English pages. */
export function requireDocs(source: SourceFiles, from: string): void {
  if (![...source.files.keys()].some((path) => path.startsWith(DOCS_DIR)))
    throw new UnsafeSourceError(
      `refused: ${from} has no docs/en/docs/ folder with Markdown pages; is it a FastAPI source archive?`,
    );
}
