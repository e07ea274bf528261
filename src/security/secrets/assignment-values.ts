// Reading the value after a secret-named key: quoted strings, annotations, and where an unquoted value ends.

const MAX_INLINE_VALUE = 512;
const MAX_LINE_VALUE = 2048;
const MAX_QUOTE_ESCAPES = 32;

/** How to read an unquoted value, from the syntax around the key. */
export type ValueMode =
  /** `KEY=value` at the start of a line: a shell/.env literal up to whitespace. */
  | 'env'
  /** `key: value` at the start of a line (YAML, HTTP headers) or `key = value` (INI, Python): rest of the line. */
  | 'line'
  /** After `(`, `,`, `{` or a quoted key: Python/JS, where bare names are variables. */
  | 'code'
  /** `?token=...&`, `--password=...`, `host=db password=...`, prose: up to the next delimiter. */
  | 'inline';

export interface Value {
  start: number;
  end: number;
  text: string;
  quoted: boolean;
  fString: boolean;
  /** Read past the scan cap: classify on what was read, then extend to the real end when redacting. */
  capped: boolean;
}

export class QuoteIndex {
  private readonly next = new Map<string, Int32Array>();

  constructor(private readonly text: string) {}

  /** The first index >= `from` holding `ch`, or the text length: one backward pass per character, then O(1). */
  find(ch: string, from: number): number {
    let table = this.next.get(ch);
    if (table === undefined) {
      table = new Int32Array(this.text.length + 1);
      table[this.text.length] = this.text.length;
      for (let i = this.text.length - 1; i >= 0; i--) {
        table[i] = this.text.charAt(i) === ch ? i : (table[i + 1] ?? this.text.length);
      }
      this.next.set(ch, table);
    }
    return table[Math.min(from, this.text.length)] ?? this.text.length;
  }
}

export function skipBlanks(text: string, from: number): number {
  let at = from;
  const limit = Math.min(text.length, from + 16);
  while (at < limit && (text.charAt(at) === ' ' || text.charAt(at) === '\t')) at++;
  return at;
}

/** Keyword arguments and dict entries: `f(password=pw)`, `{..., token: t}`. */
export function precededByCode(text: string, keyIndex: number): boolean {
  let at = keyIndex - 1;
  const limit = Math.max(0, keyIndex - 8);
  while (at >= limit && (text.charAt(at) === ' ' || text.charAt(at) === '\t')) at--;
  const ch = text.charAt(at);
  return ch === '(' || ch === ',' || ch === '{';
}

const TYPE_NAMES: ReadonlySet<string> = new Set([
  'str',
  'bytes',
  'int',
  'float',
  'bool',
  'dict',
  'list',
  'tuple',
  'set',
  'frozenset',
  'object',
  'Any',
  'None',
  'Optional',
  'Union',
  'Annotated',
  'Literal',
  'ClassVar',
  'Final',
  'Sequence',
  'Mapping',
  'Dict',
  'List',
  'Tuple',
  'Set',
  'Type',
  'string',
  'number',
  'boolean',
  'UUID',
  'Json',
]);

/** Builtins, or CamelCase class names (`SecretStr`, `HTTPAuthorizationCredentials`) unlike random letter strings. */
function isTypeName(identifier: string): boolean {
  const name = identifier.slice(identifier.lastIndexOf('.') + 1);
  if (TYPE_NAMES.has(name)) return true;
  if (!/^[A-Z][A-Za-z]{1,39}$/.test(name) || !/[a-z]/.test(name)) return false;
  const capitals = name.replace(/[^A-Z]/g, '').length;
  return capitals >= 2 && capitals / name.length <= 0.4;
}

/**
 * After `key:`, a Python annotation: `str`, `SecretStr`, `str | None`, `Optional[str]`. Returns 'only' for an
 * annotation without a value, the index after `=` when one follows, or 'none' when this is not an annotation.
 */
export function parseAnnotation(text: string, from: number): number | 'only' | 'none' {
  let at = from;
  for (let member = 0; member < 4; member++) {
    const identifierEnd = scanIdentifier(text, at);
    if (identifierEnd === at || !isTypeName(text.slice(at, identifierEnd))) return 'none';
    at = identifierEnd;
    if (text.charAt(at) === '[') {
      let depth = 0;
      const limit = Math.min(text.length, at + 256);
      for (; at < limit; at++) {
        const ch = text.charAt(at);
        if (ch === '\n') return 'none';
        if (ch === '[') depth++;
        else if (ch === ']' && --depth === 0) break;
      }
      if (depth !== 0) return 'none';
      at++;
    }
    at = skipBlanks(text, at);
    if (text.charAt(at) !== '|') break;
    at = skipBlanks(text, at + 1);
  }
  if (text.charAt(at) === '=' && text.charAt(at + 1) !== '=') return at + 1;
  if (at >= text.length || '\r\n,);#'.includes(text.charAt(at))) return 'only';
  return 'none';
}

function scanIdentifier(text: string, from: number): number {
  let at = from;
  const limit = Math.min(text.length, from + 64);
  if (!/[A-Za-z_]/.test(text.charAt(at))) return from;
  while (at < limit && /[\w.]/.test(text.charAt(at))) at++;
  return at;
}

export function readValue(
  text: string,
  from: number,
  mode: ValueMode,
  query: boolean,
  quotes: QuoteIndex,
): Value | undefined {
  // String prefixes: b"...", r'...', f"...".
  let at = from;
  const prefix = /^[rRbBuUfF]{1,2}(?=["'`])/.exec(text.slice(at, at + 3));
  if (prefix !== null) at += prefix[0].length;
  const quote = text.charAt(at);
  if (quote === '"' || quote === "'" || quote === '`') {
    if (text.charAt(at + 1) === quote) return undefined; // "" is empty, """ opens a docstring
    const close = findClosingQuote(text, at + 1, quote, quotes);
    if (close === undefined) return undefined;
    return {
      start: at + 1,
      end: close,
      text: text.slice(at + 1, close),
      quoted: true,
      fString: prefix !== null && /[fF]/.test(prefix[0]),
      capped: false,
    };
  }
  // Slack's escaping of `<placeholder>`, shell substitutions and structures: references, however long.
  if (text.startsWith('&lt;', at) || /^(?:\$[({]|[{[(<])/.test(text.slice(at, at + 2))) return undefined;
  const stop = stopFor(mode, query);
  const cap = mode === 'line' ? MAX_LINE_VALUE : MAX_INLINE_VALUE;
  const limit = Math.min(text.length, at + cap);
  let end = at;
  while (end < limit && !stop(text.charAt(end))) end++;
  const capped = end === limit && limit < text.length;
  let raw = text.slice(at, end);
  if (mode === 'line') {
    // A comment after the value (`password: x  # prod`) is not part of it.
    const comment = /[ \t]#/.exec(raw);
    if (comment !== null) raw = raw.slice(0, comment.index);
    raw = raw.replace(/[ \t\r]+$/, '');
    end = at + raw.length;
  }
  return { start: at, end, text: raw, quoted: false, fString: false, capped };
}

function stopFor(mode: ValueMode, query: boolean): (ch: string) => boolean {
  if (mode === 'line') return (ch) => ch === '\n';
  if (mode === 'env') return (ch) => /\s/.test(ch);
  return (ch) => /[\s"'`,;)}<>|]/.test(ch) || (query && ch === '&');
}

/** The closing quote on the same line, skipping backslash escapes; undefined when the string is not closed. */
function findClosingQuote(text: string, from: number, quote: string, quotes: QuoteIndex): number | undefined {
  const lineEnd = quotes.find('\n', from);
  let close = quotes.find(quote, from);
  for (let escapes = 0; close < lineEnd && escapes < MAX_QUOTE_ESCAPES; escapes++) {
    let backslashes = 0;
    while (text.charAt(close - 1 - backslashes) === '\\') backslashes++;
    if (backslashes % 2 === 0) return close;
    close = quotes.find(quote, close + 1);
  }
  return undefined;
}
