import { createReadStream, statSync } from 'node:fs';
import { buildDocs } from './build.js';
import type { DocsConfig } from './settings.js';
import {
  type ArchiveLimits,
  DEFAULT_LIMITS,
  readArchive,
  readFolder,
  requireDocs,
  type SourceFiles,
  UnsafeSourceError,
} from './source-files.js';
import { writeIndex } from './store.js';

export const PINNED_RELEASE = '0.141.1';
export const RELEASES_API = 'https://api.github.com/repos/fastapi/fastapi/releases/latest';
export const archiveUrl = (tag: string) =>
  `https://codeload.github.com/fastapi/fastapi/tar.gz/refs/tags/${tag}`;

export interface SyncOptions {
  config: DocsConfig;
  /** Overrides FASTAPI_DOCS_SOURCE (the CLI's --source). */
  source?: string;
  /** The HTTP client for the release lookup and the download (tests: a loopback server). */
  fetch?: typeof fetch;
  releasesApi?: string;
  limits?: ArchiveLimits;
  /** Progress lines, for a person watching. */
  progress?: (line: string) => void;
  now?: () => Date;
}

export interface SyncSummary {
  release: string;
  source: string;
  pages: number;
  chunks: number;
  stubsResolved: number;
  stubsSkipped: number;
  missingIncludes: number;
  seconds: number;
  indexPath: string;
}

/** The newest release's tag from GitHub, or undefined if the lookup fails in any way. */
export async function latestRelease(http: typeof fetch, api = RELEASES_API): Promise<string | undefined> {
  try {
    const response = await http(api, {
      headers: { accept: 'application/vnd.github+json', 'user-agent': 'fastapi-architect-docs-sync' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) return undefined;
    const tag = ((await response.json()) as { tag_name?: unknown }).tag_name;
    return typeof tag === 'string' && /^[\w.-]+$/.test(tag) ? tag : undefined;
  } catch {
    return undefined;
  }
}

async function download(http: typeof fetch, url: string, limits: ArchiveLimits): Promise<SourceFiles> {
  const response = await http(url, { redirect: 'follow', signal: AbortSignal.timeout(300_000) });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new UnsafeSourceError(`download of ${url} failed: HTTP ${response.status}`);
  }
  return readArchive(response.body as AsyncIterable<Uint8Array>, limits);
}

async function readSource(where: string, http: typeof fetch, limits: ArchiveLimits): Promise<SourceFiles> {
  if (/^https?:\/\//i.test(where)) return download(http, where, limits);
  const stat = statSync(where, { throwIfNoEntry: false });
  if (!stat) throw new UnsafeSourceError(`no archive or folder at ${where}`);
  if (stat.isDirectory()) return readFolder(where, limits);
  return readArchive(createReadStream(where), limits);
}

/** Builds the index from the configured source and swaps it into place; the old one serves until then. */
export async function syncDocs(options: SyncOptions): Promise<SyncSummary> {
  const started = performance.now();
  const http = options.fetch ?? fetch;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const say = options.progress ?? (() => {});
  let where = options.source ?? options.config.source;
  let tag: string | undefined;
  if (where === undefined) {
    tag = options.config.version;
    if (tag === undefined) {
      say('Looking up the newest FastAPI release...');
      tag = await latestRelease(http, options.releasesApi);
      if (tag === undefined) say(`Release lookup failed; using the pinned release ${PINNED_RELEASE}.`);
      tag ??= PINNED_RELEASE;
    }
    where = archiveUrl(tag);
  }
  say(`Reading ${where}...`);
  const source = await readSource(where, http, limits);
  requireDocs(source, where);
  say(`Read ${source.files.size} files; chunking the pages...`);
  const built = buildDocs(source, tag);
  const syncedAt = (options.now ?? (() => new Date()))();
  writeIndex(
    options.config.indexPath,
    {
      release: built.release,
      source: where,
      pages: String(built.pages),
      chunks: String(built.chunks.length),
      synced_at: syncedAt.toISOString(),
      stubs_resolved: String(built.stubsResolved),
      stubs_skipped: String(built.stubsSkipped),
      missing_includes: String(built.missingIncludes),
    },
    built.chunks,
  );
  return {
    release: built.release,
    source: where,
    pages: built.pages,
    chunks: built.chunks.length,
    stubsResolved: built.stubsResolved,
    stubsSkipped: built.stubsSkipped,
    missingIncludes: built.missingIncludes,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    indexPath: options.config.indexPath,
  };
}

export function describeSync(summary: SyncSummary): string {
  const stubs =
    summary.stubsSkipped > 0
      ? `; ${summary.stubsSkipped} reference stub(s) skipped (docstring not found in the source)`
      : '';
  return (
    `Indexed FastAPI ${summary.release}: ${summary.pages} pages, ${summary.chunks} chunks, ` +
    `${summary.stubsResolved} reference docstrings${stubs}, ${summary.missingIncludes} missing include(s), ` +
    `in ${summary.seconds} s -> ${summary.indexPath}`
  );
}
