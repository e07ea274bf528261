// Reading a PHR file back (front matter, prompt, response) and recording its ADR link in place.

import { isMap, parseDocument } from 'yaml';
import { mapOf, stringifyYaml, stringNode } from './front-matter.js';
import { type ParsedPhr, PhrFormatError } from './phr.js';

/** A file split into lines, remembering whether it uses CRLF (a checkout with core.autocrlf). */
interface Lines {
  lines: string[];
  crlf: boolean;
}

function splitLines(text: string): Lines {
  const lines = text.split('\n');
  return { lines, crlf: lines.length > 1 && (lines[0] ?? '').endsWith('\r') };
}

function bare(line: string | undefined): string {
  return line === undefined ? '' : line.replace(/\r$/, '');
}

/** Index of the line closing the front matter; the opening `---` must be the first line. */
function frontMatterEnd(lines: string[]): number {
  if (bare(lines[0]) !== '---')
    throw new PhrFormatError('PHR file does not start with a "---" front matter line');
  for (let index = 1; index < lines.length; index++) {
    const line = bare(lines[index]);
    if (line === '---' || line === '...') return index;
  }
  throw new PhrFormatError('PHR front matter is not closed by a "---" line');
}

function findLine(lines: string[], from: number, pattern: RegExp): number {
  for (let index = from; index < lines.length; index++) if (pattern.test(bare(lines[index]))) return index;
  return -1;
}

function skipBlank(lines: string[], from: number): number {
  let index = from;
  while (index < lines.length && bare(lines[index]).trim() === '') index++;
  return index;
}

function joinContent(file: Lines, start: number, end: number): string {
  const text = file.lines.slice(start, end).join('\n');
  return file.crlf ? text.replace(/\r$/, '') : text;
}

const PROMPT_HEADING = /^##\s+Prompt\s*$/i;
const RESPONSE_HEADING = /^##\s+Response snapshot\s*$/i;
const AFTER_RESPONSE_HEADING = /^##\s+(?:Sources|Outcome|Evaluation notes\b.*)\s*$/i;

/**
 * One section's text, starting after its heading. Our files hold one fenced block followed by the next section
 * (`isNext`); anything else (a PHR an agent wrote by hand) is read as the raw lines up to the next section,
 * without the blank lines around them.
 */
function sectionText(
  file: Lines,
  from: number,
  isNext: (line: string) => boolean,
): { text: string; end: number } {
  const { lines } = file;
  const open = skipBlank(lines, from);
  const opening = /^(`{3,})[^`]*$/.exec(bare(lines[open]));
  if (opening?.[1]) {
    const closing = new RegExp(`^ {0,3}\`{${opening[1].length},}[ \\t]*$`);
    const close = findLine(lines, open + 1, closing);
    const next = close === -1 ? -1 : skipBlank(lines, close + 1);
    if (close !== -1 && (next === lines.length || isNext(bare(lines[next])))) {
      return { text: joinContent(file, open + 1, close), end: next };
    }
  }
  let end = from;
  while (end < lines.length && !isNext(bare(lines[end]))) end++;
  let last = end;
  while (last > open && bare(lines[last - 1]).trim() === '') last--;
  return { text: open >= last ? '' : joinContent(file, open, last), end };
}

/**
 * Reads a PHR file back: front matter (YAML 1.2, so `id: "0007"` stays a string and dates stay strings) and
 * the Prompt and Response snapshot sections. The id comes from the file name (`0007-...prompt.md`, a path is
 * fine), never from YAML. Throws PhrFormatError on a malformed file.
 */
export function parsePhr(text: string, fileName: string): ParsedPhr {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const idMatch = /^(\d+)-.*\.prompt\.md$/.exec(base);
  if (!idMatch?.[1])
    throw new PhrFormatError(`"${fileName}" is not a PHR file name (NNNN-slug.stage.prompt.md)`);
  const id = Number.parseInt(idMatch[1], 10);

  const file = splitLines(text);
  const end = frontMatterEnd(file.lines);
  const doc = parseDocument(file.lines.slice(1, end).join('\n'));
  const [firstError] = doc.errors;
  if (firstError) throw new PhrFormatError(`PHR front matter is not valid YAML: ${firstError.message}`);
  if (!isMap(doc.contents)) throw new PhrFormatError('PHR front matter is not a YAML mapping');
  const frontMatter = doc.toJS() as Record<string, unknown>;

  const promptHeading = findLine(file.lines, end + 1, PROMPT_HEADING);
  if (promptHeading === -1) throw new PhrFormatError('PHR has no "## Prompt" section');
  const prompt = sectionText(file, promptHeading + 1, (line) => RESPONSE_HEADING.test(line));
  if (prompt.end >= file.lines.length) throw new PhrFormatError('PHR has no "## Response snapshot" section');
  const response = sectionText(file, prompt.end + 1, (line) => AFTER_RESPONSE_HEADING.test(line));

  return { id, frontMatter, prompt: prompt.text, response: response.text };
}

function indentOf(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0;
}

/**
 * Rewrites `links.adr` in a PHR file's text (an ADR written after the answer), leaving every other byte as it
 * was. Adds the key inside `links:` when missing. Throws PhrFormatError when there is no block `links:` map.
 */
export function setPhrAdrLink(text: string, adr: string): string {
  const file = splitLines(text);
  const { lines } = file;
  const end = frontMatterEnd(lines);
  const linksLine = findLine(lines.slice(0, end), 1, /^links:\s*(?:#.*)?$/);
  if (linksLine === -1) throw new PhrFormatError('PHR front matter has no block "links:" map');

  let blockEnd = linksLine + 1;
  while (blockEnd < end && (bare(lines[blockEnd]).trim() === '' || indentOf(bare(lines[blockEnd])) > 0))
    blockEnd++;
  const children = lines.slice(linksLine + 1, blockEnd).map(bare);
  const firstChild = children.find((line) => line.trim() !== '');
  const childIndent = firstChild === undefined ? 2 : indentOf(firstChild);

  const rendered = stringifyYaml(mapOf([['adr', stringNode(adr)]])).replace(/\n$/, '');
  if (rendered.includes('\n')) throw new PhrFormatError('links.adr does not fit on one line');
  const newLine = `${' '.repeat(childIndent)}${rendered}${file.crlf ? '\r' : ''}`;

  const isChild = (line: string, key: string): boolean =>
    indentOf(line) === childIndent && new RegExp(`^ *${key}:(?:\\s|$)`).test(line);
  const adrOffset = children.findIndex((line) => isChild(line, 'adr'));
  const out = [...lines];
  if (adrOffset === -1) {
    const ticketOffset = children.findIndex((line) => isChild(line, 'ticket'));
    let lastChild = children.length;
    while (lastChild > 0 && (children[lastChild - 1] ?? '').trim() === '') lastChild--;
    const at = linksLine + 1 + (ticketOffset === -1 ? lastChild : ticketOffset + 1);
    out.splice(at, 0, newLine);
  } else {
    const at = linksLine + 1 + adrOffset;
    // A value written over several lines continues on lines indented deeper than its key.
    let valueEnd = at + 1;
    while (valueEnd < blockEnd && indentOf(bare(lines[valueEnd])) > childIndent) valueEnd++;
    out.splice(at, valueEnd - at, newLine);
  }

  const result = out.join('\n');
  const check = parseDocument(out.slice(1, frontMatterEnd(out)).join('\n'));
  const links: unknown = check.errors.length === 0 ? check.get('links') : undefined;
  if (!isMap(links) || links.get('adr') !== adr) {
    throw new PhrFormatError(
      'could not set links.adr: the links map is not in a form this writer understands',
    );
  }
  return result;
}
