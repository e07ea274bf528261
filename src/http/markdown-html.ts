import { type HtmlValue, html, type SafeHtml } from './html.js';

/**
 * A small Markdown renderer for record bodies. Records hold untrusted text (the user's prompt,
 * Claude's answer), so it never passes markup through: every character of input reaches the page
 * as escaped text, and the only tags are the ones written below. Raw HTML shows as text.
 *
 * Supported: ATX headings, paragraphs (a line break is kept, as in chat), bullet and numbered lists
 * (nested by indentation), fenced code blocks (``` or ~~~, length >= 3, info string as a label),
 * block quotes, GFM tables, thematic breaks, inline code, bold, italics, backslash escapes, and
 * links to http(s) URLs only (`[text](url)`, `<url>` and bare URLs).
 *
 * Nesting is capped so hostile input cannot exhaust the stack, and every scan is bounded so the
 * work stays close to linear in the input size.
 */
export function markdownToHtml(markdown: string): SafeHtml {
  const text = markdown.replace(/\r\n?/g, '\n').replaceAll('\u0000', '\uFFFD');
  return renderBlocks(parse(text.split('\n'), 0).blocks, false);
}

const MAX_BLOCK_DEPTH = 12;
const MAX_INLINE_DEPTH = 8;
const MAX_LINK_TEXT = 1000;
const MAX_LINK_DESTINATION = 2048;
const LINK_REL = 'noopener noreferrer nofollow';

// ---------------------------------------------------------------------------------------------
// Blocks: parsed into a small tree first, because whether a list is tight (items rendered without
// <p>) depends on blank lines found while parsing its items.

type Align = 'left' | 'center' | 'right' | undefined;

type Block =
  | { type: 'heading'; level: number; text: string }
  | { type: 'paragraph'; lines: string[]; plain: boolean }
  | { type: 'code'; info: string; lines: string[] }
  | { type: 'hr' }
  | { type: 'quote'; children: Block[] }
  | { type: 'list'; ordered: boolean; start: number; tight: boolean; items: Block[][] }
  | { type: 'table'; header: string[]; aligns: Align[]; rows: string[][] };

interface Parsed {
  blocks: Block[];
  /** A blank line separates two of these blocks (which makes a list item containing them loose). */
  blankBetween: boolean;
}

interface Fence {
  indent: number;
  char: '`' | '~';
  length: number;
  info: string;
}

interface ListMarker {
  indent: number;
  /** The bullet character, or `.`/`)` for numbered lists: items of one list share it. */
  type: string;
  ordered: boolean;
  start: number;
  /** Column where the item's content starts; continuation lines are indented at least this far. */
  contentOffset: number;
  content: string;
}

function parse(lines: readonly string[], depth: number): Parsed {
  if (depth > MAX_BLOCK_DEPTH) {
    // Too deep to be a real document: keep the text, drop the structure.
    const text = lines.map((line) => line.trim()).filter((line) => line !== '');
    return {
      blocks: text.length === 0 ? [] : [{ type: 'paragraph', lines: text, plain: true }],
      blankBetween: false,
    };
  }
  const blocks: Block[] = [];
  let blankBetween = false;
  let blankBefore = false;
  const add = (block: Block) => {
    if (blankBefore && blocks.length > 0) blankBetween = true;
    blankBefore = false;
    blocks.push(block);
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (isBlank(line)) {
      blankBefore = true;
      i++;
      continue;
    }

    const fence = fenceOpen(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !fenceCloses(lines[i] ?? '', fence)) {
        body.push(removeIndent(lines[i] ?? '', fence.indent));
        i++;
      }
      // An unclosed fence runs to the end, where blank lines are only the file's trailing newlines.
      const closed = i < lines.length;
      i++;
      add({ type: 'code', info: fence.info, lines: closed ? body : trimBlankEnds(body) });
      continue;
    }

    const level = headingLevel(line);
    if (level !== undefined) {
      const text = line
        .trim()
        .slice(level)
        .replace(/(?:^|[ \t]+)#+[ \t]*$/, '')
        .trim();
      add({ type: 'heading', level, text });
      i++;
      continue;
    }

    if (isThematicBreak(line)) {
      add({ type: 'hr' });
      i++;
      continue;
    }

    if (isQuote(line)) {
      const inner: string[] = [];
      while (i < lines.length && isQuote(lines[i] ?? '')) {
        inner.push((lines[i] ?? '').replace(/^ {0,3}> ?/, ''));
        i++;
      }
      add({ type: 'quote', children: parse(inner, depth + 1).blocks });
      continue;
    }

    const marker = listMarker(line);
    if (marker) {
      const list = parseList(lines, i, marker, depth);
      add(list.block);
      i = list.next;
      continue;
    }

    if (tableStartsAt(lines, i)) {
      const table = parseTable(lines, i);
      add(table.block);
      i = table.next;
      continue;
    }

    const para: string[] = [line.trim()];
    i++;
    while (
      i < lines.length &&
      !isBlank(lines[i] ?? '') &&
      !interruptsParagraph(lines[i] ?? '') &&
      !tableStartsAt(lines, i)
    ) {
      para.push((lines[i] ?? '').trim());
      i++;
    }
    add({ type: 'paragraph', lines: para, plain: false });
  }
  return { blocks, blankBetween };
}

function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

/** Columns of leading whitespace, a tab advancing to the next multiple of 4. */
function indentOf(line: string): number {
  let col = 0;
  for (const ch of line) {
    if (ch === ' ') col++;
    else if (ch === '\t') col += 4 - (col % 4);
    else break;
  }
  return col;
}

/** Removes up to `columns` columns of leading whitespace, splitting a tab that straddles the limit. */
function removeIndent(line: string, columns: number): string {
  let col = 0;
  let i = 0;
  while (i < line.length && col < columns) {
    const ch = line[i];
    if (ch === ' ') col++;
    else if (ch === '\t') {
      const next = col + 4 - (col % 4);
      if (next > columns) return ' '.repeat(next - columns) + line.slice(i + 1);
      col = next;
    } else break;
    i++;
  }
  return line.slice(i);
}

function trimBlankEnds(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1] ?? '')) end--;
  return lines.slice(0, end);
}

function fenceOpen(line: string): Fence | undefined {
  const match = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
  if (!match) return undefined;
  const run = match[2] ?? '';
  const info = (match[3] ?? '').trim();
  const char = run[0] === '~' ? '~' : '`';
  // A backtick in the info string means this is inline code, not a fence (CommonMark).
  if (char === '`' && info.includes('`')) return undefined;
  return { indent: (match[1] ?? '').length, char, length: run.length, info };
}

function fenceCloses(line: string, fence: Fence): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  const run = match?.[1];
  return run !== undefined && run[0] === fence.char && run.length >= fence.length;
}

function headingLevel(line: string): number | undefined {
  const match = /^ {0,3}(#{1,6})(?:[ \t]|$)/.exec(line);
  return match ? (match[1] ?? '').length : undefined;
}

function isThematicBreak(line: string): boolean {
  return /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/.test(line);
}

function isQuote(line: string): boolean {
  return /^ {0,3}>/.test(line);
}

function listMarker(line: string): ListMarker | undefined {
  if (isThematicBreak(line)) return undefined;
  const match = /^( {0,3})([-*+]|(\d{1,9})([.)]))([ \t]+|$)(.*)$/.exec(line);
  if (!match) return undefined;
  const indent = (match[1] ?? '').length;
  const marker = match[2] ?? '';
  const spacing = match[5] ?? '';
  const content = match[6] ?? '';
  const digits = match[3];
  // Five or more spaces after the marker belong to the content (CommonMark), as does an empty item.
  const wide = spacing.length > 4 || spacing.includes('\t');
  const gap = content === '' || wide ? 1 : spacing.length;
  return {
    indent,
    type: digits === undefined ? marker : (match[4] ?? '.'),
    ordered: digits !== undefined,
    start: digits === undefined ? 1 : Number(digits),
    contentOffset: indent + marker.length + gap,
    content: wide ? `${spacing.slice(1)}${content}` : content,
  };
}

function interruptsParagraph(line: string): boolean {
  if (fenceOpen(line) || headingLevel(line) !== undefined || isThematicBreak(line) || isQuote(line)) {
    return true;
  }
  const marker = listMarker(line);
  // As in CommonMark, only a non-empty item (and a numbered one only from 1) starts a list mid-paragraph.
  return marker !== undefined && marker.content.trim() !== '' && (!marker.ordered || marker.start === 1);
}

function parseList(
  lines: readonly string[],
  from: number,
  first: ListMarker,
  depth: number,
): { block: Block; next: number } {
  const items: Block[][] = [];
  let loose = false;
  let i = from;
  let marker: ListMarker | undefined = first;

  while (marker) {
    const item: string[] = [marker.content];
    const offset = marker.contentOffset;
    marker = undefined;
    i++;
    while (i < lines.length) {
      const line = lines[i] ?? '';
      if (isBlank(line)) {
        let j = i + 1;
        while (j < lines.length && isBlank(lines[j] ?? '')) j++;
        const after = lines[j];
        if (after === undefined || indentOf(after) < offset) break;
        for (; i < j; i++) item.push('');
        continue;
      }
      if (indentOf(line) >= offset) {
        item.push(removeIndent(line, offset));
        i++;
        continue;
      }
      if (listMarker(line) || interruptsParagraph(line) || tableStartsAt(lines, i)) break;
      // A lazy continuation line: the item's paragraph goes on without indentation.
      item.push(line.trim());
      i++;
    }
    const parsed = parse(trimBlankEnds(item), depth + 1);
    if (parsed.blankBetween) loose = true;
    items.push(parsed.blocks);

    let j = i;
    while (j < lines.length && isBlank(lines[j] ?? '')) j++;
    const candidate = j < lines.length ? listMarker(lines[j] ?? '') : undefined;
    if (candidate && candidate.type === first.type) {
      if (j > i) loose = true;
      marker = candidate;
      i = j;
    }
  }
  return {
    block: { type: 'list', ordered: first.ordered, start: first.start, tight: !loose, items },
    next: i,
  };
}

// GFM tables: a header row, a delimiter row of dashes, then rows until a blank line.

function tableStartsAt(lines: readonly string[], i: number): boolean {
  const header = lines[i] ?? '';
  const delimiter = lines[i + 1];
  if (delimiter === undefined || !header.includes('|') || !delimiter.includes('|')) return false;
  if (indentOf(header) > 3 || indentOf(delimiter) > 3) return false;
  const delimiters = splitRow(delimiter);
  return delimiters.every((cell) => /^:?-+:?$/.test(cell)) && splitRow(header).length === delimiters.length;
}

function parseTable(lines: readonly string[], i: number): { block: Block; next: number } {
  const header = splitRow(lines[i] ?? '');
  const aligns: Align[] = splitRow(lines[i + 1] ?? '').map((cell) => {
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    if (left && right) return 'center';
    if (right) return 'right';
    return left ? 'left' : undefined;
  });
  const rows: string[][] = [];
  let next = i + 2;
  while (next < lines.length) {
    const line = lines[next] ?? '';
    if (isBlank(line) || interruptsParagraph(line)) break;
    rows.push(splitRow(line));
    next++;
  }
  return { block: { type: 'table', header, aligns, rows }, next };
}

/** Splits a table row on pipes that are neither escaped nor inside a code span. */
function splitRow(line: string): string[] {
  let text = line.trim();
  if (text.startsWith('|')) text = text.slice(1);
  if (text.endsWith('|') && !text.endsWith('\\|')) text = text.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '\\' && text[i + 1] === '|') {
      // Inside code the backslash stays visible; elsewhere the inline pass turns `\|` into `|`.
      cell += inCode ? '|' : '\\|';
      i++;
    } else if (ch === '`') {
      inCode = !inCode;
      cell += ch;
    } else if (ch === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

// ---------------------------------------------------------------------------------------------
// Rendering blocks

function renderBlocks(blocks: readonly Block[], tight: boolean): SafeHtml {
  return html`${blocks.map((block) => renderBlock(block, tight))}`;
}

function renderBlock(block: Block, tight: boolean): SafeHtml {
  switch (block.type) {
    case 'heading':
      return heading(block.level, inline(block.text, 0));
    case 'paragraph': {
      const content = inline(block.lines.join('\n'), block.plain ? MAX_INLINE_DEPTH : 0);
      return tight ? html`${content}\n` : html`<p>${content}</p>\n`;
    }
    case 'code': {
      const label = block.info === '' ? '' : html`<div class="code-label">${block.info}</div>`;
      return html`<div class="code">${label}<pre><code>${block.lines.join('\n')}</code></pre></div>\n`;
    }
    case 'hr':
      return html`<hr>\n`;
    case 'quote':
      return html`<blockquote>\n${renderBlocks(block.children, false)}</blockquote>\n`;
    case 'list': {
      const items = block.items.map((item) => html`<li>${renderBlocks(item, block.tight)}</li>\n`);
      if (!block.ordered) return html`<ul>\n${items}</ul>\n`;
      const start = block.start === 1 ? '' : html` start="${block.start}"`;
      return html`<ol${start}>\n${items}</ol>\n`;
    }
    case 'table': {
      const cell = (tag: 'th' | 'td', text: string, align: Align): SafeHtml => {
        const content = inline(text, 0);
        const cls = align === 'center' || align === 'right' ? html` class="align-${align}"` : '';
        return tag === 'th' ? html`<th${cls}>${content}</th>` : html`<td${cls}>${content}</td>`;
      };
      const head = block.header.map((text, col) => cell('th', text, block.aligns[col]));
      const body = block.rows.map(
        (row) => html`<tr>${block.aligns.map((align, col) => cell('td', row[col] ?? '', align))}</tr>\n`,
      );
      return html`<div class="table-wrap"><table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}</tbody>
</table></div>\n`;
    }
  }
}

function heading(level: number, content: SafeHtml): SafeHtml {
  switch (level) {
    case 1:
      return html`<h1>${content}</h1>\n`;
    case 2:
      return html`<h2>${content}</h2>\n`;
    case 3:
      return html`<h3>${content}</h3>\n`;
    case 4:
      return html`<h4>${content}</h4>\n`;
    case 5:
      return html`<h5>${content}</h5>\n`;
    default:
      return html`<h6>${content}</h6>\n`;
  }
}

// ---------------------------------------------------------------------------------------------
// Inline

const ESCAPABLE = /[!-/:-@[-`{-~]/;
const INLINE_SPECIAL = new Set(['\\', '\n', '`', '[', '<', 'h', 'H', '*', '_']);
const PLAIN_RUN_END = /[\\\n`[<hH*_]/g;
const TRAILING_URL_PUNCTUATION = '.,:;!?\'"*_~';

/**
 * Renders inline Markdown. Failed searches for a closing delimiter are remembered per call, so a
 * later opener of the same kind does not rescan the same text: that keeps hostile input linear.
 */
function inline(src: string, depth: number, links = true): SafeHtml {
  const out: HtmlValue[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') out.push(text);
    text = '';
  };
  // Position from which a search for a given closer is known to fail.
  const noCloserFrom = new Map<string, number>();
  const findCloser = (key: string, from: number, search: () => number): number => {
    const known = noCloserFrom.get(key);
    if (known !== undefined && from >= known) return -1;
    const found = search();
    if (found === -1) noCloserFrom.set(key, from);
    return found;
  };

  let i = 0;
  while (i < src.length) {
    const ch = src[i] ?? '';

    if (!INLINE_SPECIAL.has(ch)) {
      // Plain text up to the next character that could start something is copied in one piece.
      PLAIN_RUN_END.lastIndex = i;
      const end = PLAIN_RUN_END.exec(src)?.index ?? src.length;
      text += src.slice(i, end);
      i = end;
      continue;
    }

    if (ch === '\\') {
      const next = src[i + 1];
      if (next === '\n') {
        flush();
        out.push(html`<br>\n`);
        i += 2;
        continue;
      }
      if (next !== undefined && ESCAPABLE.test(next)) {
        text += next;
        i += 2;
        continue;
      }
    }

    if (ch === '\n') {
      // Records keep prompts verbatim, so a line break in the source stays a line break.
      flush();
      out.push(html`<br>\n`);
      i++;
      continue;
    }

    if (ch === '`') {
      const run = runLength(src, i, '`');
      const close = findCloser(`code${run}`, i, () => findBacktickRun(src, i + run, run));
      if (close === -1) {
        text += '`'.repeat(run);
        i += run;
        continue;
      }
      let code = src.slice(i + run, close).replaceAll('\n', ' ');
      if (code.length >= 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') {
        code = code.slice(1, -1);
      }
      flush();
      out.push(html`<code>${code}</code>`);
      i = close + run;
      continue;
    }

    if (ch === '[' && links) {
      const link = linkAt(src, i, depth);
      if (link) {
        flush();
        out.push(link.html);
        i = link.next;
        continue;
      }
    }

    if (ch === '<' && links && /^<https?:\/\//i.test(src.slice(i, i + 9))) {
      const match = /^<(https?:\/\/[^\s<>]+)>/i.exec(src.slice(i, i + MAX_LINK_DESTINATION + 2));
      const href = match ? httpUrl(match[1] ?? '') : undefined;
      if (match && href) {
        flush();
        out.push(html`<a href="${href}" rel="${LINK_REL}">${match[1] ?? ''}</a>`);
        i += match[0].length;
        continue;
      }
    }

    if (links && (ch === 'h' || ch === 'H') && !/[\p{L}\p{N}_/]/u.test(src[i - 1] ?? ' ')) {
      const bare = bareUrlAt(src, i);
      if (bare) {
        flush();
        out.push(html`<a href="${bare.href}" rel="${LINK_REL}">${bare.text}</a>`);
        i += bare.text.length;
        continue;
      }
    }

    if ((ch === '*' || ch === '_') && depth < MAX_INLINE_DEPTH) {
      const emphasis = emphasisAt(src, i, depth, findCloser);
      if (emphasis) {
        flush();
        out.push(emphasis.html);
        i = emphasis.next;
        continue;
      }
      // Consume the whole run so `***` is not re-tried one character at a time.
      const run = runLength(src, i, ch);
      text += ch.repeat(run);
      i += run;
      continue;
    }

    text += ch;
    i++;
  }
  flush();
  return html`${out}`;
}

function runLength(src: string, at: number, ch: string): number {
  let end = at;
  while (src[end] === ch) end++;
  return end - at;
}

/** Index of the next run of exactly `length` backticks at or after `from`, or -1. */
function findBacktickRun(src: string, from: number, length: number): number {
  let i = src.indexOf('`', from);
  while (i !== -1) {
    const run = runLength(src, i, '`');
    if (run === length) return i;
    i = src.indexOf('`', i + run);
  }
  return -1;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

function isSpace(ch: string | undefined): boolean {
  return ch === undefined || /\s/u.test(ch);
}

type FindCloser = (key: string, from: number, search: () => number) => number;

/**
 * `**strong**`, `__strong__`, `*em*`, `_em_`. The opener must be followed, and the closer preceded,
 * by a non-space; underscores must also sit at word boundaries, so `snake_case_names` stay plain.
 */
function emphasisAt(
  src: string,
  at: number,
  depth: number,
  findCloser: FindCloser,
): { html: SafeHtml; next: number } | undefined {
  const ch = src[at] ?? '';
  const run = runLength(src, at, ch);
  if (ch === '_' && isWordChar(src[at - 1])) return undefined;

  const tryWidth = (width: 1 | 2): { html: SafeHtml; next: number } | undefined => {
    if (run < width || isSpace(src[at + width])) return undefined;
    const delimiter = ch.repeat(width);
    const close = findCloser(`${delimiter}`, at + width, () => {
      let j = src.indexOf(delimiter, at + width + 1);
      while (j !== -1) {
        const closerRun = runLength(src, j, ch);
        const before = src[j - 1];
        const end = j + closerRun;
        const ok =
          !isSpace(before) &&
          closerRun >= width &&
          (width === 2 || closerRun === 1 || closerRun >= 3) &&
          (ch !== '_' || !isWordChar(src[end]));
        // Extra delimiters shared by opener and closer nest inside (`***a***`); others stay text (`**a***`).
        if (ok) return j + Math.max(0, Math.min(closerRun, run) - width);
        j = src.indexOf(delimiter, end);
      }
      return -1;
    });
    if (close === -1 || close <= at + width) return undefined;
    const content = inline(src.slice(at + width, close), depth + 1);
    const next = close + width;
    return width === 2
      ? { html: html`<strong>${content}</strong>`, next }
      : { html: html`<em>${content}</em>`, next };
  };

  return run >= 2 ? (tryWidth(2) ?? tryWidth(1)) : tryWidth(1);
}

/** `[text](http(s)://…)`; anything else, including `javascript:` targets, stays plain text. */
function linkAt(src: string, at: number, depth: number): { html: SafeHtml; next: number } | undefined {
  // The text runs to the first `]`; a `[` or the length cap first means this is not a link.
  let i = at + 1;
  const limit = Math.min(src.length, at + 1 + MAX_LINK_TEXT);
  while (i < limit && src[i] !== ']' && src[i] !== '[') i += src[i] === '\\' ? 2 : 1;
  if (src[i] !== ']' || src[i + 1] !== '(') return undefined;
  const textEnd = i;
  const label = src.slice(at + 1, textEnd);
  if (label.trim() === '') return undefined;

  let j = textEnd + 2;
  while (src[j] === ' ' || src[j] === '\t') j++;
  const destStart = j;
  let parens = 0;
  const destLimit = Math.min(src.length, destStart + MAX_LINK_DESTINATION);
  while (j < destLimit) {
    const c = src[j];
    if (c === undefined || /\s/.test(c)) break;
    if (c === '(') parens++;
    else if (c === ')') {
      if (parens === 0) break;
      parens--;
    }
    j++;
  }
  const destination = src.slice(destStart, j);
  // An optional title ("…") is accepted and ignored.
  const rest = /^[ \t]*(?:"[^"\n]{0,300}"[ \t]*)?\)/.exec(src.slice(j, j + 320));
  if (!rest) return undefined;
  const href = httpUrl(destination);
  if (!href) return undefined;
  // Link text may hold emphasis and code, never another link.
  const content = inline(label, depth + 1, false);
  return { html: html`<a href="${href}" rel="${LINK_REL}">${content}</a>`, next: j + rest[0].length };
}

function bareUrlAt(src: string, at: number): { href: string; text: string } | undefined {
  if (!/^https?:\/\//i.test(src.slice(at, at + 8))) return undefined;
  const match = /^https?:\/\/[^\s<>`"]+/i.exec(src.slice(at, at + MAX_LINK_DESTINATION));
  if (!match) return undefined;
  let text = trimUrlPunctuation(match[0]);
  // A closing parenthesis belongs to the URL only when it balances one inside it, as in Wikipedia links.
  while (text.endsWith(')') && count(text, '(') < count(text, ')')) {
    text = trimUrlPunctuation(text.slice(0, -1));
  }
  const href = httpUrl(text);
  return href ? { href, text } : undefined;
}

/** Sentence punctuation after a bare URL ends the sentence, not the URL. */
function trimUrlPunctuation(text: string): string {
  let end = text.length;
  while (end > 0 && TRAILING_URL_PUNCTUATION.includes(text[end - 1] ?? '')) end--;
  return text.slice(0, end);
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

/** The normalised URL when it is http or https with a host; every other scheme is refused. */
function httpUrl(candidate: string): string | undefined {
  if (!/^https?:\/\//i.test(candidate)) return undefined;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
  return url.href;
}

// ---------------------------------------------------------------------------------------------
// Front matter

const MAX_VALUE_DEPTH = 6;

/** Front matter values as a definition list; nested objects and arrays are shown nested, all escaped. */
export function frontMatterTable(data: Record<string, unknown>): SafeHtml {
  return definitionList(data, 0, new WeakSet());
}

function definitionList(data: object, depth: number, seen: WeakSet<object>): SafeHtml {
  const entries = Object.entries(data);
  if (entries.length === 0) return html`<span class="muted">{}</span>`;
  const rows = entries.map(
    ([key, value]) => html`<dt>${key}</dt><dd>${frontMatterValue(value, depth + 1, seen)}</dd>\n`,
  );
  return html`<dl class="front-matter">\n${rows}</dl>\n`;
}

function frontMatterValue(value: unknown, depth: number, seen: WeakSet<object>): SafeHtml {
  if (value === null || value === undefined) return html`<span class="muted">none</span>`;
  if (typeof value === 'string') {
    const href = /^https?:\/\/\S+$/i.test(value) ? httpUrl(value) : undefined;
    return href ? html`<a href="${href}" rel="${LINK_REL}">${value}</a>` : html`${value}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return html`${String(value)}`;
  }
  if (value instanceof Date) return html`${formatDate(value)}`;
  if (typeof value !== 'object') return html`<span class="muted">(${typeof value})</span>`;
  if (depth > MAX_VALUE_DEPTH || seen.has(value)) return html`<span class="muted">…</span>`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      if (value.length === 0) return html`<span class="muted">none</span>`;
      const items = value.map((item: unknown) => html`<li>${frontMatterValue(item, depth + 1, seen)}</li>`);
      return html`<ul>${items}</ul>`;
    }
    return definitionList(value, depth, seen);
  } finally {
    seen.delete(value);
  }
}

/** YAML readers turn `2025-01-31` into a Date at UTC midnight; show it as it was written. */
function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'Invalid Date';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
