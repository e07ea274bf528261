import { createInterface } from 'node:readline';
import { evaluate, formatReport } from './eval.js';
import { openDocsIndex, type SearchResult } from './search.js';
import { loadDocsConfig } from './settings.js';
import { describeSync, syncDocs } from './sync.js';

export interface CommandIo {
  env: Readonly<Record<string, string | undefined>>;
  stdin: NodeJS.ReadableStream;
  out: (text: string) => void;
  err: (text: string) => void;
  fetch?: typeof fetch;
}

export const USAGE = `usage: npm run docs -- <command>
  sync [--source PATH|URL]         build the FastAPI docs index at DOCS_INDEX_PATH
  search [--json] [--limit N] [Q]  search it (no Q: one query per line from stdin)
  eval [--verbose]                 recall@1/3/5 and MRR of the search and the plain baseline
  info                             the indexed release, counts and sync time`;

interface Flags {
  positional: string[];
  json: boolean;
  verbose: boolean;
  limit: number;
  source: string | undefined;
}

function parseFlags(args: readonly string[]): Flags {
  const flags: Flags = { positional: [], json: false, verbose: false, limit: 5, source: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') flags.json = true;
    else if (arg === '--verbose') flags.verbose = true;
    else if (arg === '--limit') {
      flags.limit = Number(args[++i]);
      if (!Number.isInteger(flags.limit) || flags.limit < 1)
        throw new Error('--limit needs a whole number, 1 or more');
    } else if (arg === '--source') {
      flags.source = args[++i];
      if (!flags.source) throw new Error('--source needs a path or URL');
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else flags.positional.push(arg);
  }
  return flags;
}

const forJson = (results: SearchResult[]) =>
  JSON.stringify(
    results.map(({ url, page, title, heading, score, snippet }) => ({
      url,
      page,
      title,
      heading,
      score,
      snippet,
    })),
  );

function forPeople(results: SearchResult[]): string {
  if (results.length === 0) return 'No matches.';
  return results
    .map(
      (r, i) =>
        `${i + 1}. ${r.title}${r.heading === r.title ? '' : ` > ${r.heading}`}  (${r.score})\n   ${r.url}\n   ${r.snippet}`,
    )
    .join('\n');
}

async function search(flags: Flags, io: CommandIo, indexPath: string): Promise<void> {
  const index = openDocsIndex(indexPath);
  try {
    const query = flags.positional.join(' ').trim();
    if (query !== '') {
      const results = index.search(query, { limit: flags.limit });
      io.out(flags.json ? forJson(results) : forPeople(results));
      return;
    }
    for await (const line of createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
      const results = line.trim() === '' ? [] : index.search(line, { limit: flags.limit });
      io.out(flags.json ? forJson(results) : results.map((r) => r.url).join(' '));
    }
  } finally {
    index.close();
  }
}

/** Runs `npm run docs -- <args>`; resolves with the exit code. */
export async function runDocsCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    const flags = parseFlags(rest);
    const config = loadDocsConfig(io.env);
    if (command === 'sync') {
      const summary = await syncDocs({ config, source: flags.source, fetch: io.fetch, progress: io.err });
      io.out(describeSync(summary));
    } else if (command === 'search') await search(flags, io, config.indexPath);
    else if (command === 'eval' || command === 'info') {
      const index = openDocsIndex(config.indexPath);
      try {
        const meta = index.meta();
        io.out(
          `FastAPI ${meta.release}: ${meta.pages} pages, ${meta.chunks} chunks, synced ${meta.syncedAt.toISOString()}`,
        );
        if (command === 'eval') io.out(formatReport(evaluate(index), flags.verbose));
      } finally {
        index.close();
      }
    } else {
      io.err(USAGE);
      return 2;
    }
    return 0;
  } catch (error) {
    io.err(`docs ${command ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
