// Recognising the raw `/sp.adr <title>` instruction on a line of an answer, outside fenced code.

/**
 * What counts as an instruction, on a line outside fenced code (the same rule everywhere):
 * - "Run" or "run" at a word start, an optional ":", spaces, then a command (below);
 * - a command on its own: one or two backticks then "/sp.adr" or "/adr" (or the whole "`Run /adr x`" in
 *   backticks), or a bare "/sp.adr" / "/adr" not preceded by a word, path or URL character;
 * - the command name must be followed by a space, tab, backtick, "*", "_" or the end of the line, so
 *   "/adrs", "/adr/{id}" and "/admin" are left alone.
 * A backticked command ends at its closing backticks: the rest of the line stays, without the spaces after
 * the command, or, when only punctuation follows, without that punctuation. An unbackticked one runs to the
 * end of the line (its title has no other delimiter), except trailing "*"/"_" markers, which are kept so a
 * line wrapped in "**…**" keeps its closing marker.
 */

// ---------------------------------------------------------------------------------------------------
// Fences
// ---------------------------------------------------------------------------------------------------

export interface Fence {
  char: '`' | '~';
  len: number;
}

// The same rule as src/slack/markdown/fences.ts (any indentation: models indent fences inside list items), so the
// text we leave alone is exactly the text Slack will show as code.
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;

export function advanceFence(fence: Fence | null, rawLine: string): Fence | null {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  if (fence) {
    const marker = FENCE_CLOSE.exec(line)?.[1];
    const closes = marker !== undefined && marker.charAt(0) === fence.char && marker.length >= fence.len;
    return closes ? null : fence;
  }
  const m = FENCE_OPEN.exec(line);
  const marker = m?.[1];
  if (!m || marker === undefined) return null;
  const char = marker.charAt(0) === '`' ? '`' : '~';
  // A backtick in the info string makes it inline code, not a fence (CommonMark).
  if (char === '`' && (m[2] ?? '').includes('`')) return null;
  return { char, len: marker.length };
}

// ---------------------------------------------------------------------------------------------------
// Recognising an instruction
// ---------------------------------------------------------------------------------------------------

type Decision = 'yes' | 'no' | 'more';

/**
 * Characters that may start an instruction; everything else is emitted without a look. A new regex per scan
 * because a global regex carries its position (lastIndex) from one use to the next.
 */
export function candidates(): RegExp {
  return /[Rr`/]/g;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;
/** Before a bare "/adr": a word, path, URL or code character means it is part of something else. */
const PATH_CHAR = /[\p{L}\p{N}_./:~`\\-]/u;
const AFTER_COMMAND = new Set([' ', '\t', '`', '*', '_', '\r']);

/**
 * Reads `line` (a whole line, or only its start while streaming) from an index. `null` means "not received
 * yet", '' means "end of the line": keeping them apart is what lets the stream decide early and still agree
 * with the whole-text result.
 */
function peeker(line: string, complete: boolean): (k: number) => string | null {
  return (k) => (k < line.length ? line.charAt(k) : complete ? '' : null);
}

/** The index after "Run" or "run" at `k`, an optional ":" and the spaces that must follow. */
function afterRun(peek: (k: number) => string | null, k: number): number | 'no' | 'more' {
  let j = k + 1;
  for (const ch of 'un') {
    const p = peek(j);
    if (p === null) return 'more';
    if (p !== ch) return 'no';
    j++;
  }
  let p = peek(j);
  if (p === ':') {
    j++;
    p = peek(j);
  }
  if (p === null) return 'more';
  if (p !== ' ' && p !== '\t') return 'no';
  while (p === ' ' || p === '\t') {
    j++;
    p = peek(j);
    if (p === null) return 'more';
  }
  return j;
}

/** Whether a command ("`/sp.adr", "/adr", …) starts at `j`; `ticks` allows the leading backticks. */
function commandAt(line: string, j: number, complete: boolean, ticks: boolean): Decision {
  const peek = peeker(line, complete);
  let k = j;
  let run = 0;
  for (;;) {
    const c = peek(k);
    if (c === null) return 'more';
    if (c !== '`') break;
    run++;
    k++;
  }
  // Three or more backticks are a fence or a long code span: not the form models write.
  if (run > 2 || (run > 0 && !ticks)) return 'no';
  const r = peek(k);
  if (run > 0 && (r === 'R' || r === 'r')) {
    // The whole instruction in backticks: "`Run /adr use-postgres`".
    const at = afterRun(peek, k);
    if (typeof at !== 'number') return at;
    k = at;
  }
  const slash = peek(k);
  if (slash === null) return 'more';
  if (slash !== '/') return 'no';
  k++;
  const first = peek(k);
  if (first === null) return 'more';
  const name = first === 's' ? 'sp.adr' : first === 'a' ? 'adr' : '';
  if (name === '') return 'no';
  for (const ch of name) {
    const c = peek(k);
    if (c === null) return 'more';
    if (c !== ch) return 'no';
    k++;
  }
  const after = peek(k);
  if (after === null) return 'more';
  return after === '' || AFTER_COMMAND.has(after) ? 'yes' : 'no';
}

/**
 * Whether an instruction starts at `line[i]`, `prev` being the character before it on the line ('' at the
 * start). With `complete` false the line may continue, and 'more' means the text so far cannot tell; a 'yes'
 * or 'no' given early never changes once more of the line arrives.
 */
export function instructionAt(line: string, i: number, prev: string, complete: boolean): Decision {
  const c = line.charAt(i);
  if (c === '`') return prev === '`' ? 'no' : commandAt(line, i, complete, true);
  if (c === '/') return PATH_CHAR.test(prev) ? 'no' : commandAt(line, i, complete, false);
  if (c !== 'R' && c !== 'r') return 'no';
  if (WORD_CHAR.test(prev)) return 'no';
  const at = afterRun(peeker(line, complete), i);
  return typeof at === 'number' ? commandAt(line, at, complete, true) : at;
}

/** The first instruction on a whole line at or after `from`, or -1. */
export function findInstruction(line: string, from = 0): number {
  const re = candidates();
  re.lastIndex = from;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const i = m.index;
    if (instructionAt(line, i, i > 0 ? line.charAt(i - 1) : '', true) === 'yes') return i;
  }
  return -1;
}

interface Command {
  /** What follows the command name: the title, possibly with markup around it. */
  arg: string;
  /** Index just past the closing backticks, or null when the command runs to the end of the line. */
  end: number | null;
}

/** Parses the instruction that starts `text` (instructionAt said 'yes' at 0); `text` has no line break. */
export function parseCommand(text: string): Command {
  const head = /^(?:[Rr]un:?[ \t]+)?(`{0,2})(?:[Rr]un:?[ \t]+)?\/(?:sp\.)?adr/.exec(text);
  const ticks = head?.[1] ?? '';
  const start = head?.[0].length ?? 0;
  if (ticks === '') return { arg: text.slice(start), end: null };
  const close = text.indexOf(ticks, start);
  if (close < 0) return { arg: text.slice(start), end: null };
  return { arg: text.slice(start, close), end: close + ticks.length };
}
