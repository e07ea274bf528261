// Part 5: the FastAPI docs index on the real English pages: a full sync from an archive, search
// latency and retrieval quality (the eval set, against the plain bm25 baseline).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type EvalReport, evaluate } from '../src/docs/eval.js';
import { openDocsIndex } from '../src/docs/search.js';
import { loadDocsConfig } from '../src/docs/settings.js';
import { type SyncSummary, syncDocs } from '../src/docs/sync.js';
import { tarGz } from '../tests/helpers/tar.js';

export interface DocsResults {
  pagesFolder: string;
  archiveBytes: number;
  sync: SyncSummary;
  eval: EvalReport;
}

/** Every .md file under `folder`, as archive entries in GitHub's layout (`<top>/docs/en/docs/...`). */
function archiveOf(folder: string): Buffer {
  const top = 'fastapi-bench';
  const files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name));
  return tarGz([
    { name: `${top}/`, type: 'directory' },
    ...files.map((file) => ({
      name: `${top}/docs/en/docs/${relative(folder, file)}`,
      content: readFileSync(file, 'utf8'),
    })),
  ]);
}

/** Null when the pages are not on this machine (they come with the workspace, not the repository). */
export async function runDocs(pagesFolder: string, searchRounds: number): Promise<DocsResults | null> {
  if (!existsSync(pagesFolder)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'bench-docs-'));
  try {
    const archive = join(dir, 'fastapi.tar.gz');
    const bytes = archiveOf(pagesFolder);
    writeFileSync(archive, bytes);
    const config = loadDocsConfig({ DOCS_INDEX_PATH: join(dir, 'docs.sqlite') });
    const sync = await syncDocs({ config, source: archive });
    const index = openDocsIndex(config.indexPath);
    try {
      return { pagesFolder, archiveBytes: bytes.length, sync, eval: evaluate(index, undefined, searchRounds) };
    } finally {
      index.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
