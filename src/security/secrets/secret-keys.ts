// Which key names (`password`, `API_KEY`, `clientSecret`...) name a secret, and how strongly.

import type { RedactionKind } from './rule.js';

export interface KeyInfo {
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

export function classifyKey(rawKey: string): KeyInfo | undefined {
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
