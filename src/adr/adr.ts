// ADR records: their types, constants, ids, file names and statuses.

/**
 * Architecture Decision Records in the layout of docs/records-format.md ("ADR file"), so the files drop into a
 * Spec-Kit Plus repository's `history/adr/` and stay readable by adr-tools, log4brains and MADR readers. Pure:
 * no fs, no clock; the caller passes the date and writes the text.
 *
 * How tools read the file, and so what must never be spoofed:
 * - log4brains takes the title from the first h1, and its header metadata from the first list before the first
 *   `##` heading, matching items by "Key:" (first match wins). The superseding ADR's slug is the text after
 *   "Superseded by", which is why that status links `[NNNN-slug](NNNN-slug.md)`.
 * - adr-tools lists `NNNN-*.md` files in the folder named by `.adr-dir` and reads the title from the first line.
 * - readAdr/setAdrStatus here look for the status bullet before the first `##` heading only.
 *
 * Untrusted text: the draft comes from a model fed with Slack messages, the title and feature from users. It
 * must not add a second status, a section, or an HTML comment (which log4brains mis-parses):
 * - one-line fields (title, context, feature, list items, names, notes) have every whitespace run collapsed to
 *   one space, so nothing reaches the structural lines;
 * - the Decision markdown keeps its lines, but outside code: `#`/`##` headings become `###`, setext underlines get
 *   a blank line before them (so they cannot turn the line above into a heading), list items reading like our
 *   metadata ("- **Status:** x") have that colon written as `&#58;` (same rendering, no longer a "Status:" line),
 *   and every fenced block is explicitly closed before our next section;
 * - everywhere outside code, `<` starting an HTML tag, comment or declaration is written `&lt;` (it displays the
 *   same; `List<int>` even displays as written). Code is left byte for byte: it is not HTML there.
 */

import { padId } from '../phr/phr.js';
import { slugify } from '../phr/title.js';

export type AdrStatus =
  | 'Proposed'
  | 'Accepted'
  | 'Rejected'
  | 'Deprecated'
  | {
      /** The superseding ADR as 'NNNN-slug' (a trailing '.md' is tolerated), see adrId. */
      supersededBy: string;
    };

/** What Claude drafted from the thread (see draft.ts). */
export interface AdrDraft {
  /** One paragraph; collapsed to one line in the file. */
  context: string;
  /** Markdown. */
  decision: string;
  positive: string[];
  negative: string[];
  alternatives: { name: string; tradeoffs: string }[];
}

export interface AdrRecord {
  /** Rendered as at least 4 digits: 7 -> "0007". */
  number: number;
  title: string;
  status: AdrStatus;
  /** YYYY-MM-DD. */
  date: string;
  /** null renders as "none". */
  feature: string | null;
  draft: AdrDraft;
  references: {
    /** https URL of the Slack thread; null leaves the line out. */
    threadPermalink: string | null;
    /** e.g. { label: 'PHR-0007 (general)', url: 'https://…' }; null leaves the line out. */
    phr: { label: string; url: string | null } | null;
    /** Related ADRs as 'NNNN-slug'. */
    related?: string[];
  };
  /** A display name. */
  proposedBy: string;
}

/** What readAdr reads back. */
export interface AdrSummary {
  /** From the file name, never from the text. */
  number: number;
  /** The h1 without its "ADR-NNNN: " prefix, as plain text. */
  title: string;
  /** The status value as plain text: "Accepted", "Superseded by 0009-use-redis". */
  status: string;
  /** As written after "Date:", or '' when there is none. */
  date: string;
}

/** A file that does not have the shape of an ADR. */
export class AdrFormatError extends Error {
  override readonly name = 'AdrFormatError';
}

export const ADR_DIR = 'history/adr';
/** adr-tools finds the ADR folder through this file at the repository root. */
export const ADR_DIR_FILE = '.adr-dir';
export const ADR_DIR_FILE_CONTENT = `${ADR_DIR}\n`;

/** Written where the thread gave nothing for a field; draft.ts fills missing sections with it too. */
export const ADR_NOT_STATED = 'Not stated in the discussion.';

const SIMPLE_STATUSES = ['Proposed', 'Accepted', 'Rejected', 'Deprecated'] as const;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const ADR_ID_PATTERN = /^\d{4,}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const METADATA_KEYS = ['status', 'date', 'feature', 'context'];

export function adrNumber(number: number): string {
  // Checked here so the message names ADRs; padId's own check speaks of PHR ids.
  if (!Number.isSafeInteger(number) || number < 1)
    throw new RangeError(`ADR number must be a positive integer, got ${number}`);
  return padId(number);
}

/** 'NNNN-slug': the id other ADRs use to link this one (supersededBy, related) and the file name's stem. */
export function adrId(number: number, title: string): string {
  return `${adrNumber(number)}-${slugify(title)}`;
}

/** 'NNNN-slug.md' */
export function adrFileName(number: number, title: string): string {
  return `${adrId(number, title)}.md`;
}

function supersederId(value: string): string {
  const id = value.trim().replace(/\.md$/i, '');
  if (!ADR_ID_PATTERN.test(id))
    throw new RangeError(`supersededBy must be an ADR id like "0009-use-redis", got "${value}"`);
  return id;
}

/** The status line's value in Markdown: one status, `Superseded by [NNNN-slug](NNNN-slug.md)` for supersession. */
export function formatAdrStatus(status: AdrStatus): string {
  if (typeof status === 'string') {
    if (!(SIMPLE_STATUSES as readonly string[]).includes(status))
      throw new RangeError(`unknown ADR status "${status}": expected one of ${SIMPLE_STATUSES.join(', ')}`);
    return status;
  }
  // A JS caller (or a bad cast) can pass anything; a malformed status must not reach the file.
  if (typeof status !== 'object' || status === null || typeof status.supersededBy !== 'string')
    throw new RangeError('ADR status must be a status name or { supersededBy }');
  const id = supersederId(status.supersededBy);
  return `Superseded by [${id}](${id}.md)`;
}

/** Markdown reduced to the text a reader sees: links to their text, emphasis markers, escapes and entities gone. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<((?:https?|mailto):[^<>\s]*)>/gi, '$1')
    .replace(/\*\*|__/g, '')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&#(\d+);/g, (_match, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_match, code: string) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

/**
 * The AdrStatus a status text names (readAdr's `status`, or the raw Markdown value), or null when it names
 * none. Case-insensitive; "Superseded by 0009-x", "superseded by [0009-x](0009-x.md)" and "...x.md" all read.
 */
export function parseAdrStatus(text: string): AdrStatus | null {
  const value = plainText(text).trim();
  const simple = SIMPLE_STATUSES.find((name) => name.toLowerCase() === value.toLowerCase());
  if (simple) return simple;
  const superseded = /^superseded\s+by\s*:?\s*(\S+)$/i.exec(value);
  const id = superseded?.[1]?.replace(/\.md$/i, '');
  return id && ADR_ID_PATTERN.test(id) ? { supersededBy: id } : null;
}
