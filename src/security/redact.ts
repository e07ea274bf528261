/**
 * Redaction of secrets pasted into Slack, applied before text reaches the model, the conversation store or a
 * Prompt History Record. Only the secret part is replaced with `[REDACTED]`: user names, hosts, token prefixes,
 * key types and the surrounding quotes stay, so the model can still explain what is wrong with a connection string
 * or a header and code stays syntactically valid.
 *
 * Deliberately left alone, because they are not secrets and the model needs to see them:
 * - references and expressions: `os.environ[...]`, `os.getenv(...)`, `settings.X`, `${VAR}`, `$VAR`, `{{ var }}`,
 *   calls, attribute paths, file paths, Python variables passed as arguments (`password=password`);
 * - placeholders: empty values, `<your-password>`, `***`, `xxxx`, `...`, `changeme`, `changethis`, `example`,
 *   `your-...`, `...-here`, `string` (Swagger UI's sample body), `password`, `secret` and similar words;
 * - type annotations without a value (`password: str`), comparisons (`password == x`);
 * - identifiers that only look random: UUIDs, git shas, hashes outside a secret-named key, URLs without a password,
 *   Stripe publishable keys (`pk_live_...`).
 *
 * Not recognised, because nothing in the text marks them: secrets in plain prose ("my password is hunter2"),
 * `mysql -pSecret`, cookies and session ids, literals passed positionally (`SecretStr("...")`), and all but the
 * first word of an unquoted multi-word value.
 *
 * Every pattern is either anchored on a literal prefix with a bounded or deterministic quantifier, or scanned by
 * hand with a cap, so a hostile 100k-character message costs linear time.
 */

export interface Redaction {
  kind: string;
  count: number;
}

export interface RedactResult {
  text: string;
  redactions: Redaction[];
}

export const REDACTED = '[REDACTED]';

/** Every kind `redactSecrets` reports; `redactions` lists them in this order. */
export const REDACTION_KINDS = [
  'private-key',
  'database-url-password',
  'url-password',
  'slack-webhook-url',
  'slack-token',
  'anthropic-api-key',
  'openai-api-key',
  'github-token',
  'stripe-secret-key',
  'stripe-webhook-secret',
  'google-api-key',
  'aws-access-key-id',
  'aws-secret-access-key',
  'azure-storage-account-key',
  'azure-shared-access-key',
  'jwt',
  'bearer-token',
  'basic-auth',
  'authorization-header',
  'gcp-private-key-id',
  'secret-assignment',
  'redaction-failed',
] as const;

export type RedactionKind = (typeof REDACTION_KINDS)[number];

interface Edit {
  start: number;
  end: number;
  replacement: string;
  kinds: readonly RedactionKind[];
}

type Rule = (text: string) => Edit[];

/**
 * Passes over the rule list. One pass almost always suffices; the cap bounds the work if a rule's output ever
 * hands an earlier rule a new match.
 */
const MAX_PASSES = 3;

/** Replaces secrets in `text`; idempotent (redacting twice changes nothing more); never throws; linear time. */
export function redactSecrets(text: string): RedactResult {
  if (typeof text !== 'string') return { text: '', redactions: [] };
  const counts = new Map<RedactionKind, number>();
  try {
    let current = text;
    // A rule can uncover a match for an earlier rule (rare); repeating until nothing changes is what makes a
    // second call a no-op. Each pass is linear, and the pass count is fixed.
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let changed = false;
      for (const rule of RULES) {
        const edits = rule(current);
        if (edits.length === 0) continue;
        current = applyEdits(current, edits, counts);
        changed = true;
      }
      if (!changed) break;
    }
    return { text: current, redactions: toRedactions(counts) };
  } catch {
    // A bug here must not leak what it failed to look at: fail closed and say so.
    return { text: REDACTED, redactions: [{ kind: 'redaction-failed', count: 1 }] };
  }
}

function applyEdits(text: string, edits: Edit[], counts: Map<RedactionKind, number>): string {
  let out = '';
  let cursor = 0;
  for (const edit of edits) {
    out += text.slice(cursor, edit.start) + edit.replacement;
    cursor = edit.end;
    for (const kind of edit.kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return out + text.slice(cursor);
}

function toRedactions(counts: Map<RedactionKind, number>): Redaction[] {
  return REDACTION_KINDS.filter((kind) => counts.has(kind)).map((kind) => ({
    kind,
    count: counts.get(kind) ?? 0,
  }));
}

/**
 * Runs a global regex over `text` and collects the edits `onMatch` proposes. Edits never overlap: the next search
 * starts after the last edit, which also keeps the total work linear when `onMatch` consumes past its match.
 */
function collect(text: string, re: RegExp, onMatch: (m: RegExpExecArray) => Edit | undefined): Edit[] {
  const edits: Edit[] = [];
  let cursor = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    const edit = onMatch(m);
    if (edit === undefined || edit.start < cursor || edit.end < edit.start) continue;
    edits.push(edit);
    cursor = edit.end;
    if (re.lastIndex < edit.end) re.lastIndex = edit.end;
  }
  return edits;
}

/** An edit replacing the last `body.length` characters of match `m` (the secret after a kept prefix). */
function tailEdit(m: RegExpExecArray, body: string, kind: RedactionKind): Edit {
  const end = m.index + m[0].length;
  return { start: end - body.length, end, replacement: REDACTED, kinds: [kind] };
}

// ---------------------------------------------------------------------------------------------------------------
// Placeholders and references: values that are not secrets.

/** Compared after lowercasing and dropping everything but letters and digits. */
const PLACEHOLDER_WORDS: ReadonlySet<string> = new Set([
  'changeme',
  'changethis',
  'changeit',
  'example',
  'sample',
  'placeholder',
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'mysecret',
  'mypassword',
  'string',
  'token',
  'apikey',
  'key',
  'dummy',
  'fake',
  'test',
  'redacted',
  'hidden',
  'replaceme',
  'todo',
  'tbd',
  'none',
  'null',
  'nil',
  'undefined',
  'foo',
  'bar',
  'foobar',
  'value',
]);

const PLACEHOLDER_PREFIXES = ['your', 'example', 'insert', 'replace', 'dummy', 'placeholder', 'changeme'];

/** Templating and shell syntax that names a value kept elsewhere. */
const TEMPLATE_RE =
  /^(?:<[^<>]*>|&lt;[\s\S]*&gt;|\{[\s\S]*\}|\[[\s\S]*\]|\$\{[\s\S]*\}|\$\([\s\S]*\)|%\([\s\S]*\)[sdr]|%[A-Za-z_]\w*%|\$[A-Za-z_]\w*)$/;

/**
 * Masks and elisions: a whole value like `***` or `xxxx`, or inside one like `sk-...` or `ghp_xxxxxxxx`. Inside a
 * value an x-run must be long: four x's turn up in about one random 100-character token in ten thousand.
 */
const MASK_RE = /^[*.•…#_\sxX-]+$|\*{3}|\.{3}|…|[xX]{6}/;

function isPlaceholder(raw: string): boolean {
  const value = raw.trim();
  if (value === '' || value.includes(REDACTED)) return true;
  if (TEMPLATE_RE.test(value) || MASK_RE.test(value)) return true;
  const word = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (word === '' || PLACEHOLDER_WORDS.has(word) || word.endsWith('here')) return true;
  return PLACEHOLDER_PREFIXES.some((prefix) => word.startsWith(prefix));
}

const KEYWORDS: ReadonlySet<string> = new Set([
  'None',
  'True',
  'False',
  'null',
  'NULL',
  'Null',
  'true',
  'false',
  'nil',
  'undefined',
  'yes',
  'no',
  'on',
  'off',
  '~',
]);

const IDENTIFIER_RE = /^[A-Za-z_]\w*$/;
/** `os.environ["X"]`, `os.getenv("X")`, `Depends(get_password_hash)`, `settings.SECRET_KEY`, `form.password`. */
const EXPRESSION_RE = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\s*[([]|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/;
const PATH_RE = /^(?:~|\.{1,2})?\/[a-z_][\w.@-]*(?:\/[\w.@-]*)*$|^(?:~|\.{1,2})\/|^[A-Za-z]:\\/;
const URL_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** An unquoted value that is an expression, a structure or a pointer to a secret rather than a secret. */
function isReference(value: string, yaml: boolean): boolean {
  if (KEYWORDS.has(value) || EXPRESSION_RE.test(value) || PATH_RE.test(value) || URL_RE.test(value))
    return true;
  // JSON/YAML structures and block scalars (the secret, if any, is inside and gets its own key), and shell
  // substitutions, whose closing bracket may lie past where an unquoted value stops.
  if (/^[{[(<|>]|^\$[({]/.test(value)) return true;
  // YAML anchors, aliases and tags (`*defaults`, `!vault |`).
  return yaml && /^(?:[&*][\w-]+|!{1,2}[A-Za-z][\w-]*(?:\s|$))/.test(value);
}

function hasDigit(value: string): boolean {
  return /\d/.test(value);
}

/** For keys like `*_TOKEN` / `*_KEY` that name non-secrets too (`sort_key`, `max_token`): random-looking only. */
function looksRandom(value: string): boolean {
  if (/\s/.test(value)) return false;
  if (value.length >= 12 && hasDigit(value) && /[A-Za-z]/.test(value)) return true;
  return value.length >= 24 && /[a-z]/.test(value) && /[A-Z]/.test(value);
}

// ---------------------------------------------------------------------------------------------------------------
// PEM private keys.

const PEM_LABEL = '((?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?)';
const PEM_BEGIN_RE = new RegExp(`-----BEGIN ${PEM_LABEL}-----`, 'g');
const PEM_END_RE = new RegExp(`-----END ${PEM_LABEL}-----`, 'g');
/** Longer than any real key (an RSA-4096 PEM is about 3.3k characters, a PGP block a few more). */
const PEM_MAX_BODY = 16_384;

/** Whole blocks become `-----BEGIN <type>-----\n[REDACTED]\n-----END <type>-----`; a truncated paste loses its body. */
const pemRule: Rule = (text) => {
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

// ---------------------------------------------------------------------------------------------------------------
// URLs with a password in the user info.

const URL_SCHEME_RE = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,31}):\/\//g;
/** Characters that end an authority, including Slack's `<url|label>` wrapping and JSON escapes. */
const AUTHORITY_STOPS = new Set([...' \t\r\n/?#"\'`<>|\\']);
const MAX_AUTHORITY = 2048;
/** Connection strings for databases, caches and brokers; the `+driver` suffix (SQLAlchemy) is ignored. */
const DATABASE_SCHEMES: ReadonlySet<string> = new Set([
  'postgres',
  'postgresql',
  'pgsql',
  'psql',
  'mysql',
  'mariadb',
  'mssql',
  'sqlserver',
  'oracle',
  'cockroachdb',
  'clickhouse',
  'mongodb',
  'couchdb',
  'cassandra',
  'neo4j',
  'bolt',
  'redis',
  'rediss',
  'valkey',
  'memcached',
  'amqp',
  'amqps',
  'nats',
  'kafka',
  'elasticsearch',
]);

/** `postgresql://app:s3cret@db/prod` -> `postgresql://app:[REDACTED]@db/prod`; user, host and path stay. */
const urlPasswordRule: Rule = (text) =>
  collect(text, URL_SCHEME_RE, (m) => {
    const start = m.index + m[0].length;
    const limit = Math.min(text.length, start + MAX_AUTHORITY);
    let end = start;
    while (end < limit && !AUTHORITY_STOPS.has(text.charAt(end))) end++;
    const authority = text.slice(start, end);
    // The last `@` ends the user info, so an unencoded `@` in a password (`p@ss@host`) is still covered.
    const at = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    if (at === -1 || colon === -1 || colon > at) return undefined;
    if (isPlaceholder(authority.slice(colon + 1, at))) return undefined;
    const scheme = (m[1] ?? '').toLowerCase().split('+')[0] ?? '';
    const kind = DATABASE_SCHEMES.has(scheme) ? 'database-url-password' : 'url-password';
    return { start: start + colon + 1, end: start + at, replacement: REDACTED, kinds: [kind] };
  });

// ---------------------------------------------------------------------------------------------------------------
// Tokens recognised by their format. The vendor prefix stays: it says what kind of credential was pasted.

const SLACK_WEBHOOK_RE =
  /hooks\.slack\.com\/(?:services|workflows|triggers)\/(?:[A-Za-z0-9]{1,32}\/){1,4}([A-Za-z0-9]{8,})(?![A-Za-z0-9/[])/g;

/** Team and channel ids stay; the last path segment is the secret. */
const slackWebhookRule: Rule = (text) =>
  collect(text, SLACK_WEBHOOK_RE, (m) => {
    const secret = m[1] ?? '';
    return isPlaceholder(secret) ? undefined : tailEdit(m, secret, 'slack-webhook-url');
  });

interface PrefixedToken {
  re: RegExp;
  kind: (prefix: string) => RedactionKind;
  /** Extra shape check for formats whose prefix alone is too common. */
  accept?: (body: string) => boolean;
}

const PREFIXED_TOKENS: readonly PrefixedToken[] = [
  {
    // xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxo-, xoxe- (refresh), xoxe.xoxp- (rotating), xapp- (app-level).
    re: /(?<![A-Za-z0-9_-])((?:xoxe\.)?xox[abposre]-|xapp-)([A-Za-z0-9-]{8,})/g,
    kind: () => 'slack-token',
  },
  {
    // sk-ant-api03-..., sk-ant-admin01-...: the key class stays, it tells an admin key from an API key.
    re: /(?<![A-Za-z0-9_-])(sk-ant-(?:[a-z]{2,10}\d{2}-)?)([A-Za-z0-9_-]{8,})/g,
    kind: () => 'anthropic-api-key',
  },
  {
    re: /(?<![A-Za-z0-9_-])(sk-(?:proj-|svcacct-|admin-|None-)?)([A-Za-z0-9_-]{20,})/g,
    kind: () => 'openai-api-key',
    // Hyphenated prose ("sk-learn-based-pipeline-thing") has no digits; real keys always do.
    accept: (body) => hasDigit(body) && !body.startsWith('ant-'),
  },
  {
    re: /(?<![A-Za-z0-9_])(github_pat_|gh[pousr]_)([A-Za-z0-9_]{20,})/g,
    kind: () => 'github-token',
  },
  {
    re: /(?<![A-Za-z0-9_])((?:sk|rk)_(?:live|test)_|whsec_)([A-Za-z0-9]{10,})/g,
    kind: (prefix) => (prefix === 'whsec_' ? 'stripe-webhook-secret' : 'stripe-secret-key'),
  },
  {
    re: /(?<![A-Za-z0-9_-])(AIza)([A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/g,
    kind: () => 'google-api-key',
  },
];

const prefixedTokenRules: Rule[] = PREFIXED_TOKENS.map(
  (token): Rule =>
    (text) =>
      collect(text, token.re, (m) => {
        const body = m[2] ?? '';
        if (isPlaceholder(body) || (token.accept && !token.accept(body))) return undefined;
        return tailEdit(m, body, token.kind(m[1] ?? ''));
      }),
);

// AWS: the key id, and a secret access key on the same line after it (CSV exports, `aws configure` pastes).
const AWS_KEY_ID_RE = /(?<![A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const AWS_SECRET_RE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/;
/** How far after a key id a secret is looked for; keeps the search bounded on one huge line. */
const AWS_SECRET_WINDOW = 200;

const awsKeyRule: Rule = (text) =>
  collect(text, AWS_KEY_ID_RE, (m) => {
    const prefix = m[1] ?? 'AKIA';
    const idEnd = m.index + m[0].length;
    let windowEnd = idEnd;
    const limit = Math.min(text.length, idEnd + AWS_SECRET_WINDOW);
    while (windowEnd < limit && text.charAt(windowEnd) !== '\n') windowEnd++;
    const window = text.slice(idEnd, windowEnd);
    const secret = AWS_SECRET_RE.exec(window);
    // Mixed case tells a base64 secret from a 40-character hex sha on the same line.
    if (secret === null || !/[a-z]/.test(secret[0]) || !/[A-Z]/.test(secret[0])) {
      return {
        start: m.index,
        end: idEnd,
        replacement: `${prefix}${REDACTED}`,
        kinds: ['aws-access-key-id'],
      };
    }
    const between = window.slice(0, secret.index);
    return {
      start: m.index,
      end: idEnd + secret.index + secret[0].length,
      replacement: `${prefix}${REDACTED}${between}${REDACTED}`,
      kinds: ['aws-access-key-id', 'aws-secret-access-key'],
    };
  });

/** Azure storage and Service Bus connection strings: `AccountKey=...;` / `SharedAccessKey=...;`. */
const AZURE_KEY_RE = /(?<![A-Za-z0-9])(AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{16,}={0,2})/g;

const azureKeyRule: Rule = (text) =>
  collect(text, AZURE_KEY_RE, (m) => {
    const kind = m[1] === 'AccountKey' ? 'azure-storage-account-key' : 'azure-shared-access-key';
    return tailEdit(m, m[2] ?? '', kind);
  });

/** Header, payload and signature; the header (algorithm and type) stays because answers about JWTs need it. */
const JWT_RE = /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{5,})\.(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)/g;

const jwtRule: Rule = (text) => collect(text, JWT_RE, (m) => tailEdit(m, m[2] ?? '', 'jwt'));

// ---------------------------------------------------------------------------------------------------------------
// Authorization headers.

/** The lookahead refuses a token that runs into `[REDACTED]` (a JWT header or vendor prefix already handled). */
const BEARER_RE =
  /(?<![A-Za-z0-9_])(?:Bearer|bearer|BEARER)[ \t]{1,4}([A-Za-z0-9._~+/-]{8,}={0,3})(?![\w.~+/=[-])/g;

const bearerRule: Rule = (text) =>
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
const basicAuthRule: Rule = (text) =>
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

const authTupleRule: Rule = (text) =>
  collect(text, AUTH_TUPLE_RE, (m) => {
    const password = m[3] ?? '';
    if (isPlaceholder(password)) return undefined;
    const end = m.index + m[0].length - 1;
    return { start: end - password.length, end, replacement: REDACTED, kinds: ['basic-auth'] };
  });

/** `curl -u user:pass` / `--user user:pass`; only on a curl/wget/httpie line, since `docker run -u 1000:1000` is not. */
const USER_FLAG_RE = /(?<![\w-])(?:-u|--user)(?:[ \t]+|=)(["']?)[^\s:"']{1,256}:([^\s"']{1,512})\1/g;
const HTTP_CLIENT_RE = /\b(?:curl|wget|https?)\b/;

const userFlagRule: Rule = (text) =>
  collect(text, USER_FLAG_RE, (m) => {
    // The command line, joining `\`-continued lines: long curl commands put `-u` on a line of its own.
    const before = text.slice(Math.max(0, m.index - 512), m.index).replace(/\\\r?\n/g, ' ');
    if (!HTTP_CLIENT_RE.test(before.slice(before.lastIndexOf('\n') + 1))) return undefined;
    const password = m[2] ?? '';
    if (isPlaceholder(password)) return undefined;
    const end = m.index + m[0].length - (m[1] ?? '').length;
    return { start: end - password.length, end, replacement: REDACTED, kinds: ['basic-auth'] };
  });

// ---------------------------------------------------------------------------------------------------------------
// key = value, key: value, "key": "value", key="value" where the key names a secret.

interface KeyInfo {
  /** Strong keys redact any literal; weak keys (`*_token`, `*_key`) only random-looking literals. */
  strong: boolean;
  kind: RedactionKind;
}

const STRONG_NAMES: ReadonlySet<string> = new Set([
  'pwd',
  'auth',
  'token',
  'credentials',
  'credential',
  'signature',
  'sig',
  'private_key_id',
  'authorization',
  'proxy_authorization',
]);

/** Matched as the whole name or after `_`: `api_key`, `x_api_key`, `stripe_api_key`. */
const STRONG_SUFFIXES = [
  'pwd',
  'pass',
  'credentials',
  'api_key',
  'apikey',
  'secret_key',
  'private_key',
  'access_key',
  'master_key',
  'encryption_key',
  'signing_key',
  'account_key',
  'subscription_key',
  'access_token',
  'refresh_token',
  'auth_token',
  'api_token',
  'session_token',
  'id_token',
  'bearer_token',
];

/** Matched anywhere at the end, because these words are glued on too: `PGPASSWORD`, `clientsecret`. */
const STRONG_ENDINGS = ['password', 'passwd', 'passphrase', 'secret'];

/** Every secret name contains one of these; checking first keeps ordinary `key: value` text cheap. */
const SECRET_WORD_RE = /pass|pwd|secret|token|key|auth|credential|sig/i;

function classifyKey(rawKey: string): KeyInfo | undefined {
  if (!SECRET_WORD_RE.test(rawKey)) return undefined;
  const last = rawKey.slice(rawKey.lastIndexOf('.') + 1);
  const name = last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/-/g, '_');
  const strong =
    STRONG_NAMES.has(name) ||
    STRONG_ENDINGS.some((ending) => name.endsWith(ending)) ||
    STRONG_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`_${suffix}`));
  const weak = name.endsWith('token') || name.endsWith('_key');
  if (!strong && !weak) return undefined;
  let kind: RedactionKind = 'secret-assignment';
  if (name.endsWith('secret_access_key') || name === 'aws_secret_key') kind = 'aws-secret-access-key';
  else if (name === 'private_key_id') kind = 'gcp-private-key-id';
  else if (name.endsWith('account_key')) kind = 'azure-storage-account-key';
  else if (name === 'authorization' || name === 'proxy_authorization') kind = 'authorization-header';
  return { strong, kind };
}

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
const MAX_INLINE_VALUE = 512;
const MAX_LINE_VALUE = 2048;
const MAX_QUOTE_ESCAPES = 32;

/** How to read an unquoted value, from the syntax around the key. */
type ValueMode =
  /** `KEY=value` at the start of a line: a shell/.env literal up to whitespace. */
  | 'env'
  /** `key: value` at the start of a line (YAML, HTTP headers) or `key = value` (INI, Python): rest of the line. */
  | 'line'
  /** After `(`, `,`, `{` or a quoted key: Python/JS, where bare names are variables. */
  | 'code'
  /** `?token=...&`, `--password=...`, `host=db password=...`, prose: up to the next delimiter. */
  | 'inline';

interface Value {
  start: number;
  end: number;
  text: string;
  quoted: boolean;
  fString: boolean;
  /** Read past the scan cap: classify on what was read, then extend to the real end when redacting. */
  capped: boolean;
}

class QuoteIndex {
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

const keyValueRule: Rule = (text) => {
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

function skipBlanks(text: string, from: number): number {
  let at = from;
  const limit = Math.min(text.length, from + 16);
  while (at < limit && (text.charAt(at) === ' ' || text.charAt(at) === '\t')) at++;
  return at;
}

/** Keyword arguments and dict entries: `f(password=pw)`, `{..., token: t}`. */
function precededByCode(text: string, keyIndex: number): boolean {
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
function parseAnnotation(text: string, from: number): number | 'only' | 'none' {
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

function readValue(
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

// ---------------------------------------------------------------------------------------------------------------

/**
 * Order matters: block and format rules run before the header and key=value rules, so a secret is reported under
 * its most specific kind and the later rules see `[REDACTED]` (which they leave alone) instead of the value.
 */
const RULES: readonly Rule[] = [
  pemRule,
  urlPasswordRule,
  slackWebhookRule,
  ...prefixedTokenRules,
  awsKeyRule,
  azureKeyRule,
  jwtRule,
  bearerRule,
  basicAuthRule,
  authTupleRule,
  userFlagRule,
  keyValueRule,
];
