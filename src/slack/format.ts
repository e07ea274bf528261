/**
 * Turning model Markdown into text Slack renders properly and that cannot notify anyone.
 *
 * What Slack documents, and the choices that follow from it:
 * - The `markdown` block and `markdown_text` (chat.*Stream) take standard Markdown. The markdown block
 *   reference lists what is supported and says code blocks with syntax highlighting, horizontal lines,
 *   tables and task lists are not. Escaping there is the Markdown one (`\*not italic\*`).
 * - The rule "escape `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`" belongs to `mrkdwn` text objects (section
 *   text, message `text`). Markdown decodes entities in prose but shows them verbatim inside code, so
 *   entity-escaping model Markdown would print `&lt;` in every code sample. We therefore leave `&`, `<`
 *   and `>` alone in Markdown and defang only what could notify people.
 * - Nothing says whether markdown blocks honour `<@U…>`, `<!here>` and friends, nor whether they do so
 *   before or after decoding `&lt;` or `\<`. We assume the worst: the mention rules below look at the
 *   decoded text (backslash escapes and character references resolved), so `&lt;!here&gt;` and
 *   `\<!here>` are defanged as well as `<!here>`.
 * - Unsupported syntax is rewritten: pipe tables become a fenced block of aligned columns, task list
 *   boxes become ☐/☑, thematic breaks become a line of box-drawing characters. CR and CRLF become LF.
 *   Fence info strings are kept (Slack ignores them) as the caller asked.
 * - `mrkdwn` fields get escapeMrkdwn/quoteForSlack, which do use the entity escaping.
 */

export const SLACK_MARKDOWN_LIMIT = 12_000;

/** U+2060 WORD JOINER: invisible, and breaks the character sequences Slack parses as mentions. */
const WJ = '\u2060';

// ---------------------------------------------------------------------------------------------------
// Mentions
// ---------------------------------------------------------------------------------------------------

/** One Markdown source unit: a character, a backslash escape or a character reference. */
interface Unit {
  len: number;
  /** What the unit displays as once Markdown has decoded it. */
  ch: string;
}

type Peek = Unit | 'end' | 'need';

type Step = { kind: 'need' } | { kind: 'none' } | { kind: 'match'; end: number; out: string };

const NEED: Step = { kind: 'need' };
const NONE: Step = { kind: 'none' };

const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const ASCII_ALNUM = /^[A-Za-z0-9]$/;
const ASCII_LETTER = /^[A-Za-z]$/;
const WORD_CHAR = /^[\p{L}\p{M}\p{N}_]/u;

// Only references that decode to characters the mention rules look at; any other reference cannot
// turn into a mention, so reading it as plain text is enough.
const NAMED_REFERENCES: Readonly<Record<string, string>> = {
  lt: '<',
  LT: '<',
  gt: '>',
  GT: '>',
  excl: '!',
  commat: '@',
  vert: '|',
  verbar: '|',
  VerticalLine: '|',
  Hat: '^',
  lowbar: '_',
  UnderBar: '_',
};

const BROADCAST_WORDS = ['channel', 'here', 'everyone'];
const BROADCAST_TOKENS = new Set(['channel', 'here', 'everyone', 'group']);
const MAX_ID = 32;
const MAX_LABEL = 100;

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isHexDigit(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

function codePointText(cp: number): string {
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(cp);
}

/** The unit starting at `i`, or null when the text ends before it is known (and more may come). */
function unitAt(text: string, i: number, final: boolean): Unit | null {
  const c = text.charAt(i);
  if (c === '\\') {
    if (i + 1 >= text.length) return final ? { len: 1, ch: c } : null;
    const next = text.charAt(i + 1);
    return ASCII_PUNCTUATION.test(next) ? { len: 2, ch: next } : { len: 1, ch: c };
  }
  if (c === '&') return referenceAt(text, i, final);
  return { len: 1, ch: c };
}

function referenceAt(text: string, i: number, final: boolean): Unit | null {
  const literal: Unit = { len: 1, ch: '&' };
  const more = final ? literal : null;
  let j = i + 1;
  if (j >= text.length) return more;
  if (text.charAt(j) === '#') {
    j++;
    if (j >= text.length) return more;
    const hex = text.charAt(j) === 'x' || text.charAt(j) === 'X';
    if (hex) j++;
    const isDigitOf = hex ? isHexDigit : isDigit;
    const maxDigits = hex ? 6 : 7;
    const start = j;
    while (j < text.length && j - start < maxDigits && isDigitOf(text.charAt(j))) j++;
    if (j >= text.length) return more;
    if (j === start || text.charAt(j) !== ';') return literal;
    return { len: j + 1 - i, ch: codePointText(Number.parseInt(text.slice(start, j), hex ? 16 : 10)) };
  }
  if (!ASCII_LETTER.test(text.charAt(j))) return literal;
  const start = j;
  while (j < text.length && j - start < 32 && ASCII_ALNUM.test(text.charAt(j))) j++;
  if (j >= text.length) return more;
  if (text.charAt(j) !== ';') return literal;
  const name = text.slice(start, j);
  const ch = Object.hasOwn(NAMED_REFERENCES, name) ? NAMED_REFERENCES[name] : undefined;
  return ch === undefined ? literal : { len: j + 1 - i, ch };
}

class UnitReader {
  constructor(
    readonly text: string,
    public pos: number,
    readonly final: boolean,
  ) {}

  peek(): Peek {
    if (this.pos >= this.text.length) return this.final ? 'end' : 'need';
    return unitAt(this.text, this.pos, this.final) ?? 'need';
  }

  take(unit: Unit): void {
    this.pos += unit.len;
  }

  /** Takes units while `accept` holds, at most `max` of them; `stop` is whatever came next. */
  run(accept: (ch: string) => boolean, max: number): { raw: string; text: string; stop: Peek } {
    const start = this.pos;
    let text = '';
    let count = 0;
    for (;;) {
      const unit = this.peek();
      if (typeof unit === 'string' || count >= max || !accept(unit.ch)) {
        return { raw: this.text.slice(start, this.pos), text, stop: unit };
      }
      this.take(unit);
      text += unit.ch;
      count++;
    }
  }
}

function stopStep(stop: Peek): Step {
  return stop === 'need' ? NEED : NONE;
}

/** `<@U123>`, `<@U123|name>`, `<!here>`, `<!channel|x>`, `<!subteam^S1|@team>` → "@⁠name". */
function matchMentionToken(text: string, at: number, final: boolean): Step {
  const r = new UnitReader(text, at, final);
  const lt = r.peek();
  if (typeof lt === 'string' || lt.ch !== '<') return NONE;
  r.take(lt);
  const sigil = r.peek();
  if (typeof sigil === 'string') return stopStep(sigil);
  r.take(sigil);
  if (sigil.ch === '@') {
    const id = r.run((ch) => ASCII_ALNUM.test(ch), MAX_ID);
    if (id.stop === 'need') return NEED;
    if (id.text === '') return NONE;
    return finishToken(r, id.raw);
  }
  if (sigil.ch !== '!') return NONE;
  const word = r.run((ch) => ASCII_LETTER.test(ch), 16);
  if (word.stop === 'need') return NEED;
  const keyword = word.text.toLowerCase();
  if (BROADCAST_TOKENS.has(keyword)) return finishToken(r, word.raw);
  if (keyword !== 'subteam') return NONE;
  const caret = r.peek();
  if (typeof caret === 'string') return stopStep(caret);
  if (caret.ch !== '^') return NONE;
  r.take(caret);
  const id = r.run((ch) => ASCII_ALNUM.test(ch), MAX_ID);
  if (id.stop === 'need') return NEED;
  if (id.text === '') return NONE;
  return finishToken(r, id.raw);
}

function finishToken(r: UnitReader, fallback: string): Step {
  const next = r.peek();
  if (typeof next === 'string') return stopStep(next);
  r.take(next);
  if (next.ch === '>') return { kind: 'match', end: r.pos, out: `@${WJ}${fallback}` };
  if (next.ch !== '|') return NONE;
  const label = r.run((ch) => ch !== '<' && ch !== '>' && ch !== '\n' && ch !== '\r', MAX_LABEL);
  if (typeof label.stop === 'string') return stopStep(label.stop);
  if (label.stop.ch !== '>') return NONE;
  r.take(label.stop);
  const shown = labelText(label.raw);
  // The closing joiner keeps the label's tail (say "@her" or "&l") from fusing with the text after ">".
  const out = shown === '' ? `@${WJ}${fallback}` : `@${WJ}${shown}${WJ}`;
  return { kind: 'match', end: r.pos, out };
}

/** The label without its leading "@" (we add our own), itself defanged. */
function labelText(raw: string): string {
  const r = new UnitReader(raw, 0, true);
  for (;;) {
    const unit = r.peek();
    if (typeof unit === 'string' || (unit.ch !== '@' && unit.ch.trim() !== '')) break;
    r.take(unit);
  }
  return neutraliseMentions(raw.slice(r.pos).trimEnd());
}

/** Any other `<!x` or `<@x` gets a joiner after "<", so no variant Slack may know of can ping. */
function matchAngleSigil(text: string, at: number, final: boolean): Step {
  const r = new UnitReader(text, at, final);
  const lt = r.peek();
  if (typeof lt === 'string' || lt.ch !== '<') return NONE;
  r.take(lt);
  const afterLt = r.pos;
  const broken: Step = { kind: 'match', end: afterLt, out: `${text.slice(at, afterLt)}${WJ}` };
  const sigil = r.peek();
  if (typeof sigil === 'string') return stopStep(sigil);
  if (sigil.ch !== '@' && sigil.ch !== '!') return NONE;
  r.take(sigil);
  const first = r.peek();
  if (typeof first === 'string') return stopStep(first);
  if (sigil.ch === '@') return ASCII_ALNUM.test(first.ch) ? broken : NONE;
  if (!ASCII_ALNUM.test(first.ch) && first.ch !== '^') return NONE;
  // `<!DOCTYPE html>` is common in code samples and cannot ping: leave it byte-for-byte intact.
  const doctype = 'doctype';
  for (let k = 0; k < doctype.length; k++) {
    const unit = r.peek();
    if (unit === 'need') return NEED;
    if (unit === 'end' || unit.ch.toLowerCase() !== doctype.charAt(k)) return broken;
    r.take(unit);
  }
  return NONE;
}

/** Bare "@here", "@channel", "@everyone" (any case) not followed by a word character. */
function matchBroadcastWord(text: string, at: number, final: boolean): Step {
  const r = new UnitReader(text, at, final);
  const sign = r.peek();
  if (typeof sign === 'string' || sign.ch !== '@') return NONE;
  r.take(sign);
  const afterSign = r.pos;
  let word = '';
  for (;;) {
    const unit = r.peek();
    if (unit === 'need') return NEED;
    if (unit === 'end' || !WORD_CHAR.test(unit.ch)) break;
    word += unit.ch.toLowerCase();
    if (!BROADCAST_WORDS.some((w) => w.startsWith(word))) return NONE;
    r.take(unit);
  }
  if (!BROADCAST_WORDS.includes(word)) return NONE;
  return { kind: 'match', end: afterSign, out: `${text.slice(at, afterSign)}${WJ}` };
}

/**
 * Defangs mentions from the start of `text`. Without `final` it stops at the first place where what
 * follows could still change the outcome, and reports how much it consumed: resuming there later with
 * more text gives exactly what one pass over the whole text would.
 */
function scanMentions(text: string, final: boolean): { out: string; consumed: number } {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c !== '<' && c !== '@' && c !== '&' && c !== '\\') {
      i++;
      continue;
    }
    const unit = unitAt(text, i, final);
    if (unit === null) break;
    let step: Step = NONE;
    if (unit.ch === '<') {
      step = matchMentionToken(text, i, final);
      if (step.kind === 'none') step = matchAngleSigil(text, i, final);
    } else if (unit.ch === '@') {
      step = matchBroadcastWord(text, i, final);
    }
    if (step.kind === 'need') break;
    if (step.kind === 'match') {
      out += text.slice(copied, i) + step.out;
      i = step.end;
      copied = i;
    } else {
      i += unit.len;
    }
  }
  return { out: out + text.slice(copied, i), consumed: i };
}

/**
 * Defang everything that could notify people: <!channel>, <!here>, <!everyone>, <!subteam^ID> and
 * <!subteam^ID|@name>, user mentions <@U…>/<@W…> (with or without |label), and bare @channel / @here /
 * @everyone words. The result reads naturally (e.g. "@here" with an invisible U+2060 word joiner after
 * the @, or the label of a subteam) but cannot ping. Applies everywhere, also inside code. Idempotent.
 */
export function neutraliseMentions(text: string): string {
  return scanMentions(text, true).out;
}

function createMentionStream(): { push(chunk: string): string; end(): string } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk;
      const { out, consumed } = scanMentions(pending, false);
      pending = pending.slice(consumed);
      return out;
    },
    end() {
      const out = scanMentions(pending, true).out;
      pending = '';
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Fences
// ---------------------------------------------------------------------------------------------------

interface Fence {
  char: '`' | '~';
  len: number;
  info: string;
}

// Any indentation is accepted: models indent fences inside list items, and a stray indented code
// block that starts with ``` is far rarer than that.
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;

function fenceOpener(line: string): Fence | null {
  const m = FENCE_OPEN.exec(line);
  const marker = m?.[1];
  if (!m || marker === undefined) return null;
  const rest = m[2] ?? '';
  const char = marker.charAt(0) === '`' ? '`' : '~';
  if (char === '`' && rest.includes('`')) return null;
  return { char, len: marker.length, info: rest.trim() };
}

function closesFence(line: string, fence: Fence): boolean {
  const marker = FENCE_CLOSE.exec(line)?.[1];
  return marker !== undefined && marker.charAt(0) === fence.char && marker.length >= fence.len;
}

function advanceFence(fence: Fence | null, rawLine: string): Fence | null {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  if (fence) return closesFence(line, fence) ? null : fence;
  return fenceOpener(line);
}

/** Fence state after `text`, which starts at a line start with `fence` open; a last partial line counts. */
function fenceAfter(fence: Fence | null, text: string): Fence | null {
  let state = fence;
  for (const line of text.split('\n')) state = advanceFence(state, line);
  return state;
}

function fenceMarker(fence: Fence): string {
  return fence.char.repeat(fence.len);
}

/**
 * The code fence left open at the end of `markdown`, or null: used to close/reopen a fence when a
 * streamed message rolls over to a new Slack message.
 */
export function openFenceAt(markdown: string): { fence: string; info: string } | null {
  const fence = fenceAfter(null, markdown);
  return fence ? { fence: fenceMarker(fence), info: fence.info } : null;
}

// ---------------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------------

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

function isDelimiterRow(line: string, header: string): boolean {
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
function renderTable(lines: readonly string[]): string {
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

// ---------------------------------------------------------------------------------------------------
// Line structure (tables, task lists, thematic breaks, fences)
// ---------------------------------------------------------------------------------------------------

const RULE = '─'.repeat(16);

type LineStart =
  | { kind: 'need' }
  | { kind: 'prose' }
  | { kind: 'pipe' }
  | { kind: 'rule' }
  | { kind: 'task'; len: number; out: string };

const LS_NEED: LineStart = { kind: 'need' };
const LS_PROSE: LineStart = { kind: 'prose' };

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t';
}

/** Decides what a line outside a fence is, from as few of its characters as possible. */
function classifyLineStart(s: string, final: boolean, afterParagraph: boolean): LineStart {
  const undecided = final ? LS_PROSE : LS_NEED;
  let i = 0;
  while (i < s.length && isBlank(s.charAt(i))) i++;
  if (i >= s.length) return undecided;
  const c = s.charAt(i);
  if (c === '\n') return LS_PROSE;
  if (i <= 3 && c === '|') return { kind: 'pipe' };
  // "---" under a paragraph underlines a heading, which Slack does render.
  if (i <= 3 && (c === '*' || c === '_' || (c === '-' && !afterParagraph))) {
    const rule = thematicBreak(s, i, c, final);
    if (rule !== 'no') return rule === 'yes' ? { kind: 'rule' } : LS_NEED;
  }
  return taskItem(s, i, final);
}

function thematicBreak(s: string, from: number, marker: string, final: boolean): 'yes' | 'no' | 'need' {
  let count = 0;
  let j = from;
  for (; j < s.length; j++) {
    const c = s.charAt(j);
    if (c === '\n') break;
    if (c === marker) count++;
    else if (!isBlank(c)) return 'no';
  }
  if (j >= s.length && !final) return 'need';
  return count >= 3 ? 'yes' : 'no';
}

function taskItem(s: string, from: number, final: boolean): LineStart {
  const undecided = final ? LS_PROSE : LS_NEED;
  let j = from;
  const c = s.charAt(j);
  if (c === '-' || c === '*' || c === '+') {
    j++;
  } else if (isDigit(c)) {
    while (j < s.length && j - from < 9 && isDigit(s.charAt(j))) j++;
    if (j >= s.length) return undecided;
    if (s.charAt(j) !== '.' && s.charAt(j) !== ')') return LS_PROSE;
    j++;
  } else {
    return LS_PROSE;
  }
  if (j >= s.length) return undecided;
  if (!isBlank(s.charAt(j))) return LS_PROSE;
  while (j < s.length && isBlank(s.charAt(j))) j++;
  const box = s.slice(j, j + 3);
  if (box.length < 3) return /^(?:\[[ xX]?)?$/.test(box) ? undecided : LS_PROSE;
  if (!/^\[[ xX]\]$/.test(box)) return LS_PROSE;
  const after = j + 3;
  if (after >= s.length) return final ? taskOut(s, j, after) : LS_NEED;
  const next = s.charAt(after);
  return isBlank(next) || next === '\n' ? taskOut(s, j, after) : LS_PROSE;
}

function taskOut(s: string, boxAt: number, after: number): LineStart {
  const checked = s.charAt(boxAt + 1) !== ' ';
  return { kind: 'task', len: after, out: s.slice(0, boxAt) + (checked ? '☑' : '☐') };
}

function nextLineIsPipe(s: string, final: boolean): 'need' | 'pipe' | 'other' {
  let i = 0;
  while (i < s.length && isBlank(s.charAt(i))) i++;
  if (i >= s.length) return final ? 'other' : 'need';
  return i <= 3 && s.charAt(i) === '|' ? 'pipe' : 'other';
}

const HEADING = /^[ \t]{0,3}#{1,6}(?:[ \t]|$)/;

/**
 * The line-structure half of the conversion, as a stream. Every decision is taken only once the text
 * that decides it has arrived, so the output never depends on how the input was split.
 */
function createStructureStream(): { push(delta: string): string; end(): string } {
  let pending = '';
  let heldCR = false;
  let fence: Fence | null = null;
  let line = '';
  let atLineStart = true;
  let afterParagraph = false;
  let held: string[] = [];
  let heldIsTable = false;
  let heldEndsLine = true;

  const takeLine = (final: boolean): { text: string; newline: boolean } | null => {
    const nl = pending.indexOf('\n');
    if (nl < 0) {
      if (!final) return null;
      const text = pending;
      pending = '';
      return { text, newline: false };
    }
    const text = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    return { text, newline: true };
  };

  const flushHeld = (): string => {
    const tail = heldEndsLine ? '\n' : '';
    const out = heldIsTable ? renderTable(held) + tail : (held[0] ?? '') + tail;
    afterParagraph = !heldIsTable;
    held = [];
    heldIsTable = false;
    atLineStart = true;
    return out;
  };

  const endLine = (text: string): void => {
    if (fence) {
      fence = advanceFence(fence, text);
      afterParagraph = false;
      return;
    }
    fence = advanceFence(null, text);
    afterParagraph = !fence && text.trim() !== '' && !HEADING.test(text);
  };

  const run = (final: boolean): string => {
    let out = '';
    for (;;) {
      if (atLineStart && held.length > 0) {
        const next = nextLineIsPipe(pending, final);
        if (next === 'need') break;
        if (next === 'other') {
          out += flushHeld();
          continue;
        }
        const taken = takeLine(final);
        if (!taken) break;
        if (heldIsTable) {
          held.push(taken.text);
        } else if (isDelimiterRow(taken.text, held[0] ?? '')) {
          held.push(taken.text);
          heldIsTable = true;
        } else {
          out += `${held[0] ?? ''}\n`;
          afterParagraph = true;
          held = [taken.text];
        }
        heldEndsLine = taken.newline;
        if (!taken.newline) out += flushHeld();
        continue;
      }
      if (pending === '') break;
      if (atLineStart) {
        if (fence) {
          atLineStart = false;
          continue;
        }
        const kind = classifyLineStart(pending, final, afterParagraph);
        if (kind.kind === 'need') break;
        if (kind.kind === 'pipe') {
          const taken = takeLine(final);
          if (!taken) break;
          held = [taken.text];
          heldIsTable = false;
          heldEndsLine = taken.newline;
          if (!taken.newline) out += flushHeld();
          continue;
        }
        if (kind.kind === 'rule') {
          const taken = takeLine(final);
          if (!taken) break;
          out += RULE + (taken.newline ? '\n' : '');
          afterParagraph = false;
          continue;
        }
        if (kind.kind === 'task') {
          out += kind.out;
          line = pending.slice(0, kind.len);
          pending = pending.slice(kind.len);
        }
        atLineStart = false;
        continue;
      }
      const nl = pending.indexOf('\n');
      if (nl < 0) {
        out += pending;
        line += pending;
        pending = '';
        break;
      }
      out += pending.slice(0, nl + 1);
      line += pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      endLine(line);
      line = '';
      atLineStart = true;
    }
    return out;
  };

  return {
    push(delta) {
      let s = (heldCR ? '\r' : '') + delta;
      heldCR = s.endsWith('\r');
      if (heldCR) s = s.slice(0, -1);
      pending += s.replace(/\r\n?/g, '\n');
      return run(false);
    },
    end() {
      if (heldCR) pending += '\n';
      heldCR = false;
      return run(true);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Conversion
// ---------------------------------------------------------------------------------------------------

/**
 * Incremental form for streaming: push raw model deltas as they arrive, get back text that is safe to
 * append to Slack right now; end() flushes the rest. concat(all push outputs, end()) ===
 * toSlackMarkdown(concat(all inputs)), however the input was split. Prose comes out at once; held back
 * are only a possibly-incomplete mention or character reference (e.g. a trailing "<!he", "@ev", "&l"),
 * the first few characters of a line until its kind is known ("1.", "- [", "--"), and pipe-table
 * lines until the line after them starts.
 */
export function createMarkdownStream(): { push(delta: string): string; end(): string } {
  const structure = createStructureStream();
  const mentions = createMentionStream();
  let ended = false;
  return {
    push(delta) {
      if (ended) throw new Error('createMarkdownStream: push() after end()');
      return mentions.push(structure.push(delta));
    },
    end() {
      if (ended) return '';
      ended = true;
      return mentions.push(structure.end()) + mentions.end();
    },
  };
}

/**
 * Whole-text conversion of model Markdown to what Slack's markdown rendering shows properly: GitHub-style
 * pipe tables (lines starting with "|") become a fenced code block with aligned columns; code fences are
 * kept with their info string; task boxes become ☐/☑; thematic breaks become a drawn line; CRLF becomes
 * LF; mentions are neutralised. `&`, `<`, `>` are deliberately not entity-escaped (see the file header).
 */
export function toSlackMarkdown(markdown: string): string {
  const stream = createMarkdownStream();
  return stream.push(markdown) + stream.end();
}

// ---------------------------------------------------------------------------------------------------
// Splitting
// ---------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------
// mrkdwn
// ---------------------------------------------------------------------------------------------------

/** Escape &, <, > for Slack's mrkdwn `text` fields (so user text cannot form links or mentions). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function quoteLines(text: string): string {
  return neutraliseMentions(text)
    .split('\n')
    .map((l) => `> ${escapeMrkdwn(l)}`)
    .join('\n');
}

/**
 * User text quoted for a mrkdwn message: each line prefixed with "> ", escaped with escapeMrkdwn,
 * mentions neutralised, cut to maxChars with an ellipsis "…" if longer. maxChars bounds the whole
 * result, prefixes and escapes included, so it can be used against Slack's field limits directly.
 */
export function quoteForSlack(text: string, maxChars: number): string {
  const normalised = text.replace(/\r\n?/g, '\n');
  const full = quoteLines(normalised);
  if (full.length <= maxChars) return full;
  if (maxChars < 3) return '…'.slice(0, Math.max(0, maxChars));
  const chars = Array.from(normalised);
  const fits = (n: number) => quoteLines(chars.slice(0, n).join('').trimEnd()).length + 1 <= maxChars;
  // Escaping and joiners make the length grow with the prefix almost monotonically; search, then settle.
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && !fits(lo)) lo--;
  return `${quoteLines(chars.slice(0, lo).join('').trimEnd())}…`;
}
