// PEM private key blocks, whole or truncated.

import { collect, REDACTED, type Rule } from './rule.js';

const PEM_LABEL = '((?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?)';
const PEM_BEGIN_RE = new RegExp(`-----BEGIN ${PEM_LABEL}-----`, 'g');
const PEM_END_RE = new RegExp(`-----END ${PEM_LABEL}-----`, 'g');
/** Longer than any real key (an RSA-4096 PEM is about 3.3k characters, a PGP block a few more). */
const PEM_MAX_BODY = 16_384;

/** Whole blocks become `-----BEGIN <type>-----\n[REDACTED]\n-----END <type>-----`; a truncated paste loses its body. */
export const pemRule: Rule = (text) => {
  let nextEnd: { index: number; length: number; label: string } | null | undefined;
  return collect(text, PEM_BEGIN_RE, (m) => {
    const label = m[1] ?? 'PRIVATE KEY';
    const bodyStart = m.index + m[0].length;
    // One forward search serves every BEGIN before the END it found, so all BEGINs together scan the text once.
    if (nextEnd !== null && (nextEnd === undefined || nextEnd.index < bodyStart)) {
      PEM_END_RE.lastIndex = bodyStart;
      const end = PEM_END_RE.exec(text);
      nextEnd = end === null ? null : { index: end.index, length: end[0].length, label: end[1] ?? label };
    }
    const sep = pemSeparator(text, bodyStart);
    if (nextEnd && nextEnd.index - bodyStart <= PEM_MAX_BODY) {
      // Key material is long base64; `...`, `<key>` or an earlier `[REDACTED]` is not.
      if (!/[A-Za-z0-9+/=]{16}/.test(text.slice(bodyStart, nextEnd.index))) return undefined;
      const replacement = `-----BEGIN ${label}-----${sep}${REDACTED}${sep}-----END ${nextEnd.label}-----`;
      return { start: m.index, end: nextEnd.index + nextEnd.length, replacement, kinds: ['private-key'] };
    }
    const bodyEnd = truncatedPemBodyEnd(text, bodyStart);
    if (bodyEnd === bodyStart) return undefined;
    return {
      start: m.index,
      end: bodyEnd,
      replacement: `-----BEGIN ${label}-----${sep}${REDACTED}`,
      kinds: ['private-key'],
    };
  });
};

/** Keeps the line break style, including the `\n` escapes of a service-account JSON, so JSON stays valid. */
function pemSeparator(text: string, at: number): string {
  if (text.startsWith('\r\n', at)) return '\r\n';
  if (text.startsWith('\\n', at)) return '\\n';
  if (text.startsWith(' ', at)) return ' ';
  return '\n';
}

/** The end of the base64 lines (and encryption headers) after a BEGIN line with no END. */
function truncatedPemBodyEnd(text: string, from: number): number {
  let end = from;
  let at = from;
  while (at < text.length) {
    while (at < text.length && /[\r\n \t]/.test(text.charAt(at))) at++;
    if (text.startsWith('\\n', at)) {
      at += 2;
      continue;
    }
    if (text.startsWith('Proc-Type:', at) || text.startsWith('DEK-Info:', at)) {
      const lineEnd = text.indexOf('\n', at);
      at = lineEnd === -1 ? text.length : lineEnd;
      end = at;
      continue;
    }
    let tokenEnd = at;
    while (tokenEnd < text.length && /[A-Za-z0-9+/=]/.test(text.charAt(tokenEnd))) tokenEnd++;
    const token = text.slice(at, tokenEnd);
    // Short tokens are prose ("and then it fails"), except a padded last line.
    if (token.length < 16 && !(token.length >= 4 && token.endsWith('='))) break;
    end = tokenEnd;
    at = tokenEnd;
  }
  return end;
}
