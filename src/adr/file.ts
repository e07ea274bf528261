// Reading an ADR file back (title, status, date) and updating its status in place.

import { AdrFormatError, type AdrStatus, type AdrSummary, formatAdrStatus, plainText } from './adr.js';
import { codeLineMask } from './fences.js';
import { escapeHtml, inlineText } from './render.js';

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
