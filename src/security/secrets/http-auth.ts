// HTTP credentials: Bearer and Basic values, auth tuples in Python clients, and `curl -u user:pass`.

import { hasDigit, isPlaceholder } from './placeholders.js';
import { collect, REDACTED, type Rule, tailEdit } from './rule.js';

/** The lookahead refuses a token that runs into `[REDACTED]` (a JWT header or vendor prefix already handled). */
const BEARER_RE =
  /(?<![A-Za-z0-9_])(?:Bearer|bearer|BEARER)[ \t]{1,4}([A-Za-z0-9._~+/-]{8,}={0,3})(?![\w.~+/=[-])/g;

export const bearerRule: Rule = (text) =>
  collect(text, BEARER_RE, (m) => {
    // Trailing dots are the end of a sentence, not part of the token.
    const token = (m[1] ?? '').replace(/\.+$/, '');
    if (isPlaceholder(token) || /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(token)) return undefined;
    // "Bearer authentication" and "bearer tokens." are prose; tokens mix letters with digits or both cases.
    const tokenish =
      (hasDigit(token) && /[A-Za-z]/.test(token)) ||
      (token.length >= 20 && /[a-z]/.test(token) && /[A-Z]/.test(token));
    if (!tokenish) return undefined;
    const start = m.index + m[0].length - (m[1] ?? '').length;
    return { start, end: start + token.length, replacement: REDACTED, kinds: ['bearer-token'] };
  });

const BASIC_RE =
  /(?<![A-Za-z0-9_])(?:Basic|basic|BASIC)[ \t]{1,4}([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=[])/g;

/** Basic credentials always decode to `user:password`; checking that keeps "Basic authentication" intact. */
export const basicAuthRule: Rule = (text) =>
  collect(text, BASIC_RE, (m) => {
    const encoded = m[1] ?? '';
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1 || /[^\x20-\x7e\u00a0-\uffff]/.test(decoded)) return undefined;
    if (isPlaceholder(decoded.slice(colon + 1))) return undefined;
    return tailEdit(m, encoded, 'basic-auth');
  });

/** `auth=("user", "pass")` for requests/httpx, and `HTTPBasicAuth("user", "pass")`: the second string goes. */
const AUTH_TUPLE_RE =
  /(?<![A-Za-z0-9_])(?:auth[ \t]{0,4}=[ \t]{0,4}\(|HTTPBasicAuth\(|HTTPDigestAuth\(|BasicAuth\()[ \t]{0,4}(["'])[^"'\n]{0,256}\1[ \t]{0,4},[ \t]{0,4}(["'])([^"'\n]{1,512})\2/g;

export const authTupleRule: Rule = (text) =>
  collect(text, AUTH_TUPLE_RE, (m) => {
    const password = m[3] ?? '';
    if (isPlaceholder(password)) return undefined;
    const end = m.index + m[0].length - 1;
    return { start: end - password.length, end, replacement: REDACTED, kinds: ['basic-auth'] };
  });

/** `curl -u user:pass` / `--user user:pass`; only on a curl/wget/httpie line, since `docker run -u 1000:1000` is not. */
const USER_FLAG_RE = /(?<![\w-])(?:-u|--user)(?:[ \t]+|=)(["']?)[^\s:"']{1,256}:([^\s"']{1,512})\1/g;
const HTTP_CLIENT_RE = /\b(?:curl|wget|https?)\b/;

export const userFlagRule: Rule = (text) =>
  collect(text, USER_FLAG_RE, (m) => {
    // The command line, joining `\`-continued lines: long curl commands put `-u` on a line of its own.
    const before = text.slice(Math.max(0, m.index - 512), m.index).replace(/\\\r?\n/g, ' ');
    if (!HTTP_CLIENT_RE.test(before.slice(before.lastIndexOf('\n') + 1))) return undefined;
    const password = m[2] ?? '';
    if (isPlaceholder(password)) return undefined;
    const end = m.index + m[0].length - (m[1] ?? '').length;
    return { start: end - password.length, end, replacement: REDACTED, kinds: ['basic-auth'] };
  });
