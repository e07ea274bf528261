// Values that are not secrets: placeholders, masks, templates, references and other non-random text.

import { REDACTED } from './rule.js';

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

export function isPlaceholder(raw: string): boolean {
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

export const IDENTIFIER_RE = /^[A-Za-z_]\w*$/;
/** `os.environ["X"]`, `os.getenv("X")`, `Depends(get_password_hash)`, `settings.SECRET_KEY`, `form.password`. */
const EXPRESSION_RE = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\s*[([]|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/;
const PATH_RE = /^(?:~|\.{1,2})?\/[a-z_][\w.@-]*(?:\/[\w.@-]*)*$|^(?:~|\.{1,2})\/|^[A-Za-z]:\\/;
export const URL_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** An unquoted value that is an expression, a structure or a pointer to a secret rather than a secret. */
export function isReference(value: string, yaml: boolean): boolean {
  if (KEYWORDS.has(value) || EXPRESSION_RE.test(value) || PATH_RE.test(value) || URL_RE.test(value))
    return true;
  // JSON/YAML structures and block scalars (the secret, if any, is inside and gets its own key), and shell
  // substitutions, whose closing bracket may lie past where an unquoted value stops.
  if (/^[{[(<|>]|^\$[({]/.test(value)) return true;
  // YAML anchors, aliases and tags (`*defaults`, `!vault |`).
  return yaml && /^(?:[&*][\w-]+|!{1,2}[A-Za-z][\w-]*(?:\s|$))/.test(value);
}

export function hasDigit(value: string): boolean {
  return /\d/.test(value);
}

/** For keys like `*_TOKEN` / `*_KEY` that name non-secrets too (`sort_key`, `max_token`): random-looking only. */
export function looksRandom(value: string): boolean {
  if (/\s/.test(value)) return false;
  if (value.length >= 12 && hasDigit(value) && /[A-Za-z]/.test(value)) return true;
  return value.length >= 24 && /[a-z]/.test(value) && /[A-Z]/.test(value);
}
