// Record titles and file-name slugs, made from the question's own words.

/**
 * Titles, slugs and topic labels for records, made locally: a PHR is written for every answer, and a model call
 * per record would cost more than the record is worth.
 */

import { KNOWN_SPELLINGS, LEADING_FILLER, STOP_WORDS, TITLE_FALLBACK_WORDS } from './title-words.js';

const MIN_TITLE_WORDS = 3;
const MAX_TITLE_WORDS = 7;
const MAX_SLUG_LENGTH = 60;

/** Slack's angle-bracket syntax: mentions and channel references go, a link keeps only its label. */
export function stripSlackReferences(text: string): string {
  return text
    .replace(/<[@!#][^>]*>/g, ' ')
    .replace(/<[^>|]+\|([^>]*)>/g, ' $1 ')
    .replace(/<[^>]*>/g, ' ');
}

/** Removes Slack mrkdwn that is not prose: mentions, channel and link syntax, code blocks, emoji codes. */
function stripSlackMarkup(text: string): string {
  return (
    // Code blocks are examples, not the subject; keeping them would fill the title with identifiers.
    stripSlackReferences(text.replace(/```[\s\S]*?(?:```|$)/g, ' '))
      // Short code spans are usually the subject ("my `/items` endpoint"); long ones are pasted code.
      .replace(/`([^`]*)`/g, (_match, inner: string) => (inner.length <= 40 ? ` ${inner} ` : ' '))
      .replace(/:[a-z0-9_+-]+:/g, ' ')
      .replace(/&(?:amp|lt|gt);/g, ' ')
  );
}

/** Word tokens in order; a hyphen, apostrophe, dot or underscore inside a word keeps it whole. */
function words(text: string): string[] {
  const found = text.match(/[\p{L}\p{N}]+(?:[-'’._+][\p{L}\p{N}]+)*\+*/gu) ?? [];
  return found.map((word) => word.replace(/’/g, "'").replace(/'s$/i, ''));
}

/** How many tokens at the start are greetings and filler ("hey team, how do I ..."). */
function leadingFillerLength(tokens: string[]): number {
  let start = 0;
  for (;;) {
    const phrase = LEADING_FILLER.find((candidate) =>
      candidate.every((part, offset) => tokens[start + offset]?.toLowerCase() === part),
    );
    if (!phrase) return start;
    start += phrase.length;
  }
}

function titleCaseWord(word: string): string {
  const known = KNOWN_SPELLINGS.get(word.toLowerCase());
  if (known) return known;
  // Mixed case, underscores and dots mark identifiers (response_model, HTTPException, app.state); keep them.
  if (/[_.]/.test(word) || /\p{Lu}/u.test(word.slice(1)) || /^v\d+$/.test(word)) return word;
  return word
    .split('-')
    .map((part) => (part === '' ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('-');
}

/**
 * A 3-7 word title for a question, made locally (no model call): Slack markup, greetings and filler are
 * dropped, the meaningful words kept in order and Title Cased (known acronyms and identifiers as written). Too
 * short questions are padded from their other words, then with "FastAPI" / "Question".
 */
export function phrTitle(question: string): string {
  const all = words(stripSlackMarkup(question));
  const fillerEnd = leadingFillerLength(all);

  const seen = new Set<string>();
  const candidates = all.map((word, index) => {
    const key = word.toLowerCase();
    const duplicate = seen.has(key);
    seen.add(key);
    const meaningful = index >= fillerEnd && !STOP_WORDS.has(key);
    return { word, duplicate, meaningful };
  });

  const chosen = candidates.filter((candidate) => candidate.meaningful && !candidate.duplicate);
  if (chosen.length < MIN_TITLE_WORDS) {
    // Other words join in their original position so the padded title still reads in question order.
    const extra = new Set(
      candidates
        .filter((candidate) => !candidate.meaningful && !candidate.duplicate)
        .slice(0, MIN_TITLE_WORDS - chosen.length),
    );
    chosen.splice(
      0,
      chosen.length,
      ...candidates.filter((c) => !c.duplicate && (c.meaningful || extra.has(c))),
    );
  }

  const title = chosen.slice(0, MAX_TITLE_WORDS).map((candidate) => titleCaseWord(candidate.word));
  for (const fallback of TITLE_FALLBACK_WORDS) {
    if (title.length >= MIN_TITLE_WORDS) break;
    if (!title.some((word) => word.toLowerCase() === fallback.toLowerCase())) title.push(fallback);
  }
  return title.join(' ');
}

/**
 * records-format slug: lowercase, every run of chars outside a-z0-9 becomes one '-', trimmed of '-'; never
 * empty ('untitled'); at most 60 chars, cut at a '-' boundary. Accents are folded first ("café" -> "cafe")
 * so Latin-script titles keep their words instead of losing letters to dashes.
 */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') return 'untitled';
  if (slug.length <= MAX_SLUG_LENGTH) return slug;
  const head = slug.slice(0, MAX_SLUG_LENGTH + 1);
  const cut = head.lastIndexOf('-');
  // A single word longer than the limit has no boundary to cut at.
  return (cut > 0 ? head.slice(0, cut) : slug.slice(0, MAX_SLUG_LENGTH)).replace(/-+$/, '');
}
