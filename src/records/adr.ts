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
import { padId } from './phr.js';
import { slugify } from './title.js';

export type AdrStatus =
  | 'Proposed'
  | 'Accepted'
  | 'Rejected'
  | 'Deprecated'
  | {
      /** The superseding ADR as 'NNNN-slug' (a trailing '.md' is tolerated), see adrId. */
      supersededBy: string;
    };

/** What Claude drafted from the thread (see adr-draft.ts). */
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

/** Written where the thread gave nothing for a field; adr-draft.ts fills missing sections with it too. */
export const ADR_NOT_STATED = 'Not stated in the discussion.';

const SIMPLE_STATUSES = ['Proposed', 'Accepted', 'Rejected', 'Deprecated'] as const;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const ADR_ID_PATTERN = /^\d{4,}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const METADATA_KEYS = ['status', 'date', 'feature', 'context'];

function adrNumber(number: number): string {
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

// ---------------------------------------------------------------------------------------------------------------
// Fenced code, tracked line by line.
//
// There is no Markdown parser in the project, so fences are followed with a few rules chosen so that CommonMark
// and this tracker agree on where code ends *in the text we write*: a fence opens at any indent (fences inside
// list items are indented); it closes on a run of the same character at least as long, indented at most 3 more
// than the opening (rewritten to the opening's indent, where every reading accepts it); a non-blank line indented
// less than the opening ends it (a list item ending ends its fence) and gets an explicit closing line first; a
// fence still open at the end is closed. Readers use the same tracker without the rewriting.
// ---------------------------------------------------------------------------------------------------------------

interface Fence {
  char: '`' | '~';
  length: number;
  indent: number;
}

interface ScannedLine {
  text: string;
  /** Fence line or fenced content. */
  code: boolean;
  /** Index in the input, or null for a closing line the scanner added. */
  source: number | null;
}

function indentWidth(line: string): number {
  let width = 0;
  for (const char of line) {
    if (char === ' ') width++;
    else if (char === '\t') width += 4 - (width % 4);
    else break;
  }
  return width;
}

function openingFence(line: string): Fence | null {
  const match = /^[ \t]*(`{3,}|~{3,})(.*)$/.exec(line);
  const run = match?.[1];
  if (!run) return null;
  const char = run.startsWith('`') ? '`' : '~';
  // "```a`b" is an inline code span, not a fence.
  if (char === '`' && (match?.[2] ?? '').includes('`')) return null;
  return { char, length: run.length, indent: indentWidth(line) };
}

function closingRun(line: string, fence: Fence): string | null {
  const run = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
  if (!run?.startsWith(fence.char) || run.length < fence.length) return null;
  return indentWidth(line) <= fence.indent + 3 ? run : null;
}

function scanFences(lines: readonly string[]): ScannedLine[] {
  const out: ScannedLine[] = [];
  const closeLine = (open: Fence, run: string): string => `${' '.repeat(open.indent)}${run}`;
  let fence: Fence | null = null;
  for (const [source, text] of lines.entries()) {
    if (fence && text.trim() !== '' && indentWidth(text) < fence.indent) {
      out.push({ text: closeLine(fence, fence.char.repeat(fence.length)), code: true, source: null });
      fence = null;
    }
    if (fence) {
      const run = closingRun(text, fence);
      out.push({ text: run ? closeLine(fence, run) : text, code: true, source });
      if (run) fence = null;
      continue;
    }
    fence = openingFence(text);
    out.push({ text, code: fence !== null, source });
  }
  if (fence) out.push({ text: closeLine(fence, fence.char.repeat(fence.length)), code: true, source: null });
  return out;
}

/**
 * For each line, whether it is a fence line or inside a fenced block, by the tracker above. Shared with
 * adr-draft.ts so a `# comment` in a drafted Python block is never taken for a heading.
 */
export function codeLineMask(lines: readonly string[]): boolean[] {
  const mask = lines.map(() => false);
  for (const line of scanFences(lines)) if (line.source !== null) mask[line.source] = line.code;
  return mask;
}

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

function escapeHtml(line: string): string {
  return outsideCodeSpans(line, (text) => text.replace(HTML_START, '&lt;'));
}

/**
 * One line of text: whitespace runs (newlines included) collapsed; `fallback` when empty. HTML is escaped on the
 * finished line (escapeHtml), not per field: a backtick run in one field can pair with one in the next and move
 * where the code spans are.
 */
function inlineText(text: string, fallback: string): string {
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

// ---------------------------------------------------------------------------------------------------------------
// Reading and updating files.
// ---------------------------------------------------------------------------------------------------------------

/** `- **Status:** x`, `* Status: x`, `- __Status__: x`; group 1 is everything before the value. */
const STATUS_BULLET = /^( {0,3}[-*+][ \t]+(\*\*|__)?status[ \t]*(?::[ \t]*\2|\2[ \t]*:)[ \t]*)(.*)$/i;
const DATE_BULLET = /^ {0,3}[-*+][ \t]+(\*\*|__)?date[ \t]*(?::[ \t]*\1|\1[ \t]*:)[ \t]*(.*)$/i;
/** adr-tools writes "Date: 2026-11-26" as a paragraph under the title. */
const DATE_PARAGRAPH = /^ {0,3}date[ \t]*:[ \t]*(.*)$/i;
const ATX_H1 = /^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const ATX_H2 = /^ {0,3}##(?:[ \t]|$)/;
const SECTION_END = /^ {0,3}#{1,2}(?:[ \t]|$)/;
const REFERENCES_HEADING = /^ {0,3}##[ \t]+references[ \t]*#*[ \t]*$/i;
const STATUS_HEADING = /^ {0,3}#{2,3}[ \t]+status[ \t]*#*[ \t]*$/i;
const HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;

/** A file's lines without their `\r` (for matching); `crlf` when the file uses CRLF (core.autocrlf). */
interface FileLines {
  raw: string[];
  bare: string[];
  code: boolean[];
  crlf: boolean;
}

function fileLines(text: string): FileLines {
  const raw = text.split('\n');
  const bare = raw.map((line, index) => {
    const stripped = line.replace(/\r$/, '');
    return index === 0 ? stripped.replace(/^\ufeff/, '') : stripped;
  });
  return { raw, bare, code: codeLineMask(bare), crlf: raw.length > 1 && (raw[0] ?? '').endsWith('\r') };
}

/** Index of the first `##` heading outside code: log4brains' header metadata lives above it. */
function headerEnd(file: FileLines): number {
  const index = file.bare.findIndex((line, at) => !file.code[at] && ATX_H2.test(line));
  return index === -1 ? file.bare.length : index;
}

function findInHeader(file: FileLines, pattern: RegExp): number {
  const end = headerEnd(file);
  for (let index = 0; index < end; index++) {
    if (!file.code[index] && pattern.test(file.bare[index] ?? '')) return index;
  }
  return -1;
}

/** Markdown reduced to the text a reader sees: links to their text, emphasis markers, escapes and entities gone. */
function plainText(markdown: string): string {
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
 * Reads an ADR's summary. The number comes from the file name (`0007-slug.md`, a path is fine); the title from
 * the first h1 (an "ADR-0007:" or adr-tools "7." prefix removed); the status from the first status bullet above
 * the first `##` heading, or else from an adr-tools `## Status` section; the date from a Date bullet or line
 * above the first `##` heading ('' when absent). Throws AdrFormatError on a bad file name, no h1 or no status.
 */
export function readAdr(text: string, fileName: string): AdrSummary {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const numberMatch = /^(\d+)-[^\\/]*\.md$/i.exec(base);
  if (!numberMatch?.[1]) throw new AdrFormatError(`"${fileName}" is not an ADR file name (NNNN-slug.md)`);
  const number = Number.parseInt(numberMatch[1], 10);

  const file = fileLines(text);
  const titleLine = file.bare.findIndex((line, at) => !file.code[at] && ATX_H1.test(line));
  if (titleLine === -1) throw new AdrFormatError(`${base} has no "# " title line`);
  const heading = ATX_H1.exec(file.bare[titleLine] ?? '')?.[1] ?? '';
  const title = plainText(heading.replace(/^(?:ADR[-\s]?\d+\s*[:.\-–—]\s*|\d+\.\s+)/i, ''));

  let status: string | undefined;
  const statusLine = findInHeader(file, STATUS_BULLET);
  if (statusLine !== -1) {
    status = plainText(STATUS_BULLET.exec(file.bare[statusLine] ?? '')?.[3] ?? '');
  } else {
    const section = file.bare.findIndex((line, at) => !file.code[at] && STATUS_HEADING.test(line));
    for (let index = section + 1; section !== -1 && index < file.bare.length; index++) {
      const line = file.bare[index] ?? '';
      if (!file.code[index] && HEADING.test(line)) break;
      if (line.trim() !== '') {
        status = plainText(line);
        break;
      }
    }
  }
  if (!status) throw new AdrFormatError(`${base} has no status line`);

  const dateBullet = findInHeader(file, DATE_BULLET);
  const dateParagraph = dateBullet === -1 ? findInHeader(file, DATE_PARAGRAPH) : -1;
  const date =
    dateBullet !== -1
      ? plainText(DATE_BULLET.exec(file.bare[dateBullet] ?? '')?.[2] ?? '')
      : dateParagraph !== -1
        ? plainText(DATE_PARAGRAPH.exec(file.bare[dateParagraph] ?? '')?.[1] ?? '')
        : '';

  return { number, title, status, date };
}

/**
 * Where a status change note goes: a `- Status change: <new status> — <note>` line appended at the end of the
 * `## References` section (the last one outside code), or a new `## References` section at the end of the file
 * when there is none. Not in the header list: a second "Status…" item there is what readers must never see, and
 * "Status change:" does not match log4brains' `Status:` key. Notes accumulate, oldest first, as a history.
 */
function insertStatusNote(file: FileLines, line: string): string[] {
  const { raw, bare, code, crlf } = file;
  let heading = -1;
  bare.forEach((text, index) => {
    if (!code[index] && REFERENCES_HEADING.test(text)) heading = index;
  });
  if (heading === -1) {
    const endsWithNewline = raw.length > 1 && bare.at(-1) === '';
    const section = ['', '## References', '', line];
    return endsWithNewline
      ? insertLines(raw, raw.length - 1, section, crlf)
      : insertLines(raw, raw.length, [...section, ''], crlf);
  }
  let end = heading + 1;
  while (end < bare.length && (code[end] || !SECTION_END.test(bare[end] ?? ''))) end++;
  let last = end;
  while (last > heading + 1 && (bare[last - 1] ?? '').trim() === '') last--;
  return insertLines(raw, last, last === heading + 1 ? ['', line] : [line], crlf);
}

/**
 * `lines` inserted before `raw[at]` (at may be raw.length), each ended like the file's lines. At the very end of
 * a file without a final newline, the line before gets one and the last inserted line goes without, as before.
 */
function insertLines(raw: readonly string[], at: number, lines: readonly string[], crlf: boolean): string[] {
  const cr = crlf ? '\r' : '';
  const out = [...raw];
  if (at < raw.length) {
    out.splice(at, 0, ...lines.map((text) => `${text}${cr}`));
    return out;
  }
  out[at - 1] = `${raw[at - 1] ?? ''}${cr}`;
  out.push(...lines.map((text, index) => (index === lines.length - 1 ? text : `${text}${cr}`)));
  return out;
}

/**
 * Rewrites the status line (the first status bullet above the first `##` heading) to exactly one status value,
 * keeping its bullet and label as written; every other byte stays as it was. With a non-empty `note` (e.g.
 * "accepted by Ada on 2026-11-26") one line is added at the end of References, see insertStatusNote. Throws
 * AdrFormatError when there is no status bullet (an adr-tools `## Status` section is not rewritten), RangeError
 * for a bad status.
 */
export function setAdrStatus(text: string, status: AdrStatus, note?: string): string {
  const value = formatAdrStatus(status);
  const file = fileLines(text);
  const at = findInHeader(file, STATUS_BULLET);
  if (at === -1) throw new AdrFormatError('ADR has no "- **Status:**" line above its first "##" section');
  const prefix = STATUS_BULLET.exec(file.bare[at] ?? '')?.[1] ?? '- **Status:** ';
  const raw = file.raw[at] ?? '';
  const bom = at === 0 && raw.startsWith('\ufeff') ? '\ufeff' : '';
  file.raw[at] = `${bom}${prefix}${value}${raw.endsWith('\r') ? '\r' : ''}`;

  const noteText = note === undefined ? '' : inlineText(note, '');
  if (noteText === '') return file.raw.join('\n');
  return insertStatusNote(file, escapeHtml(`- Status change: ${value} — ${noteText}`)).join('\n');
}
