// Secrets assigned to secret-named keys: `key = value`, `key: value`, `"key": "value"`, `key="value"`.

import {
  parseAnnotation,
  precededByCode,
  QuoteIndex,
  readValue,
  skipBlanks,
  type Value,
  type ValueMode,
} from './assignment-values.js';
import { IDENTIFIER_RE, isPlaceholder, isReference, looksRandom, URL_RE } from './placeholders.js';
import { collect, type Edit, REDACTED, type RedactionKind, type Rule } from './rule.js';
import { classifyKey, type KeyInfo } from './secret-keys.js';

/**
 * A key, optionally quoted or closing a subscript (`environ["API_KEY"] =`), then `=`, `:`, `:=` or `=>`.
 * `==` and `::` are comparisons and casts, not assignments.
 */
const KEY_RE =
  /(?<![A-Za-z0-9_])(["'`]?)([A-Za-z_][A-Za-z0-9_.-]{0,79})\1(\]?)([ \t]{0,8})(=>|:=|=|:)(?![=:])/g;

/** What a line may start with before an env/YAML/INI key: indentation, `export`, list bullets, quotes, fences. */
const LINE_PREFIX_RE =
  /^[ \t]*(?:(?:export|set|ENV|ARG|declare|readonly|local)[ \t]+|[-*•>#][ \t]*|`{1,3})?$/;
const MAX_LINE_PREFIX = 64;

export const keyValueRule: Rule = (text) => {
  const quotes = new QuoteIndex(text);
  let lineStart = 0;
  let scanned = 0;
  return collect(text, KEY_RE, (m) => {
    const key = classifyKey(m[2] ?? '');
    if (key === undefined) return undefined;
    // Track the current line start incrementally: matches only move forward, so this stays linear.
    for (; scanned < m.index; scanned++) if (text.charAt(scanned) === '\n') lineStart = scanned + 1;
    const keyQuoted = (m[1] ?? '') !== '';
    const sep = m[5] ?? '';
    const afterSep = m.index + m[0].length;
    const atLineStart =
      m.index - lineStart <= MAX_LINE_PREFIX && LINE_PREFIX_RE.test(text.slice(lineStart, m.index));

    let pos = skipBlanks(text, afterSep);
    let mode: ValueMode;
    let annotated = false;
    if (sep === ':') {
      const annotation = parseAnnotation(text, pos);
      if (annotation === 'only') return undefined;
      if (annotation !== 'none') {
        pos = skipBlanks(text, annotation);
        annotated = true;
      }
    }
    const spacedEquals = sep !== ':' && ((m[4] ?? '') !== '' || /[ \t]/.test(text.charAt(afterSep)));
    const before = text.charAt(m.index - 1);
    const query = before === '?' || before === '&' || text.endsWith('&amp;', m.index);
    if (annotated || keyQuoted || precededByCode(text, m.index)) mode = 'code';
    else if (atLineStart && sep === '=' && !spacedEquals) mode = 'env';
    else if (atLineStart) mode = 'line';
    else mode = 'inline';

    const value = readValue(text, pos, mode, query, quotes);
    if (value === undefined) return undefined;
    return decide(text, key, value, mode, sep, m[2] ?? '');
  });
};

function decide(
  text: string,
  key: KeyInfo,
  value: Value,
  mode: ValueMode,
  sep: string,
  rawKey: string,
): Edit | undefined {
  let candidate = value.text;
  let start = value.start;
  let end = value.end;
  let kind = key.kind;

  if (!value.quoted) {
    // A trailing comma makes the line a multi-line call or literal: `    password=password,`.
    const trailing = /[,;]+$/.exec(candidate);
    if (trailing !== null) {
      candidate = candidate.slice(0, trailing.index);
      end = start + candidate.length;
      if (mode !== 'inline' && candidate.length > 0 && trailing[0].startsWith(',')) mode = 'code';
    }
  }

  if (kind === 'authorization-header') {
    // Keep the scheme: `Authorization: Token abc` -> `Authorization: Token [REDACTED]`.
    const scheme = /^([A-Za-z][\w-]*)[ \t]+(?=\S)/.exec(candidate);
    if (scheme !== null) {
      start += scheme[0].length;
      candidate = candidate.slice(scheme[0].length);
      const name = (scheme[1] ?? '').toLowerCase();
      if (name === 'bearer') kind = 'bearer-token';
      else if (name === 'basic') kind = 'basic-auth';
    }
    if (value.fString && candidate.includes('{')) return undefined;
    // A lone scheme is prose or string building: "the Authorization: Bearer header", `"Basic " + creds`.
    if (/^(?:bearer|basic|token|digest|negotiate|ntlm|apikey|bot)$/i.test(candidate.trim())) return undefined;
    if (isPlaceholder(candidate) || (!value.quoted && isReference(candidate, false))) return undefined;
    if (/\s/.test(candidate.trim())) return undefined;
    return edit(start, end, kind, value, text);
  }

  let sentence = false;
  if (!value.quoted && /\s/.test(candidate)) {
    // Several words are a sentence ("Password: hunter2 is what I used") or an expression with operators, never a
    // YAML/INI secret in practice: judge only the first word, as strictly as an inline value.
    candidate = candidate.split(/\s/, 1)[0] ?? '';
    end = start + candidate.length;
    sentence = true;
  }
  if (isPlaceholder(candidate) || URL_RE.test(candidate)) return undefined;
  // Stripe publishable keys are public by design and appear next to `*_KEY` names in every Stripe setup.
  if (/^pk_(?:live|test)_/.test(candidate)) return undefined;
  if (value.quoted) {
    if (value.fString && candidate.includes('{')) return undefined;
  } else {
    if (isReference(candidate, sep === ':')) return undefined;
    if (candidate.toLowerCase() === rawKey.toLowerCase()) return undefined;
    if (mode === 'code' && IDENTIFIER_RE.test(candidate)) return undefined;
    // .env keys are UPPER_CASE; `    password=user_password` at the start of a line is the last kwarg of a call.
    const lowerKey = /[a-z]/.test(rawKey);
    if (mode === 'env' && lowerKey && IDENTIFIER_RE.test(candidate) && candidate.includes('_'))
      return undefined;
    // `password = new_password` (Python); INI values rarely contain underscores.
    if (mode === 'line' && sep !== ':' && IDENTIFIER_RE.test(candidate) && candidate.includes('_'))
      return undefined;
    // "the password: it must be 8 chars" is prose; inline literals after `:` and sentences must look like one.
    const strict = sentence || (mode === 'inline' && sep === ':');
    if (strict && !(candidate.length >= 6 && /[\d\W_]/.test(candidate))) return undefined;
  }
  if (!key.strong && !looksRandom(candidate)) return undefined;
  return edit(start, end, kind, value, text);
}

function edit(start: number, end: number, kind: RedactionKind, value: Value, text: string): Edit {
  let realEnd = end;
  if (value.capped) {
    while (realEnd < text.length && !/\s/.test(text.charAt(realEnd))) realEnd++;
  }
  return { start, end: realEnd, replacement: REDACTED, kinds: [kind] };
}
