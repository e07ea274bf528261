// Where CommonMark link syntax starts and ends: link tails, destinations, titles, code spans, fence openers.

import type { Fence } from './fences.js';
import { ASCII_PUNCTUATION, isBlank } from './units.js';

// Nesting CommonMark allows in a link destination.
const MAX_DEST_PARENS = 32;

export function runEnd(text: string, at: number, char: string): number {
  let j = at;
  while (j < text.length && text.charAt(j) === char) j++;
  return j;
}

/**
 * What becomes of the code span of `len` backticks open before `from`: the end of its closing run on this
 * line (-1 when there is none), and whether any backtick follows on the line.
 */
export function spanFate(
  text: string,
  from: number,
  len: number,
  final: boolean,
): 'need' | { closer: number; backtick: boolean } {
  let backtick = false;
  for (let j = from; ; ) {
    if (j >= text.length) return final ? { closer: -1, backtick } : 'need';
    const c = text.charAt(j);
    if (c === '\n') return { closer: -1, backtick };
    if (c !== '`') {
      j++;
      continue;
    }
    const end = runEnd(text, j, '`');
    if (end >= text.length && !final) return 'need';
    if (end - j === len) return { closer: end, backtick: true };
    backtick = true;
    j = end;
  }
}

type FenceStart = 'need' | 'prose' | { fence: Fence; end: number };

/** A fence opener at a line start (CommonMark: at most 3 spaces of indentation). */
export function fenceStartAt(text: string, at: number, final: boolean): FenceStart {
  let j = at;
  while (j < text.length && j - at < 4 && text.charAt(j) === ' ') j++;
  if (j - at > 3) return 'prose';
  if (j >= text.length) return final ? 'prose' : 'need';
  const c = text.charAt(j);
  if (c !== '`' && c !== '~') return 'prose';
  const end = runEnd(text, j, c);
  if (end >= text.length && !final) return 'need';
  if (end - j < 3) return 'prose';
  return { fence: { char: c === '`' ? '`' : '~', len: end - j, info: '' }, end };
}

/**
 * Whether the line starting at `at` may continue a link: a blank line or a fence ends the paragraph. Link
 * syntax never swallows a fence line, so the line rules above stay in step.
 */
function continuesParagraph(text: string, at: number, final: boolean): boolean | 'need' {
  let j = at;
  while (j < text.length && isBlank(text.charAt(j))) j++;
  if (j >= text.length) return final ? false : 'need';
  if (text.charAt(j) === '\n') return false;
  const start = fenceStartAt(text, at, final);
  if (start === 'need') return 'need';
  return start === 'prose';
}

/** Skips spaces and at most one line break that keeps the paragraph going. */
function skipLinkSpace(text: string, at: number, final: boolean): number | 'need' | 'none' {
  let j = at;
  let broke = false;
  for (;;) {
    if (j >= text.length) return final ? j : 'need';
    const c = text.charAt(j);
    if (isBlank(c)) {
      j++;
    } else if (c === '\n' && !broke) {
      const more = continuesParagraph(text, j + 1, final);
      if (more !== true) return more === 'need' ? 'need' : 'none';
      broke = true;
      j++;
    } else {
      return j;
    }
  }
}

export interface LinkTail {
  dest: string;
  title: string;
  /** Just after the closing ")". */
  end: number;
}

/**
 * What follows a "]" at `at`: `(dest "title")` as CommonMark parses it, ":" of a reference definition,
 * or neither.
 */
export function linkTailAt(
  text: string,
  at: number,
  final: boolean,
): 'need' | 'none' | 'definition' | LinkTail {
  const more = final ? 'none' : 'need';
  if (at >= text.length) return more;
  if (text.charAt(at) === ':') return 'definition';
  if (text.charAt(at) !== '(') return 'none';
  const destStart = skipLinkSpace(text, at + 1, final);
  if (typeof destStart !== 'number') return destStart;
  const destEnd = destinationEnd(text, destStart, final);
  if (typeof destEnd !== 'number') return destEnd;
  const dest = text.slice(destStart, destEnd);
  const afterDest = skipLinkSpace(text, destEnd, final);
  if (typeof afterDest !== 'number') return afterDest;
  if (afterDest >= text.length) return more;
  if (text.charAt(afterDest) === ')') return { dest, title: '', end: afterDest + 1 };
  if (afterDest === destEnd) return 'none';
  const titleEnd = titleEndAt(text, afterDest, final);
  if (typeof titleEnd !== 'number') return titleEnd;
  const close = skipLinkSpace(text, titleEnd, final);
  if (typeof close !== 'number') return close;
  if (close >= text.length) return more;
  const title = text.slice(afterDest, titleEnd);
  return text.charAt(close) === ')' ? { dest, title, end: close + 1 } : 'none';
}

function destinationEnd(text: string, at: number, final: boolean): number | 'need' | 'none' {
  const more = final ? 'none' : 'need';
  if (at >= text.length) return more;
  let j = at;
  if (text.charAt(j) === '<') {
    for (j++; ; j++) {
      if (j >= text.length) return more;
      const c = text.charAt(j);
      if (c === '\\') j++;
      else if (c === '\n' || c === '<') return 'none';
      else if (c === '>') return j + 1;
    }
  }
  let parens = 0;
  for (;;) {
    if (j >= text.length) return more;
    const c = text.charAt(j);
    if (c === '\\') {
      if (j + 1 >= text.length) return more;
      j += ASCII_PUNCTUATION.test(text.charAt(j + 1)) ? 2 : 1;
      continue;
    }
    if (c <= ' ' || c === '\x7f') break;
    if (c === '(') {
      parens++;
      if (parens > MAX_DEST_PARENS) return 'none';
    } else if (c === ')') {
      if (parens === 0) break;
      parens--;
    }
    j++;
  }
  return parens === 0 ? j : 'none';
}

function titleEndAt(text: string, at: number, final: boolean): number | 'need' | 'none' {
  const open = text.charAt(at);
  if (open !== '"' && open !== "'" && open !== '(') return 'none';
  const close = open === '(' ? ')' : open;
  for (let j = at + 1; ; j++) {
    if (j >= text.length) return final ? 'none' : 'need';
    const c = text.charAt(j);
    if (c === '\\') {
      j++;
    } else if (c === close) {
      return j + 1;
    } else if (open === '(' && c === '(') {
      return 'none';
    } else if (c === '\n') {
      const next = continuesParagraph(text, j + 1, final);
      if (next !== true) return next === 'need' ? 'need' : 'none';
    }
  }
}
