// Splitting rendered Markdown into Slack-sized messages, closing and reopening code fences at the cuts.

import { advanceFence, type Fence, fenceAfter, fenceMarker } from './fences.js';
import { isBlank } from './units.js';

export const SLACK_MARKDOWN_LIMIT = 12_000;

interface Cut {
  end: number;
  next: number;
}

const BLANK_LINE_AT = /[ \t]*(?:\r?\n|$)/y;
// A cut inside a line makes the rest start a line in the next message; these would change meaning there.
const BLOCK_START_AT = /(?:[`~]{3}|[-*+>#|]|\d{1,9}[.)])/y;

function dropBlankLines(s: string): string {
  return s.replace(/^(?:[ \t]*\r?\n)+/, '');
}

function trimmedEnd(s: string, end: number): number {
  let e = end;
  while (e > 0 && /\s/.test(s.charAt(e - 1))) e--;
  return e;
}

function lastLineCut(
  rest: string,
  window: number,
  first: number,
  paragraph: boolean,
  avoid: Set<number>,
): Cut | null {
  let p = rest.lastIndexOf('\n', window);
  while (p > first) {
    BLANK_LINE_AT.lastIndex = p + 1;
    if (!avoid.has(p) && (!paragraph || BLANK_LINE_AT.test(rest)))
      return { end: trimmedEnd(rest, p), next: p + 1 };
    p = rest.lastIndexOf('\n', p - 1);
  }
  return null;
}

/** Ends of the lines that open a fence: cutting there would send a message ending in an empty code block. */
function openerLineEnds(rest: string, open: Fence | null, upto: number): Set<number> {
  const ends = new Set<number>();
  let state = open;
  let start = 0;
  while (start <= upto) {
    const nl = rest.indexOf('\n', start);
    if (nl < 0) break;
    const before = state;
    state = advanceFence(state, rest.slice(start, nl));
    if (!before && state) ends.add(nl);
    start = nl + 1;
  }
  return ends;
}

function lastWordCut(rest: string, window: number, first: number): Cut | null {
  const lastBlank = (from: number) => Math.max(rest.lastIndexOf(' ', from), rest.lastIndexOf('\t', from));
  let p = lastBlank(window);
  while (p > first) {
    let next = p;
    while (next < rest.length && isBlank(rest.charAt(next))) next++;
    BLOCK_START_AT.lastIndex = next;
    if (!BLOCK_START_AT.test(rest)) return { end: trimmedEnd(rest, p), next };
    p = lastBlank(p - 1);
  }
  return null;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Where to end a piece of at most `window` chars: the last paragraph boundary if it keeps at least half
 * the window (one early blank line should not make a near-empty message), else the last line boundary,
 * else the last word boundary, else a hard cut.
 */
function findCut(rest: string, window: number, avoid: Set<number> = new Set()): Cut | null {
  const first = rest.search(/\S/);
  if (first < 0 || first >= window) return null;
  const paragraph = lastLineCut(rest, window, first, true, avoid);
  if (paragraph && paragraph.end >= window / 2) return paragraph;
  const line = lastLineCut(rest, window, first, false, avoid);
  if (line) return line.end >= window / 2 || !paragraph ? line : paragraph;
  // Only a line longer than the window is cut between words: in code that changes the code.
  const word = lastWordCut(rest, window, first);
  if (word) return word;
  let end = window;
  if (isHighSurrogate(rest.charCodeAt(end - 1))) end--;
  return end > first ? { end, next: end } : null;
}

/** Room for reopening and closing `fence` around at least one character. */
function canCarry(fence: Fence, limit: number): boolean {
  return 2 * fence.len + 3 <= limit;
}

interface Piece {
  content: string;
  close: string;
  next: number;
  openAfter: Fence | null;
}

function choosePiece(rest: string, open: Fence | null, budget: number, limit: number): Piece | null {
  let window = budget;
  const avoid = openerLineEnds(rest, open, budget);
  while (window >= 1) {
    const cut = findCut(rest, window, avoid);
    if (!cut) return null;
    const content = rest.slice(0, cut.end);
    const openAfter = fenceAfter(open, content);
    const close = openAfter && canCarry(openAfter, limit) ? `\n${fenceMarker(openAfter)}` : '';
    if (content.length + close.length <= budget) return { content, close, next: cut.next, openAfter };
    window = Math.min(window - 1, budget - close.length);
  }
  return null;
}

/**
 * Split rendered markdown into pieces each at most `limit` chars (default SLACK_MARKDOWN_LIMIT),
 * preferring paragraph, then line, then word boundaries, hard-cutting only a single over-long token
 * (a paragraph boundary in the first half of a piece loses to a later line boundary). A code fence open at a cut is closed at the end of the piece and reopened (same fence and info
 * string) at the start of the next, both counted within the limit. No piece is empty; joining pieces
 * loses no non-whitespace content. Blank input gives no pieces. Limits too small to carry a fence
 * (under 2 × fence length + 3) drop the info string, then the reopening, rather than exceed the limit.
 */
export function splitMarkdown(markdown: string, limit: number = SLACK_MARKDOWN_LIMIT): string[] {
  if (!Number.isFinite(limit) || limit < 1)
    throw new RangeError(`splitMarkdown: limit must be >= 1, got ${limit}`);
  const max = Math.floor(limit);
  const pieces: string[] = [];
  let open: Fence | null = null;
  let rest = dropBlankLines(markdown);
  while (/\S/.test(rest)) {
    const reopens: string[] = [];
    if (open && canCarry(open, max)) {
      const bare = `${fenceMarker(open)}\n`;
      const full = `${fenceMarker(open)}${open.info}\n`;
      if (full !== bare && full.length + open.len + 2 <= max) reopens.push(full);
      reopens.push(bare);
    } else {
      reopens.push('');
    }
    let placed = false;
    for (const reopen of reopens) {
      if (reopen.length + rest.length <= max) {
        pieces.push(reopen + rest);
        rest = '';
        placed = true;
        break;
      }
      const piece = choosePiece(rest, reopen === '' ? null : open, max - reopen.length, max);
      if (piece) {
        pieces.push(reopen + piece.content + piece.close);
        open = piece.close === '' ? null : piece.openAfter;
        rest = dropBlankLines(rest.slice(piece.next));
        placed = true;
        break;
      }
    }
    if (placed) continue;
    // Only reachable with tiny limits: give up carrying the fence for this piece.
    rest = rest.trimStart();
    if (rest.length <= max) {
      pieces.push(rest);
      break;
    }
    const cut = findCut(rest, max) ?? { end: max, next: max };
    const content = rest.slice(0, cut.end);
    pieces.push(content);
    open = null;
    rest = dropBlankLines(rest.slice(cut.next));
  }
  return pieces;
}
