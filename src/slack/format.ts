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
 * - Links in model output are untrusted: each keeps showing where it goes, and only http(s) and mailto
 *   links stay clickable (see "Links" below).
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
// Links
// ---------------------------------------------------------------------------------------------------

// Model output is untrusted (a thread can smuggle instructions into it), so a link must not claim to go
// somewhere it does not:
// - `[label](http(s)://…)` and `[label](mailto:…)` stay links, followed by the host they go to unless the
//   label already names exactly that host: `[the docs](https://evil.example/login) (evil.example)`.
// - Any other destination (`javascript:`, `data:`, `slack:`, `file:`, relative, unparsable) is written out:
//   its "]" is escaped, so the reader sees `[label](javascript:…)` as text.
// - `<https://x>` autolinks stay (they show their own address); `<x:…>` autolinks of other schemes,
//   Slack's `<url|label>` syntax and HTML `<a …>` get a joiner after "<", also when written `&lt;` or
//   `\<` (the mention rules' worst case: Slack might parse after decoding).
// - Reference definitions (`[1]: https://…`) get their "]" escaped: without them `[label][1]` is no link.
// Every "](" is looked at, wherever its "[" is: which "[" pairs with it does not matter for safety (a
// host after text that is no link is only noise), and text before it never has to be held back.
// Code is left alone: fences, and code spans whose closing backticks are on the same line. A backtick
// without a closer on its line leaves it unclear how later backticks of the paragraph pair up (CommonMark
// pairs across lines), so until the paragraph ends no later span counts as code; a link inside one then
// gets its host, which is harmless, where skipping it could let a live link through.

/** Schemes a link may keep; anything else is written out as text. */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto']);
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]{1,31}):/;
/** Joins a link and its host: splitting a long answer at spaces then never separates the two. */
const NBSP = '\u00a0';
const MAX_ANGLE = 2_048;
// Nesting CommonMark allows in a link destination.
const MAX_DEST_PARENS = 32;
// How far back a label is looked for; a longer one just gets its host shown.
const MAX_LINK_LABEL = 1_000;
const HOST_TOKEN = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const URL_IN_LABEL = /[a-z][a-z0-9+.-]*:\/\/[^\s<>()]+/g;

interface OpenSpan {
  /** Length of the opening backtick run. */
  len: number;
  /** Set when the run began the line with three or more backticks: a fence opener unless more follow. */
  opener: Fence | null;
  backtickAfter: boolean;
}

interface LinkState {
  /** Fence open as CommonMark sees it (openers indented at most 3 spaces); closers as everywhere here. */
  fence: Fence | null;
  /** The current line opens this fence once it ends. */
  openerLine: Fence | null;
  atLineStart: boolean;
  /** The current line inside a fence so far, to spot its closer. */
  fenceLine: string;
  lineBlank: boolean;
  /** An unmatched backtick earlier in this paragraph: no later code span counts as code. */
  tainted: boolean;
  /** A code span opened on this line whose closer has not been seen yet. */
  span: OpenSpan | null;
  /** Input of this paragraph so far (its last MAX_LINK_LABEL characters), to find a link's label in. */
  recent: string;
  recentCut: boolean;
}

function newLinkState(): LinkState {
  return {
    fence: null,
    openerLine: null,
    atLineStart: true,
    fenceLine: '',
    lineBlank: true,
    tainted: false,
    span: null,
    recent: '',
    recentCut: false,
  };
}

function runEnd(text: string, at: number, char: string): number {
  let j = at;
  while (j < text.length && text.charAt(j) === char) j++;
  return j;
}

/**
 * What becomes of the code span of `len` backticks open before `from`: the end of its closing run on this
 * line (-1 when there is none), and whether any backtick follows on the line.
 */
function spanFate(
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
function fenceStartAt(text: string, at: number, final: boolean): FenceStart {
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

interface LinkTail {
  dest: string;
  title: string;
  /** Just after the closing ")". */
  end: number;
}

/**
 * What follows a "]" at `at`: `(dest "title")` as CommonMark parses it, ":" of a reference definition,
 * or neither.
 */
function linkTailAt(text: string, at: number, final: boolean): 'need' | 'none' | 'definition' | LinkTail {
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

/** Backslash escapes and character references resolved, as a renderer reads a destination or label. */
function decodeMarkdown(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const unit = unitAt(s, i, true) ?? { len: 1, ch: s.charAt(i) };
    out += unit.ch;
    i += unit.len;
  }
  return out;
}

/** The hosts a link leads to, or null when it must not stay a link. */
function linkHosts(link: LinkTail): string[] | null {
  const inner = link.dest.startsWith('<') && link.dest.endsWith('>') ? link.dest.slice(1, -1) : link.dest;
  const decoded = decodeMarkdown(inner);
  // No URL holds a raw "<" or ">"; one here could only smuggle Slack's own `<url|label>` past the rules.
  if (/[<>]/.test(decoded + decodeMarkdown(link.title))) return null;
  // A named reference we do not decode could hide any character, "&colon;" included.
  if (/&[A-Za-z][A-Za-z0-9]*;/.test(decoded)) return null;
  const scheme = SCHEME.exec(decoded)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    try {
      const url = new URL(decoded);
      return url.protocol === `${scheme}:` && url.hostname !== '' ? [url.hostname] : null;
    } catch {
      return null;
    }
  }
  if (scheme !== 'mailto') return null;
  let addresses: string;
  try {
    addresses = decodeURIComponent(decoded.slice('mailto:'.length).split('?')[0] ?? '');
  } catch {
    return null;
  }
  const parts = addresses.split(',').map((a) => a.trim());
  const domains = parts.map((a) => (a.includes('@') ? a.slice(a.lastIndexOf('@') + 1).toLowerCase() : ''));
  return domains.includes('') ? null : [...new Set(domains)];
}

/** How a host is shown and compared: lower case, without a leading "www." or a trailing dot. */
function hostKey(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h.startsWith('www.') && h.length > 4 ? h.slice(4) : h;
}

/**
 * The label of the link whose "]" ends `recent`: back to the "[" that balances it. 'none' when the
 * paragraph has no such "[" (then there is no link); 'unsure' when a backtick could pair differently or
 * the "[" may be too far back: the host is shown then.
 */
function labelBefore(recent: string, cut: boolean): string | 'none' | 'unsure' {
  let depth = 0;
  for (let j = recent.length - 1; j >= 0; j--) {
    const c = recent.charAt(j);
    if (c === '`') return 'unsure';
    if (c !== '[' && c !== ']') continue;
    let slashes = 0;
    while (j - slashes - 1 >= 0 && recent.charAt(j - slashes - 1) === '\\') slashes++;
    if (cut && slashes === j) return 'unsure';
    if (slashes % 2 === 1) continue;
    if (c === ']') depth++;
    else if (depth === 0) return recent.slice(j + 1);
    else depth--;
  }
  return cut ? 'unsure' : 'none';
}

/**
 * Whether the label already tells where the link goes: it names the destination's hosts and no other
 * (`[https://good.example](https://evil.example)` names another, so it gets "(evil.example)").
 */
function labelShowsHosts(label: string, hosts: readonly string[]): boolean {
  const named: string[] = [];
  const rest = decodeMarkdown(label)
    .toLowerCase()
    .replace(URL_IN_LABEL, (url) => {
      try {
        named.push(new URL(url).hostname);
      } catch {
        named.push(url);
      }
      return ' ';
    });
  for (const m of rest.matchAll(HOST_TOKEN)) named.push(m[0]);
  const keys = new Set(hosts.map(hostKey));
  const namedKeys = new Set(named.map(hostKey));
  return (
    namedKeys.size > 0 && [...namedKeys].every((k) => keys.has(k)) && [...keys].every((k) => namedKeys.has(k))
  );
}

/** " (host)" in plain text; punycode hosts stay punycode, so a look-alike name shows as what it is. */
function hostNote(hosts: readonly string[]): string {
  const shown = hosts.map((h) => hostKey(h).replace(/[!-,/;-@[-`{-~]/g, '\\$&'));
  return `${NBSP}(${shown.join(', ')})`;
}

type AngleStep = 'need' | 'none' | 'inert' | { keep: number };

/** A "<" unit at `at`: an autolink to keep, something to make inert, or plain text. */
function angleAt(text: string, at: number, final: boolean): AngleStep {
  const r = new UnitReader(text, at, final);
  const lt = r.peek();
  if (typeof lt === 'string') return lt === 'need' ? 'need' : 'none';
  r.take(lt);
  const first = r.peek();
  if (first === 'need') return 'need';
  // Mentions are the mention rules' business; a joiner means this stage has been here already.
  if (first === 'end' || first.ch === '@' || first.ch === '!' || first.ch === WJ) return 'none';
  const target = r.run((ch) => !/[\s<>|]/u.test(ch), MAX_ANGLE);
  if (target.stop === 'need') return 'need';
  const stop = target.stop === 'end' ? '' : target.stop.ch;
  if (stop === '|') return target.text === '' ? 'none' : 'inert';
  if (/^a$/i.test(target.text) && (stop === '>' || /^\s$/u.test(stop))) return 'inert';
  const scheme = SCHEME.exec(target.text)?.[1]?.toLowerCase();
  if (scheme === undefined) return 'none';
  if (!LINK_SCHEMES.has(scheme)) return 'inert';
  // Only a literal "<…>" is an autolink; its content is not Markdown, so it is passed over whole.
  return lt.len === 1 && text.charAt(r.pos) === '>' ? { keep: r.pos + 1 } : 'none';
}

const LINK_RELEVANT = new Set([']', '<', '&', '\\']);

/**
 * Makes links safe from the start of `text`, continuing `st`. Without `final` it stops where what follows
 * could still change the outcome and reports how much it consumed; resuming there with more text gives
 * what one pass over the whole text would.
 */
function scanLinks(text: string, final: boolean, st: LinkState): { out: string; consumed: number } {
  let out = '';
  let i = 0;
  // Start of the input consumed but not yet added to st.recent.
  let mark = 0;
  const remember = () => {
    const recent = st.recent + text.slice(mark, i);
    st.recentCut ||= recent.length > MAX_LINK_LABEL;
    st.recent = recent.slice(-MAX_LINK_LABEL);
    mark = i;
  };
  const newParagraph = () => {
    st.tainted = false;
    st.recent = '';
    st.recentCut = false;
    mark = i;
  };
  const put = (s: string) => {
    out += s;
    if (/[^ \t]/.test(s)) st.lineBlank = false;
  };
  const endLine = () => {
    if (st.span) {
      // Unclosed on its line: a ``` line with no further backtick opens a fence, anything else is literal.
      if (st.span.opener && !st.span.backtickAfter) st.openerLine = st.span.opener;
      else st.tainted = true;
      st.span = null;
    }
    if (st.openerLine) {
      st.fence = st.openerLine;
      st.openerLine = null;
      newParagraph();
    } else if (st.lineBlank) {
      newParagraph();
    }
    st.atLineStart = true;
  };

  while (i < text.length) {
    if (st.fence) {
      const nl = text.indexOf('\n', i);
      const to = nl < 0 ? text.length : nl;
      st.fenceLine += text.slice(i, to);
      out += text.slice(i, nl < 0 ? to : to + 1);
      i = nl < 0 ? to : to + 1;
      st.atLineStart = nl >= 0;
      if (nl < 0) continue;
      if (closesFence(st.fenceLine, st.fence)) st.fence = null;
      st.fenceLine = '';
      newParagraph();
      continue;
    }
    if (st.atLineStart) {
      const start = fenceStartAt(text, i, final);
      if (start === 'need') break;
      st.atLineStart = false;
      st.lineBlank = true;
      if (start !== 'prose') {
        put(text.slice(i, start.end));
        i = start.end;
        if (start.fence.char === '~') st.openerLine = start.fence;
        else st.span = { len: start.fence.len, opener: start.fence, backtickAfter: false };
      }
      continue;
    }
    const c = text.charAt(i);
    if (c === '\n') {
      out += c;
      i++;
      endLine();
      continue;
    }
    if (st.openerLine) {
      // The rest of a ~~~ opener line: its info string, never rendered.
      const nl = text.indexOf('\n', i);
      const to = nl < 0 ? text.length : nl;
      put(text.slice(i, to));
      i = to;
      continue;
    }
    if (c === '`' && (st.span || !st.tainted)) {
      const end = runEnd(text, i, '`');
      if (end >= text.length && !final) break;
      put(text.slice(i, end));
      if (st.span) {
        st.span.backtickAfter = true;
        if (end - i === st.span.len) st.span = null;
      } else {
        st.span = { len: end - i, opener: null, backtickAfter: false };
      }
      i = end;
      continue;
    }
    if (st.span) {
      if (!LINK_RELEVANT.has(c)) {
        put(c);
        i++;
        continue;
      }
      // Code if the span closes on this line, text otherwise: only then is this character known.
      const fate = spanFate(text, i, st.span.len, final);
      if (fate === 'need') break;
      if (fate.closer >= 0 && !st.tainted) {
        put(text.slice(i, fate.closer));
        i = fate.closer;
        st.span = null;
      } else if (st.span.opener && !st.span.backtickAfter && !fate.backtick) {
        st.openerLine = st.span.opener;
        st.span = null;
      } else {
        st.span = null;
        st.tainted = true;
      }
      continue;
    }
    if (c === ']') {
      const tail = linkTailAt(text, i + 1, final);
      if (tail === 'need') break;
      const hosts = typeof tail === 'object' ? linkHosts(tail) : null;
      if (typeof tail !== 'object' || hosts === null) {
        // Escaped, a "]" ends no label and no reference definition; what follows is then plain text.
        put(tail === 'none' ? c : `\\${c}`);
        i++;
        continue;
      }
      remember();
      const label = labelBefore(st.recent, st.recentCut);
      const shown = label === 'none' || (label !== 'unsure' && labelShowsHosts(label, hosts));
      const note = shown ? '' : hostNote(hosts);
      put(text.slice(i, tail.end) + note);
      i = tail.end;
      continue;
    }
    if (c === '<' || c === '&' || c === '\\') {
      const unit = unitAt(text, i, final);
      if (unit === null) break;
      if (unit.ch !== '<') {
        put(text.slice(i, i + unit.len));
        i += unit.len;
        continue;
      }
      const step = angleAt(text, i, final);
      if (step === 'need') break;
      if (typeof step === 'object') {
        put(text.slice(i, step.keep));
        i = step.keep;
        continue;
      }
      put(text.slice(i, i + unit.len) + (step === 'inert' ? WJ : ''));
      i += unit.len;
      continue;
    }
    put(c);
    i++;
  }
  if (final && i >= text.length && (st.span || st.openerLine)) endLine();
  remember();
  return { out, consumed: i };
}

function createLinkStream(): { push(chunk: string): string; end(): string } {
  let pending = '';
  const state = newLinkState();
  return {
    push(chunk) {
      pending += chunk;
      const { out, consumed } = scanLinks(pending, false, state);
      pending = pending.slice(consumed);
      return out;
    },
    end() {
      const out = scanLinks(pending, true, state).out;
      pending = '';
      return out;
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
 * a link from its "]" to its ")" (or until it proves to be none, e.g. "[1]" then a space), a "<" until
 * its ">", a "]", "<", "&" or "\" inside a code span until the span closes or the line ends, a backtick
 * run until it ends, the first few characters of a line until its kind is known ("1.", "- [", "--",
 * "```"), and pipe-table lines until the line after them starts.
 */
export function createMarkdownStream(): { push(delta: string): string; end(): string } {
  const structure = createStructureStream();
  const links = createLinkStream();
  const mentions = createMentionStream();
  let ended = false;
  return {
    push(delta) {
      if (ended) throw new Error('createMarkdownStream: push() after end()');
      return mentions.push(links.push(structure.push(delta)));
    },
    end() {
      if (ended) return '';
      ended = true;
      return mentions.push(links.push(structure.end()) + links.end()) + mentions.end();
    },
  };
}

/**
 * Whole-text conversion of model Markdown to what Slack's markdown rendering shows properly: GitHub-style
 * pipe tables (lines starting with "|") become a fenced code block with aligned columns; code fences are
 * kept with their info string; task boxes become ☐/☑; thematic breaks become a drawn line; CRLF becomes
 * LF; links show their host and only http(s)/mailto ones stay links; mentions are neutralised. `&`, `<`,
 * `>` are deliberately not entity-escaped (see the file header).
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
