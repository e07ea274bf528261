import { createHmac } from 'node:crypto';
import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { hasValidSlackSignature, type SignedRequest } from '../../../src/http/slack-signature.js';

// The worked example of Slack's "Verifying requests from Slack" page (a slash command's body).
const vector = {
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&' +
    'channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&' +
    'response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&' +
    'trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

function request(overrides: Partial<SignedRequest> = {}): SignedRequest {
  return {
    signingSecret: vector.signingSecret,
    timestamp: vector.timestamp,
    signature: vector.signature,
    body: Buffer.from(vector.body),
    nowMs: Number(vector.timestamp) * 1000 + 30_000,
    ...overrides,
  };
}

describe('Slack request signatures', () => {
  it('accepts Slack’s own worked example', () => {
    expect(hasValidSlackSignature(request())).toBe(true);
  });

  it('accepts a body that is not ASCII, signed over its UTF-8 bytes', () => {
    const body = Buffer.from('{"text":"héllo 📋 — ok"}');
    const signature = `v0=${createHmac('sha256', 's3cret').update(`v0:${vector.timestamp}:`).update(body).digest('hex')}`;
    expect(hasValidSlackSignature(request({ signingSecret: 's3cret', body, signature }))).toBe(true);
  });

  it.each([
    ['another secret', { signingSecret: 'not-the-secret' }],
    ['an empty secret', { signingSecret: '' }],
    ['one changed body byte', { body: Buffer.from(vector.body.replace('foobar', 'foobaz')) }],
    ['a body with a byte added', { body: Buffer.from(`${vector.body} `) }],
    ['another timestamp in the signed string', { timestamp: String(Number(vector.timestamp) + 1) }],
    ['an unknown signature version', { signature: vector.signature.replace('v0=', 'v1=') }],
    ['a truncated signature', { signature: vector.signature.slice(0, -2) }],
    ['a signature with something after it', { signature: `${vector.signature}=00` }],
    ['an upper-case hex signature', { signature: vector.signature.toUpperCase().replace('V0=', 'v0=') }],
    ['no signature', { signature: '' }],
    ['no timestamp', { timestamp: '' }],
    ['a timestamp that is not a number', { timestamp: '1531420618abc' }],
    ['a request signed six minutes ago', { nowMs: (Number(vector.timestamp) + 6 * 60) * 1000 }],
  ])('refuses %s', (_name, overrides) => {
    expect(hasValidSlackSignature(request(overrides))).toBe(false);
  });

  it('accepts a request signed just under five minutes ago, and one from a clock ahead of ours (as Bolt does)', () => {
    const at = Number(vector.timestamp) * 1000;
    expect(hasValidSlackSignature(request({ nowMs: at + 299_000 }))).toBe(true);
    expect(hasValidSlackSignature(request({ nowMs: at - 10 * 60_000 }))).toBe(true);
  });
});

describe('Slack request signatures, against Bolt’s verifySlackRequest', () => {
  const boltAccepts = (r: SignedRequest) => {
    try {
      verifySlackRequest({
        signingSecret: r.signingSecret,
        body: r.body.toString('utf8'),
        headers: { 'x-slack-signature': r.signature, 'x-slack-request-timestamp': Number(r.timestamp) },
        nowMilliseconds: r.nowMs,
      });
      return true;
    } catch {
      return false;
    }
  };
  const at = Number(vector.timestamp) * 1000;

  it.each([
    ['Slack’s example', {}],
    ['another secret', { signingSecret: 'not-the-secret' }],
    ['a changed body', { body: Buffer.from(vector.body.replace('foobar', 'foobaz')) }],
    ['a changed timestamp', { timestamp: String(Number(vector.timestamp) + 1) }],
    ['version v1', { signature: vector.signature.replace('v0=', 'v1=') }],
    ['a truncated signature', { signature: vector.signature.slice(0, -2) }],
    ['upper-case hex', { signature: vector.signature.toUpperCase().replace('V0=', 'v0=') }],
    ['no signature', { signature: '' }],
    ['4 minutes 59 old', { nowMs: at + 299_000 }],
    ['5 minutes 1 old', { nowMs: at + 301_000 }],
    ['an hour old', { nowMs: at + 3_600_000 }],
    ['10 minutes ahead of our clock', { nowMs: at - 600_000 }],
  ])('decides %s as Bolt does', (_name, overrides) => {
    expect(hasValidSlackSignature(request(overrides))).toBe(boltAccepts(request(overrides)));
  });

  it('is stricter than Bolt in one place: nothing may follow the hash', () => {
    const trailing = request({ signature: `${vector.signature}=00` });
    expect(boltAccepts(trailing)).toBe(true);
    expect(hasValidSlackSignature(trailing)).toBe(false);
  });
});
