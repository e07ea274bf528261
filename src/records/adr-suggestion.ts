/**
 * The agent prompt asks Claude to end an answer that makes an architecturally significant decision with
 * "📋 Architectural decision detected: <brief> — Document reasoning and tradeoffs? Run `/sp.adr <title>`".
 * Slack has no /sp.adr command: the bot offers a card with buttons instead. So this module finds those
 * suggestions in a finished answer (brief and title), and removes the raw slash-command instruction from
 * the text, both for a whole answer and for the stream of deltas while the answer is being written.
 *
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

export interface AdrSuggestion {
  /** The decision in a sentence: markup and emoji stripped, trimmed, no trailing dash or full stop. */
  brief: string;
  /**
   * The decision title as words: a kebab/snake slug becomes spaced words ("use-postgres-for-jobs" ->
   * "Use postgres for jobs"), otherwise the author's words; first letter capitalised, no brackets, quotes or
   * backticks, at most MAX_TITLE_LENGTH characters.
   */
  title: string;
}

export const MAX_TITLE_LENGTH = 120;

// ---------------------------------------------------------------------------------------------------
// Fences
// ---------------------------------------------------------------------------------------------------

interface Fence {
  char: '`' | '~';
  len: number;
}

// The same rule as src/slack/markdown/fences.ts (any indentation: models indent fences inside list items), so the
// text we leave alone is exactly the text Slack will show as code.
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;

function advanceFence(fence: Fence | null, rawLine: string): Fence | null {
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
function candidates(): RegExp {
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
function instructionAt(line: string, i: number, prev: string, complete: boolean): Decision {
  const c = line.charAt(i);
  if (c === '`') return prev === '`' ? 'no' : commandAt(line, i, complete, true);
  if (c === '/') return PATH_CHAR.test(prev) ? 'no' : commandAt(line, i, complete, false);
  if (c !== 'R' && c !== 'r') return 'no';
  if (WORD_CHAR.test(prev)) return 'no';
  const at = afterRun(peeker(line, complete), i);
  return typeof at === 'number' ? commandAt(line, at, complete, true) : at;
}

/** The first instruction on a whole line at or after `from`, or -1. */
function findInstruction(line: string, from = 0): number {
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
function parseCommand(text: string): Command {
  const head = /^(?:[Rr]un:?[ \t]+)?(`{0,2})(?:[Rr]un:?[ \t]+)?\/(?:sp\.)?adr/.exec(text);
  const ticks = head?.[1] ?? '';
  const start = head?.[0].length ?? 0;
  if (ticks === '') return { arg: text.slice(start), end: null };
  const close = text.indexOf(ticks, start);
  if (close < 0) return { arg: text.slice(start), end: null };
  return { arg: text.slice(start, close), end: close + ticks.length };
}

// ---------------------------------------------------------------------------------------------------
// Stripping
// ---------------------------------------------------------------------------------------------------

/** Only punctuation, emphasis markers and spaces: what is left after "Run `/sp.adr x`" at a line end. */
const LEFTOVER = /^[\s.,;:!?*_~]*$/;

/** `rest` starts with an instruction and runs to the end of its line (a '\r' there is kept). */
function stripFrom(rest: string): string {
  const cr = rest.endsWith('\r') ? '\r' : '';
  const body = cr ? rest.slice(0, -1) : rest;
  const { end } = parseCommand(body);
  if (end === null) {
    // Runs to the line end; keep closing emphasis so "**… Run /adr x**" does not leave a dangling "**".
    const emphasis = /([*_]+)[ \t]*$/.exec(body)?.[1] ?? '';
    return emphasis + cr;
  }
  const tail = body.slice(end);
  if (LEFTOVER.test(tail)) return tail.replace(/[^*_~]/g, '') + cr;
  return stripLine(tail.replace(/^[ \t]+/, '')) + cr;
}

/** One line outside fenced code, with its instructions removed. */
function stripLine(line: string): string {
  const i = findInstruction(line);
  return i < 0 ? line : line.slice(0, i) + stripFrom(line.slice(i));
}

/**
 * The answer with every raw slash-command instruction removed ("Run `/sp.adr x`", "Run /adr x", a bare
 * "`/sp.adr x`"), leaving the rest of the line readable; text inside fenced code blocks is left alone.
 * Spaces before a removed instruction stay (the stream has sent them already), so such a line may end in a
 * space.
 */
export function stripAdrInstructions(answer: string): string {
  let fence: Fence | null = null;
  const out: string[] = [];
  for (const line of answer.split('\n')) {
    out.push(fence ? line : stripLine(line));
    fence = advanceFence(fence, line);
  }
  return out.join('\n');
}

/**
 * Streaming form of stripAdrInstructions for the raw model deltas (before Markdown conversion): push(delta)
 * returns the text safe to send now, end() the rest. However the input is split, the concatenated outputs
 * equal stripAdrInstructions(concatenated inputs). Text is held back only from a character that may start
 * an instruction ("R"/"r" at a word start, "`", "/") until the next characters decide, and a confirmed
 * instruction until the end of its line; fenced code comes out at once.
 */
export function createAdrInstructionFilter(): { push(delta: string): string; end(): string } {
  let fence: Fence | null = null;
  /** Raw text of the current line so far; the fence rule needs the whole line. */
  let line = '';
  /** How much of `line` has been emitted (or taken into the instruction being held). */
  let done = 0;
  let inCode = false;
  let holdingInstruction = false;
  let ended = false;

  const drain = (complete: boolean): string => {
    if (inCode) {
      const out = line.slice(done);
      done = line.length;
      return out;
    }
    if (!holdingInstruction) {
      let out = '';
      const re = candidates();
      re.lastIndex = done;
      for (let m = re.exec(line); m; m = re.exec(line)) {
        const i = m.index;
        const decision = instructionAt(line, i, i > 0 ? line.charAt(i - 1) : '', complete);
        if (decision === 'no') continue;
        out += line.slice(done, i);
        done = i;
        if (decision === 'more') return out;
        holdingInstruction = true;
        break;
      }
      if (!holdingInstruction) {
        out += line.slice(done);
        done = line.length;
        return out;
      }
      return out + drain(complete);
    }
    if (!complete) return '';
    const out = stripFrom(line.slice(done));
    done = line.length;
    return out;
  };

  const endLine = (): void => {
    fence = advanceFence(fence, line);
    line = '';
    done = 0;
    holdingInstruction = false;
    inCode = fence !== null;
  };

  return {
    push(delta) {
      if (ended) throw new Error('createAdrInstructionFilter: push() after end()');
      let out = '';
      let rest = delta;
      for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
        line += rest.slice(0, nl);
        out += `${drain(true)}\n`;
        endLine();
        rest = rest.slice(nl + 1);
      }
      line += rest;
      return out + drain(false);
    },
    end() {
      if (ended) return '';
      ended = true;
      const out = drain(true);
      endLine();
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------------

const HEADER = /architect(?:ural|ure)\s+decisions?\s+(?:detected|identified)/i;
/** What may come before the header on its line: bullets, quote marks, emphasis, emoji, numbering. */
const HEADER_PREFIX = /^(?:[\s>*_~#+•\-–—\d.)(]|\p{Extended_Pictographic}|\uFE0F|\u200D)*$/u;
/** Separators and decoration between the header and the brief ("detected 📋:**", "identified."). */
const AFTER_HEADER = /^(?:[\s*_~:.!)\-–—]|\p{Extended_Pictographic}|\uFE0F|\u200D)+/u;
/** The prompt's second sentence, with the dash that leads into it. */
const DOCUMENT_CLAUSE = /(?:^|[\s*_]*(?:[—–]|--?)?[\s*_]*)\bdocument\s+(?:the\s+)?reasoning\b.*$/i;
const SLUG = /^[\p{L}\p{N}]+(?:[-_]+[\p{L}\p{N}]+)+$/u;
const PLACEHOLDER_TITLES = new Set(['decision-title', 'decision_title', 'decision title', 'title']);
/** Lines after a header that may hold its "Document reasoning … Run …" sentence. */
const CONTINUATION_LINES = 2;

/** Markup and emoji out, spaces collapsed; underscores inside identifiers (snake_case) kept. */
function plainText(text: string): string {
  return text
    .replace(/\p{Extended_Pictographic}|\uFE0F|\u200D/gu, '')
    .replace(/[`*]|~~/g, '')
    .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function cleanBrief(segment: string): string {
  return plainText(segment.replace(DOCUMENT_CLAUSE, ''))
    .replace(/^[\s:;,.\-–—]+/, '')
    .replace(/[\s:;,.\-–—]+$/, '');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function capTitle(title: string): string {
  if (title.length <= MAX_TITLE_LENGTH) return title;
  const cut = title.slice(0, MAX_TITLE_LENGTH + 1);
  const space = cut.lastIndexOf(' ');
  const words = space > 0 ? cut.slice(0, space) : cut.slice(0, MAX_TITLE_LENGTH);
  return words.replace(/[\s:;,.\-–—]+$/, '');
}

/** The title a command names, as words; '' when it names none (or only the prompt's placeholder). */
function titleFrom(arg: string): string {
  let t = plainText(arg);
  const wrapped = /^(?:\[([^\]]*)\]|<([^>]*)>|"([^"]*)"|“([^”]*)”|'([^']*)')/.exec(t);
  if (wrapped) t = wrapped.slice(1).find((group) => group !== undefined) ?? '';
  t = t
    .replace(/^[\s"'“”[\]<>]+/, '')
    .replace(/[\s"'“”[\]<>.,;:!?]+$/, '')
    .trim();
  if (PLACEHOLDER_TITLES.has(t.toLowerCase())) return '';
  if (SLUG.test(t)) t = t.split(/[-_]+/).join(' ');
  return capTitle(capitalise(t));
}

/** The command on a line, if any: its title and the text before it. */
function commandOn(line: string): { before: string; title: string; sp: boolean } | null {
  const i = findInstruction(line);
  if (i < 0) return null;
  const rest = line.endsWith('\r') ? line.slice(i, -1) : line.slice(i);
  const { arg } = parseCommand(rest);
  return {
    before: line.slice(0, i),
    title: titleFrom(arg),
    sp: /^(?:[Rr]un:?[ \t]+)?`{0,2}(?:[Rr]un:?[ \t]+)?\/sp\./.test(rest),
  };
}

function headerIn(line: string): { index: number; length: number } | null {
  const m = HEADER.exec(line);
  if (!m || !HEADER_PREFIX.test(line.slice(0, m.index))) return null;
  return { index: m.index, length: m[0].length };
}

/** The answer's lines with fenced code (fence lines included) blanked, so nothing inside them matches. */
function proseLines(answer: string): string[] {
  let fence: Fence | null = null;
  return answer.split('\n').map((line) => {
    const inside = fence !== null;
    fence = advanceFence(fence, line);
    return inside || fence !== null ? '' : line;
  });
}

/**
 * All ADR suggestions in a finished answer, in order; [] when there are none. A suggestion is a line that
 * starts (after bullets, quote marks, emphasis and emoji) with "Architectural decision detected" or
 * "Architecture decision(s) detected/identified", with its title from a /sp.adr or /adr command on that line
 * or within the next two lines; or a line with a "/sp.adr <title>" command alone (that command exists only
 * because of the agent prompt). Fenced code is ignored, as are "/adr" and "architecture" in passing.
 */
export function detectAdrSuggestions(answer: string): AdrSuggestion[] {
  const lines = proseLines(answer);
  const found: AdrSuggestion[] = [];
  const consumed = new Set<number>();
  for (let n = 0; n < lines.length; n++) {
    if (consumed.has(n)) continue;
    const line = lines[n] ?? '';
    const header = headerIn(line);
    if (!header) {
      const command = commandOn(line);
      if (!command?.sp || command.title === '') continue;
      // Without the header the brief is the text before "Document reasoning", when the model wrote it.
      const brief = DOCUMENT_CLAUSE.test(command.before) ? cleanBrief(command.before) : '';
      found.push({ brief: brief || command.title, title: command.title });
      continue;
    }
    const rest = line.slice(header.index + header.length).replace(AFTER_HEADER, '');
    let brief = '';
    let title = '';
    const command = commandOn(rest);
    if (command) {
      brief = cleanBrief(command.before);
      title = command.title;
    } else {
      brief = cleanBrief(rest);
      // The second sentence on a later line: the next non-blank line, unless it starts a suggestion itself.
      for (let k = n + 1; k < lines.length && k <= n + CONTINUATION_LINES; k++) {
        const next = lines[k] ?? '';
        if (next.trim() === '') continue;
        if (headerIn(next)) break;
        const later = commandOn(next);
        if (later) {
          consumed.add(k);
          title = later.title;
          if (brief === '') brief = cleanBrief(later.before.replace(/^[\s>*_~#+•\-–—]+/, ''));
        }
        break;
      }
    }
    if (brief === '' && title === '') continue;
    found.push({ brief: brief || title, title: title || capTitle(brief) });
  }
  return found;
}
