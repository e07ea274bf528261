// Pipe tables: rendering a GFM table as a fenced block of aligned columns.

import { neutraliseMentions } from './mentions.js';

// A mention token with a label contains "|"; GFM would split the cell there, which reads worse.
const LABELLED_TOKEN = /<[@!][^<>|\n]*\|[^<>\n]*>/y;

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '\\' && s.charAt(i + 1) === '|') {
      cell += '|';
      i++;
      continue;
    }
    if (c === '<') {
      LABELLED_TOKEN.lastIndex = i;
      const token = LABELLED_TOKEN.exec(s)?.[0];
      if (token !== undefined) {
        cell += token;
        i += token.length - 1;
        continue;
      }
    }
    if (c === '|') {
      cells.push(cell.trim());
      cell = '';
      continue;
    }
    cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

const DELIMITER_CELL = /^:?-+:?$/;

export function isDelimiterRow(line: string, header: string): boolean {
  const cells = splitRow(line);
  return cells.length === splitRow(header).length && cells.every((c) => DELIMITER_CELL.test(c));
}

// Inside a code block inline Markdown would show its markers, so cells show what a renderer would.
const CELL_MARKUP =
  /(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)|\*\*(.+?)\*\*|__(.+?)__|~~(.+?)~~|\[([^\]\n]*)\]\(([^()\s]+)\)|<br\s*\/?>/gi;

function cellText(raw: string): string {
  const plain = raw.replace(
    CELL_MARKUP,
    (
      m: string,
      _ticks?: string,
      code?: string,
      strong?: string,
      strong2?: string,
      struck?: string,
      label?: string,
      url?: string,
    ) => {
      if (code !== undefined) return code.trim();
      if (url !== undefined)
        return label === undefined || label.trim() === '' || label === url ? url : `${label} (${url})`;
      const inner = strong ?? strong2 ?? struck;
      if (inner !== undefined) return inner;
      return m.startsWith('<') ? ' ' : m;
    },
  );
  return neutraliseMentions(plain.trim());
}

function isWideCodePoint(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

const ZERO_WIDTH = /^[\p{M}\p{Cf}]$/u;
const EMOJI = /^\p{Emoji_Presentation}$/u;

/** Columns a monospace font gives `s`: CJK and emoji take two, combining marks and joiners none. */
function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ZERO_WIDTH.test(ch)) continue;
    width += isWideCodePoint(cp) || EMOJI.test(ch) ? 2 : 1;
  }
  return width;
}

type Align = 'left' | 'right' | 'center';

function pad(cell: string, width: number, align: Align): string {
  const gap = Math.max(0, width - displayWidth(cell));
  if (align === 'right') return ' '.repeat(gap) + cell;
  if (align === 'center') return ' '.repeat(Math.floor(gap / 2)) + cell + ' '.repeat(Math.ceil(gap / 2));
  return cell + ' '.repeat(gap);
}

function longestRun(s: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of s) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/** Header, delimiter and body rows → a fenced block with aligned columns. */
export function renderTable(lines: readonly string[]): string {
  const [header = '', delimiter = '', ...body] = lines;
  const aligns: Align[] = splitRow(delimiter).map((c) => {
    const left = c.startsWith(':');
    const right = c.endsWith(':');
    return left && right ? 'center' : right ? 'right' : 'left';
  });
  const rows = [header, ...body].map((line) => {
    const cells = splitRow(line).map(cellText);
    // Empty trailing cells would only add dangling separators.
    while (cells.length > 1 && cells[cells.length - 1] === '') cells.pop();
    return cells;
  });
  const columns = Math.max(aligns.length, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < columns; c++) {
    widths.push(Math.max(1, ...rows.map((r) => displayWidth(r[c] ?? ''))));
  }
  const renderRow = (cells: readonly string[]) =>
    widths
      .slice(0, Math.max(1, cells.length))
      .map((w, c) => pad(cells[c] ?? '', w, aligns[c] ?? 'left'))
      .join(' | ')
      .trimEnd();
  const [head = [], ...rest] = rows;
  const text = [renderRow(head), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rest.map(renderRow)].join(
    '\n',
  );
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${fence}\n${text}\n${fence}`;
}
