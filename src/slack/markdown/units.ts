// Reading Markdown source unit by unit: characters, backslash escapes and character references.

/** One Markdown source unit: a character, a backslash escape or a character reference. */
export interface Unit {
  len: number;
  /** What the unit displays as once Markdown has decoded it. */
  ch: string;
}

export type Peek = Unit | 'end' | 'need';

export const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;
export const ASCII_ALNUM = /^[A-Za-z0-9]$/;
export const ASCII_LETTER = /^[A-Za-z]$/;

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

export function isDigit(c: string): boolean {
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
export function unitAt(text: string, i: number, final: boolean): Unit | null {
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

export class UnitReader {
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

export function isBlank(c: string): boolean {
  return c === ' ' || c === '\t';
}

/** Backslash escapes and character references resolved, as a renderer reads a destination or label. */
export function decodeMarkdown(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const unit = unitAt(s, i, true) ?? { len: 1, ch: s.charAt(i) };
    out += unit.ch;
    i += unit.len;
  }
  return out;
}
