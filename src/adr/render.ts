// Rendering an ADR record as Markdown, with untrusted text neutralised so it cannot add structure.

import {
  ADR_ID_PATTERN,
  ADR_NOT_STATED,
  type AdrDraft,
  type AdrRecord,
  adrNumber,
  DATE_PATTERN,
  formatAdrStatus,
  METADATA_KEYS,
} from './adr.js';
import { scanFences } from './fences.js';

// ---------------------------------------------------------------------------------------------------------------
// Neutralising untrusted text.
// ---------------------------------------------------------------------------------------------------------------

/** Line ends unified; control characters (other than tab and newline) dropped: they have no business in a record. */
function cleanText(text: string): string {
  let out = '';
  for (const char of text.replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')) {
    const code = char.codePointAt(0) ?? 0;
    const control = (code < 0x20 && char !== '\n' && char !== '\t') || (code >= 0x7f && code <= 0x9f);
    if (!control && code !== 0xfeff) out += char;
  }
  return out;
}

/** Applies `change` to the parts of one line outside inline code spans (a code span shows its text verbatim). */
function outsideCodeSpans(line: string, change: (text: string) => string): string {
  let out = '';
  let plain = '';
  let index = 0;
  while (index < line.length) {
    if (line[index] !== '`') {
      plain += line[index];
      index++;
      continue;
    }
    let end = index;
    while (line[end] === '`') end++;
    const run = line.slice(index, end);
    const closer = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    closer.lastIndex = index + run.length;
    const close = closer.exec(line);
    if (!close) {
      plain += run;
      index += run.length;
      continue;
    }
    out += change(plain) + line.slice(index, close.index + run.length);
    plain = '';
    index = close.index + run.length;
  }
  return out + change(plain);
}

/**
 * `<` opening a tag, closing tag, comment (`<!--`), declaration or processing instruction. Autolinks
 * (`<https://…>`, `<a@b.c>`) are not matched: a scheme or address continues with ':' or '@'.
 */
const HTML_START = /<(?=[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|\/[A-Za-z]|[!?])/g;

export function escapeHtml(line: string): string {
  return outsideCodeSpans(line, (text) => text.replace(HTML_START, '&lt;'));
}

/**
 * One line of text: whitespace runs (newlines included) collapsed; `fallback` when empty. HTML is escaped on the
 * finished line (escapeHtml), not per field: a backtick run in one field can pair with one in the next and move
 * where the code spans are.
 */
export function inlineText(text: string, fallback: string): string {
  const line = cleanText(text).replace(/\s+/g, ' ').trim();
  return line === '' ? fallback : line;
}

/** Container prefixes a line may start with: blockquote markers and list markers, nested. */
const CONTAINERS = String.raw`(?:>[ \t]*|(?:[-*+]|\d{1,9}[.)])[ \t]+)*`;
const ATX_H1_H2 = new RegExp(String.raw`^( {0,3}${CONTAINERS})#{1,2}(?=[ \t]|$)`);
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
/** A list item whose text starts like a metadata entry: "Status:", "**Status:**", "__Date__:", "*Feature* :". */
const METADATA_ITEM = new RegExp(
  // [^\S\n]: log4brains matches "Status\s*:", and \s includes no-break and other Unicode spaces.
  String.raw`^([ \t]*${CONTAINERS}(?:[-*+]|\d{1,9}[.)])[ \t]+[*_]*[^\S\n]*(?:${METADATA_KEYS.join('|')})[^\S\n]*[*_]*[^\S\n]*):`,
  'i',
);

function neutraliseMetadataItem(line: string): string {
  return line.replace(METADATA_ITEM, '$1&#58;');
}

/** One line of the Decision markdown, outside code: headings demoted, metadata-like items defused, HTML escaped. */
function neutraliseLine(line: string): string {
  return neutraliseMetadataItem(escapeHtml(line).replace(ATX_H1_H2, '$1###'));
}

/** The Decision section body: the model's Markdown with its structure kept but unable to leave the section. */
function markdownBlock(text: string): string {
  const out: string[] = [];
  // Trimmed first, so a fence the model left open is closed right after its last line, not after blank ones.
  for (const line of scanFences(
    cleanText(text)
      .replace(/^(?:[ \t]*\n)+|\s+$/g, '')
      .split('\n'),
  )) {
    if (line.code) {
      out.push(line.text);
      continue;
    }
    const previous = out.at(-1);
    if (SETEXT_UNDERLINE.test(line.text) && previous !== undefined && previous.trim() !== '') out.push('');
    out.push(neutraliseLine(line.text));
  }
  return out.join('\n').trim() === '' ? ADR_NOT_STATED : out.join('\n');
}

/**
 * Item text that starts like a block (heading, quote, list, fence, thematic break) would nest that block in the
 * list item; a backslash keeps it text.
 */
function escapeLeadingBlock(text: string): string {
  if (/^(?:[-*_][ \t]*){3,}$/.test(text)) return `\\${text}`;
  const ordered = /^(\d{1,9})([.)])(?=[ \t]|$)/.exec(text);
  if (ordered?.[1]) return `${ordered[1]}\\${text.slice(ordered[1].length)}`;
  return /^(?:#|>|[-*+](?:[ \t]|$)|`{3,}|~{3,}|=)/.test(text) ? `\\${text}` : text;
}

function listItem(text: string, fallback: string): string {
  return neutraliseMetadataItem(escapeHtml(`- ${escapeLeadingBlock(inlineText(text, fallback))}`));
}

function bulletList(items: readonly string[]): string {
  const kept = items.filter((item) => cleanText(item).trim() !== '');
  return kept.length === 0
    ? `- ${ADR_NOT_STATED}`
    : kept.map((item) => listItem(item, ADR_NOT_STATED)).join('\n');
}

/** Emphasis characters inside a bold name would end the bold early. */
function escapeEmphasis(text: string): string {
  return outsideCodeSpans(text, (part) => part.replace(/[*_]/g, '\\$&'));
}

function alternativesList(alternatives: AdrDraft['alternatives']): string {
  const kept = alternatives.filter(
    (alternative) => cleanText(`${alternative.name}${alternative.tradeoffs}`).trim() !== '',
  );
  if (kept.length === 0) return `- ${ADR_NOT_STATED}`;
  return kept
    .map((alternative) => {
      const name = escapeEmphasis(inlineText(alternative.name, 'Unnamed alternative'));
      const tradeoffs = inlineText(alternative.tradeoffs, ADR_NOT_STATED);
      return neutraliseMetadataItem(escapeHtml(`- **${name}**: ${tradeoffs}`));
    })
    .join('\n');
}

/** The h1 text: one line; a trailing `#` run would be read as the heading's closing sequence and dropped. */
function headingText(title: string): string {
  return inlineText(title, 'Untitled decision').replace(/(^|[ \t])(#+)$/, '$1\\$2');
}

function linkTarget(url: string, what: string): string {
  const trimmed = url.trim();
  if (!/^https?:\/\/\S+$/i.test(trimmed))
    throw new RangeError(`${what} must be an http(s) URL, got "${url}"`);
  // These would end an autolink or a link destination early.
  return trimmed.replace(/[<>()"`\\]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function relatedId(value: string): string {
  const id = value.trim().replace(/\.md$/i, '');
  if (!ADR_ID_PATTERN.test(id))
    throw new RangeError(`related ADRs must be ids like "0003-use-postgres", got "${value}"`);
  return id;
}

function referenceList(record: AdrRecord): string {
  const { threadPermalink, phr, related = [] } = record.references;
  const lines: string[] = [];
  if (threadPermalink !== null)
    lines.push(`- Slack thread: <${linkTarget(threadPermalink, 'threadPermalink')}>`);
  if (phr !== null) {
    const label = inlineText(phr.label, 'Prompt History Record');
    lines.push(
      phr.url === null
        ? `- Prompt history: ${label}`
        : `- Prompt history: [${label.replace(/[[\]]/g, '\\$&')}](${linkTarget(phr.url, 'phr.url')})`,
    );
  }
  for (const id of new Set(related.map(relatedId))) lines.push(`- Related ADR: [${id}](${id}.md)`);
  lines.push(`- Proposed by: ${inlineText(record.proposedBy, 'unknown')}`);
  return lines.map(escapeHtml).join('\n');
}

/**
 * The file text, exactly the records-format layout:
 *
 * ```
 * # ADR-NNNN: Title
 *
 * - **Status:** Proposed
 * - **Date:** YYYY-MM-DD
 * - **Feature:** <feature or none>
 * - **Context:** <one paragraph>
 *
 * ## Decision
 * ## Consequences / ### Positive / ### Negative
 * ## Alternatives Considered      - **Name**: tradeoffs
 * ## References                   Slack thread, Prompt history, Related ADR (one line each), Proposed by
 * ```
 *
 * Sections are separated by one blank line and the file ends with a newline. Empty lists and fields read
 * ADR_NOT_STATED. Throws RangeError for a bad number, date, status, URL or related id.
 */
export function renderAdr(record: AdrRecord): string {
  const number = adrNumber(record.number);
  if (!DATE_PATTERN.test(record.date))
    throw new RangeError(`ADR date must be YYYY-MM-DD, got "${record.date}"`);
  const { draft } = record;
  return [
    escapeHtml(`# ADR-${number}: ${headingText(record.title)}`),
    [
      `- **Status:** ${formatAdrStatus(record.status)}`,
      `- **Date:** ${record.date}`,
      `- **Feature:** ${inlineText(record.feature ?? '', 'none')}`,
      `- **Context:** ${inlineText(draft.context, ADR_NOT_STATED)}`,
    ]
      .map(escapeHtml)
      .join('\n'),
    '## Decision',
    markdownBlock(draft.decision),
    '## Consequences',
    '### Positive',
    bulletList(draft.positive),
    '### Negative',
    bulletList(draft.negative),
    '## Alternatives Considered',
    alternativesList(draft.alternatives),
    '## References',
    referenceList(record),
  ]
    .join('\n\n')
    .concat('\n');
}
