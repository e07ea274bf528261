import type { Citation, ClaudeTool, ToolContent } from '../claude/tools.js';

/** One passage of the FastAPI docs, as the docs index finds it. */
export interface DocsHit {
  /** Deep link: `https://fastapi.tiangolo.com/<path>/#<anchor>`. */
  url: string;
  /** Path under docs/en/docs, e.g. `tutorial/cors.md`. */
  page: string;
  title: string;
  heading: string;
  text: string;
}

/** What answering needs of the docs index. */
export interface DocsSearch {
  search(query: string, options: { limit: number }): DocsHit[];
}

export const DOCS_TOOL_NAME = 'search_fastapi_docs';
/** Hits per search, and the most one search may add to the prompt (4k tokens at 3.5 characters each). */
const HITS_PER_SEARCH = 6;
export const DOCS_RESULT_TOKENS = 4_000;
const MAX_RESULT_CHARS = DOCS_RESULT_TOKENS * 3.5;

/**
 * The docs search as a client tool. Results go back as `search_result` blocks (source = the deep link,
 * title = "Page > Heading"), so the model can cite them and the answer can list its sources.
 */
export function docsSearchTool(docs: DocsSearch): ClaudeTool {
  return {
    name: DOCS_TOOL_NAME,
    description:
      'Search the official FastAPI documentation of the indexed release. Returns the most relevant ' +
      'sections with their links. Use it before answering any question about FastAPI, and cite what you use.',
    inputSchema: {
      type: 'object',
      properties: { query: { type: 'string', description: 'What to look for, in a few words.' } },
      required: ['query'],
    },
    async run(input) {
      const hits = docs.search(queryOf(input), { limit: HITS_PER_SEARCH });
      if (hits.length === 0) return [{ type: 'text', text: 'The FastAPI docs have nothing on this query.' }];
      return searchResults(hits, MAX_RESULT_CHARS);
    },
  };
}

/** The query a tool call asked for (the model's own words: treat as plain text). */
export function queryOf(input: unknown): string {
  const query = (input as { query?: unknown } | null)?.query;
  return typeof query === 'string' ? query.slice(0, 300) : '';
}

/** Hits as citable search results, best first, within `maxChars` of text in all. */
export function searchResults(hits: readonly DocsHit[], maxChars: number): ToolContent[] {
  const out: ToolContent[] = [];
  let room = maxChars;
  for (const hit of hits) {
    if (room <= 0) break;
    const text = hit.text.slice(0, room);
    room -= text.length;
    out.push({
      type: 'search_result',
      source: hit.url,
      title: hit.heading && hit.heading !== hit.title ? `${hit.title} > ${hit.heading}` : hit.title,
      content: [{ type: 'text', text }],
      citations: { enabled: true },
    });
  }
  return out;
}

export interface Source {
  title: string;
  url: string;
}

/** Each cited page once, in the order first cited; the link keeps the first cited section's anchor. */
export function sourcesOf(citations: readonly Citation[]): Source[] {
  const seen = new Map<string, Source>();
  for (const citation of citations) {
    const page = citation.source.split('#')[0] ?? citation.source;
    if (seen.has(page)) continue;
    seen.set(page, { title: (citation.title ?? page).split(' > ')[0] ?? page, url: citation.source });
  }
  return [...seen.values()];
}
