import { parsePhr } from '../phr/file.js';
import { type PhrStage, phrFileName } from '../phr/phr.js';
import type { FeedbackStore } from './store.js';

/** One line of `npm run export -- feedback`: an answered question with its votes, for building evals. */
export interface FeedbackLine {
  phr: string;
  created_at: string;
  question: string;
  answer: string;
  sources: { title: string; url: string }[];
  votes: { positive: number; negative: number };
  comments: string[];
}

/** Where the PHR lists the docs pages it cites: `- [title](<url>)` under `## Sources`. */
const SOURCE_LINE = /^- \[([^\]]*)\]\(<([^>]+)>\)$/;

function sourcesOf(markdown: string): FeedbackLine['sources'] {
  const at = markdown.search(/^## Sources\s*$/m);
  if (at === -1) return [];
  const sources: FeedbackLine['sources'] = [];
  for (const line of markdown.slice(at).split('\n').slice(1)) {
    if (line.startsWith('## ')) break;
    const match = SOURCE_LINE.exec(line.trim());
    if (match?.[1] !== undefined && match[2]) sources.push({ title: match[1], url: match[2] });
  }
  return sources;
}

/**
 * The answers with feedback since `since`, oldest first, as JSON Lines. Everything is redacted again on
 * the way out (questions and comments were redacted when stored; answers are Claude's words about them).
 */
export async function feedbackLines(
  store: Pick<FeedbackStore, 'ratedSince' | 'votesOf'>,
  since: Date,
  redact: (text: string) => string,
): Promise<string[]> {
  const lines: string[] = [];
  for (const row of await store.ratedSince(since)) {
    let parsed: ReturnType<typeof parsePhr>;
    try {
      parsed = parsePhr(row.markdown, phrFileName(row.number, row.title, row.stage as PhrStage));
    } catch {
      continue;
    }
    const votes = await store.votesOf(row.publicId);
    const line: FeedbackLine = {
      phr: row.publicId,
      created_at: row.createdAt,
      question: redact(parsed.prompt),
      answer: redact(parsed.response),
      sources: sourcesOf(row.markdown),
      votes: {
        positive: votes.filter((v) => v.vote === 'positive').length,
        negative: votes.filter((v) => v.vote === 'negative').length,
      },
      comments: votes.flatMap((v) => (v.comment ? [redact(v.comment)] : [])),
    };
    lines.push(JSON.stringify(line));
  }
  return lines;
}
