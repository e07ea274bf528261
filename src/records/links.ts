import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Capability links for record pages: whoever holds the link may read the record, nobody else can
 * make one. The link carries an HMAC of (kind, id) so the server needs no table of issued links.
 */
export type RecordKind = 'phr' | 'adr' | 'adrs';

export const RECORD_KINDS: readonly RecordKind[] = ['phr', 'adr', 'adrs'];

/** HMAC-SHA256 keys shorter than the hash output weaken it; refuse them rather than sign weakly. */
export const MIN_SECRET_BYTES = 32;

/** Length of an unpadded base64url SHA-256 digest. */
const SIGNATURE_LENGTH = 43;

export function isRecordKind(value: string): value is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(value);
}

/** Throws when the secret is too short to sign with; call once at start-up to fail early. */
export function assertRecordSecret(secret: Buffer): void {
  if (!Buffer.isBuffer(secret) || secret.length < MIN_SECRET_BYTES) {
    throw new RangeError(`the record link secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
}

/** base64url HMAC-SHA256 over `${kind}:${id}` with the secret (full 43 chars). */
export function signRecord(secret: Buffer, kind: RecordKind, id: string): string {
  assertRecordSecret(secret);
  // Kinds never contain ':', so `${kind}:${id}` cannot be read two ways.
  return createHmac('sha256', secret).update(`${kind}:${id}`, 'utf8').digest('base64url');
}

/**
 * Constant-time check; false for missing, truncated, padded, differently-cased or otherwise wrong
 * signatures.
 */
export function verifyRecord(
  secret: Buffer,
  kind: RecordKind,
  id: string,
  sig: string | undefined | null,
): boolean {
  const expected = Buffer.from(signRecord(secret, kind, id), 'ascii');
  if (typeof sig !== 'string') return false;
  // Compare the text, not decoded bytes: base64url decoders accept padding, stray characters and
  // non-canonical final characters, and every such variant must fail.
  const given = Buffer.from(sig, 'utf8');
  if (given.length !== SIGNATURE_LENGTH) return false;
  return timingSafeEqual(given, expected);
}

/** `${publicBaseUrl}/records/${kind}/${encodeURIComponent(id)}?sig=...` */
export function recordUrl(publicBaseUrl: string, secret: Buffer, kind: RecordKind, id: string): string {
  if (id === '' || id.endsWith('.md')) {
    // The page handler reads a trailing `.md` as "download the markdown", so such ids are unreachable.
    throw new RangeError('a record id must be non-empty and must not end with ".md"');
  }
  const base = publicBaseUrl.replace(/\/+$/, '');
  return `${base}/records/${kind}/${encodeURIComponent(id)}?sig=${signRecord(secret, kind, id)}`;
}

/**
 * A fresh unguessable public id for a record: 16 random bytes, base64url (22 chars). Record ids in
 * URLs are these, never sequence numbers, so they cannot be enumerated. `random` is for tests.
 */
export function newPublicId(random: (size: number) => Buffer = randomBytes): string {
  return random(16).toString('base64url');
}
