import { camelWords } from './terms.js';
import { STOPWORDS, SYNONYMS, VERSION_QUESTION, VERSION_WORDS } from './vocabulary.js';

/** What a question is searched for: the FTS5 queries and what the ranking needs to know. */
export interface QueryPlan {
  /** An FTS5 OR-query over the question's words, identifiers and their docs vocabulary; '' if none. */
  match: string;
  /** The plain baseline: every word of the question, OR-ed. */
  plainMatch: string;
  /** Lower-case words to find in snippets. */
  words: string[];
  versionQuestion: boolean;
}

/** Slack markup out: mentions, channel links, `<url|label>`, emoji codes, code ticks. */
export function cleanQuestion(question: string): string {
  return question
    .replace(/<[@#!][^>]*>/g, ' ')
    .replace(/<([^>|]+)\|([^>]+)>/g, '$2')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/:[a-z0-9_+-]+:/g, ' ')
    .replace(/[`*~]/g, ' ');
}

function quote(phrase: string): string {
  return `"${phrase.replace(/"/g, '""')}"`;
}

/** An FTS5 phrase for a word, identifier or phrase; snake_case and CamelCase become word phrases. */
function phrasesFor(term: string): string[] {
  const parts = term.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (parts.length === 0) return [];
  const phrases = [quote(parts.join(' ').toLowerCase())];
  if (parts.length === 1) {
    const words = camelWords(parts[0] ?? '');
    if (words) phrases.push(quote(words.join(' ')));
  }
  return phrases;
}

export function planQuery(question: string): QueryPlan {
  const cleaned = cleanQuestion(question);
  const lower = cleaned.toLowerCase();
  const tokens = [...cleaned.matchAll(/[A-Za-z][A-Za-z0-9_]*|\d+(?:\.\d+)*/g)].map((m) => m[0]);
  const versionQuestion = VERSION_QUESTION.test(cleaned);
  const phrases = new Set<string>();
  const words = new Set<string>();
  for (const token of tokens) {
    const low = token.toLowerCase();
    if (STOPWORDS.has(low) || (low.length < 2 && !/\d/.test(low))) continue;
    if (versionQuestion && VERSION_WORDS.has(low)) continue;
    for (const phrase of phrasesFor(token)) phrases.add(phrase);
    words.add(low);
  }
  for (const [key, expansions] of Object.entries(SYNONYMS)) {
    const hit = key.includes(' ')
      ? lower.includes(key)
      : tokens.some(
          (token) => token.toLowerCase() === key || (key.length > 3 && token.toLowerCase() === `${key}s`),
        );
    if (!hit) continue;
    for (const expansion of expansions) for (const phrase of phrasesFor(expansion)) phrases.add(phrase);
  }
  const plainWords = [...new Set(tokens.map((token) => token.toLowerCase()))];
  return {
    match: [...phrases].join(' OR '),
    plainMatch: plainWords.map(quote).join(' OR '),
    words: [...words],
    versionQuestion,
  };
}
