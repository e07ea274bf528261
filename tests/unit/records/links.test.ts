import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newPublicId, recordUrl, signRecord, verifyRecord } from '../../../src/records/links.js';

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef', 'utf8');
const OTHER_SECRET = Buffer.from('fedcba9876543210fedcba9876543210', 'utf8');
const ID = 'q9Xr2bTz0mYc4LwP7sKdEa';

describe('signRecord', () => {
  it('is the base64url HMAC-SHA256 of "kind:id", all 43 characters', () => {
    const expected = createHmac('sha256', SECRET).update(`phr:${ID}`).digest('base64url');
    const sig = signRecord(SECRET, 'phr', ID);
    expect(sig).toBe(expected);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('differs by kind, id and secret', () => {
    const sig = signRecord(SECRET, 'phr', ID);
    expect(signRecord(SECRET, 'adr', ID)).not.toBe(sig);
    expect(signRecord(SECRET, 'phr', `${ID}x`)).not.toBe(sig);
    expect(signRecord(OTHER_SECRET, 'phr', ID)).not.toBe(sig);
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => signRecord(Buffer.alloc(31, 1), 'phr', ID)).toThrow(RangeError);
  });
});

describe('verifyRecord', () => {
  const sig = signRecord(SECRET, 'phr', ID);
  // A different but valid base64url character at the end keeps the length and alphabet.
  const lastSwapped = sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A');
  const caseFlipped = sig.replace(/[a-z]/, (c) => c.toUpperCase());

  it('accepts the signature it made', () => {
    expect(verifyRecord(SECRET, 'phr', ID, sig)).toBe(true);
  });

  it.each([
    ['missing (undefined)', undefined],
    ['missing (null)', null],
    ['empty', ''],
    ['truncated by one', sig.slice(0, -1)],
    ['truncated to half', sig.slice(0, 21)],
    ['padded with =', `${sig}=`],
    ['with an extra character', `${sig}A`],
    ['with a different last character', lastSwapped],
    ['differently cased', caseFlipped],
    ['in standard base64', Buffer.from(sig, 'base64url').toString('base64')],
    ['in hex', Buffer.from(sig, 'base64url').toString('hex')],
    ['with a multibyte character in place of one', `${sig.slice(0, -1)}é`],
  ])('rejects a signature that is %s', (_name, candidate) => {
    expect(verifyRecord(SECRET, 'phr', ID, candidate)).toBe(false);
  });

  it('rejects a signature for another kind, another id or another secret', () => {
    expect(verifyRecord(SECRET, 'adr', ID, sig)).toBe(false);
    expect(verifyRecord(SECRET, 'phr', 'another-id', sig)).toBe(false);
    expect(verifyRecord(OTHER_SECRET, 'phr', ID, sig)).toBe(false);
  });
});

describe('recordUrl', () => {
  it('is base/records/kind/id?sig=…', () => {
    expect(recordUrl('https://bot.example.com', SECRET, 'adr', ID)).toBe(
      `https://bot.example.com/records/adr/${ID}?sig=${signRecord(SECRET, 'adr', ID)}`,
    );
  });

  it('tolerates a trailing slash on the base and encodes the id', () => {
    const url = recordUrl('https://bot.example.com/', SECRET, 'phr', 'a/b c?');
    expect(url).toBe(
      `https://bot.example.com/records/phr/a%2Fb%20c%3F?sig=${signRecord(SECRET, 'phr', 'a/b c?')}`,
    );
  });

  it('refuses ids the page handler could not reach', () => {
    expect(() => recordUrl('https://x.test', SECRET, 'phr', '')).toThrow(RangeError);
    expect(() => recordUrl('https://x.test', SECRET, 'phr', 'notes.md')).toThrow(RangeError);
  });
});

describe('newPublicId', () => {
  it('is 16 random bytes in base64url', () => {
    const id = newPublicId(() => Buffer.alloc(16, 0xff));
    expect(id).toBe('_____________________w');
  });

  it('asks for 16 bytes and gives 22 URL-safe characters', () => {
    const sizes: number[] = [];
    const id = newPublicId((size) => {
      sizes.push(size);
      return Buffer.alloc(size, 7);
    });
    expect(sizes).toEqual([16]);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newPublicId()));
    expect(ids.size).toBe(1000);
  });
});
