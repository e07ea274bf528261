import { planQuery, type QueryPlan } from './query.js';
import { type Candidate, DocsStore, type FieldWeights } from './store.js';

export interface SearchResult {
  url: string;
  /** Path under docs/en/docs, e.g. `tutorial/cors.md`. */
  page: string;
  title: string;
  heading: string;
  score: number;
  /** A line or two around the first match, for a list of results. */
  snippet: string;
  /** The whole chunk (Markdown, code included), for the model. */
  text: string;
}

export interface IndexMeta {
  release: string;
  pages: number;
  chunks: number;
  syncedAt: Date;
  source: string;
  stubsSkipped: number;
}

export interface DocsIndex {
  search(query: string, options?: { limit?: number }): SearchResult[];
  /** The eval's baseline: plain bm25 over heading chunks, the question OR-ed, no tuning. */
  searchPlain(query: string, options?: { limit?: number }): SearchResult[];
  meta(): IndexMeta;
  close(): void;
}

/** Field weights for bm25: where a word appears says how much the section is about it. */
export const WEIGHTS: FieldWeights = { title: 6, headings: 4, body: 1, code: 0.4, terms: 0.6 };
const CANDIDATES = 100;
/** Release notes mention everything once; they lead only for "when / which version" questions. */
const RELEASE_FACTOR = { versionQuestion: 2, otherwise: 0.15 };
/** How much a page's second and third best sections add to its best one. */
const PAGE_SUPPORT = [0.3, 0.1];
/** Pages about the project rather than using it. */
const META_PAGES =
  /^(fastapi-people|external-links|newsletter|management|contributing|help-fastapi|translations|benchmarks|alternatives|history-design-future)\.md$/;

interface PageScore {
  page: string;
  best: Candidate;
  scores: number[];
}

function rank(candidates: Candidate[], plan: QueryPlan): PageScore[] {
  const pages = new Map<string, PageScore>();
  for (const candidate of candidates) {
    let score = candidate.score;
    if (candidate.kind === 'release')
      score *= plan.versionQuestion ? RELEASE_FACTOR.versionQuestion : RELEASE_FACTOR.otherwise;
    // The API reference restates the guides tersely; a guide answers a Slack question better.
    if (candidate.page.startsWith('reference/')) score *= 0.6;
    if (META_PAGES.test(candidate.page)) score *= 0.5;
    const entry = pages.get(candidate.page);
    if (!entry)
      pages.set(candidate.page, { page: candidate.page, best: { ...candidate, score }, scores: [score] });
    else {
      entry.scores.push(score);
      if (score > entry.best.score) entry.best = { ...candidate, score };
    }
  }
  const total = (entry: PageScore) => {
    const [first = 0, ...rest] = [...entry.scores].sort((a, b) => b - a);
    return first + PAGE_SUPPORT.reduce((sum, weight, i) => sum + weight * (rest[i] ?? 0), 0);
  };
  return [...pages.values()]
    .map((entry) => ({ ...entry, best: { ...entry.best, score: total(entry) } }))
    .sort((a, b) => b.best.score - a.best.score);
}

/** The first line of `text` that has one of `words` (or its start), cut to about 220 characters. */
export function snippetOf(text: string, words: readonly string[]): string {
  const lines = text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#') && !line.startsWith('```'));
  const lowerWords = words.map((word) => word.toLowerCase().slice(0, Math.max(4, word.length - 2)));
  const line =
    lines.find((candidate) => lowerWords.some((word) => candidate.toLowerCase().includes(word))) ??
    lines[0] ??
    '';
  const clean = line.replace(/\s+/g, ' ').trim();
  return clean.length > 220 ? `${clean.slice(0, 217)}...` : clean;
}

export function openDocsIndex(path: string): DocsIndex {
  const store = new DocsStore(path);
  const results = (candidates: { id: number; score: number }[], words: string[], limit: number) =>
    candidates.slice(0, limit).flatMap(({ id, score }) => {
      const chunk = store.chunk(id);
      if (!chunk) return [];
      const { url, page, title, heading, text } = chunk;
      return [
        {
          url,
          page,
          title,
          heading,
          score: Math.round(score * 1000) / 1000,
          snippet: snippetOf(text, words),
          text,
        },
      ];
    });
  return {
    search(query, options = {}) {
      const plan = planQuery(query);
      if (plan.match === '') return [];
      const ranked = rank(store.match(plan.match, WEIGHTS, CANDIDATES), plan);
      return results(
        ranked.map((entry) => entry.best),
        plan.words,
        options.limit ?? 5,
      );
    },
    searchPlain(query, options = {}) {
      const plan = planQuery(query);
      if (plan.plainMatch === '') return [];
      const seen = new Set<string>();
      const firstPerPage = store.matchPlain(plan.plainMatch, CANDIDATES).filter((candidate) => {
        if (seen.has(candidate.page)) return false;
        seen.add(candidate.page);
        return true;
      });
      return results(firstPerPage, plan.words, options.limit ?? 5);
    },
    meta() {
      const raw = store.meta();
      return {
        release: raw.release ?? 'unknown',
        pages: Number(raw.pages ?? 0),
        chunks: Number(raw.chunks ?? 0),
        syncedAt: new Date(raw.synced_at ?? 0),
        source: raw.source ?? '',
        stubsSkipped: Number(raw.stubs_skipped ?? 0),
      };
    },
    close: () => store.close(),
  };
}
