import { type Chunk, chunkPage } from './chunks.js';
import { DOCS_DIR, type SourceFiles } from './source-files.js';

/** Pages that are tooling, not documentation (see the docs' own notes). */
const INTERNAL_PAGES = new Set(['_llm-test.md', 'translation-banner.md']);

export interface BuiltDocs {
  release: string;
  pages: number;
  chunks: Chunk[];
  stubsResolved: number;
  stubsSkipped: number;
  missingIncludes: number;
}

/** `__version__` from fastapi/__init__.py, else the tag the archive came from. */
export function releaseOf(source: SourceFiles, tag: string | undefined): string {
  const init = source.files.get('fastapi/__init__.py') ?? '';
  return /^__version__\s*=\s*["']([^"']+)["']/m.exec(init)?.[1] ?? tag ?? 'unknown';
}

export function buildDocs(source: SourceFiles, tag: string | undefined): BuiltDocs {
  const built: BuiltDocs = {
    release: releaseOf(source, tag),
    pages: 0,
    chunks: [],
    stubsResolved: 0,
    stubsSkipped: 0,
    missingIncludes: 0,
  };
  const pages = [...source.files.keys()].filter((path) => path.startsWith(DOCS_DIR)).sort();
  for (const path of pages) {
    const page = path.slice(DOCS_DIR.length);
    if (INTERNAL_PAGES.has(page)) continue;
    const result = chunkPage(page, source.files.get(path) ?? '', source.files);
    built.pages++;
    built.chunks.push(...result.chunks);
    built.stubsResolved += result.stubsResolved;
    built.stubsSkipped += result.stubsSkipped;
    built.missingIncludes += result.missingIncludes;
  }
  return built;
}
