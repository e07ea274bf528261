import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import type { Reply } from '../../helpers/fake-anthropic.js';
import { appMentionEnvelope, nextTs } from '../../helpers/slack-requests.js';

const cases: [string, Reply, RegExp][] = [
  ['a 429', { kind: 'error', status: 429, type: 'rate_limit_error' }, /rate-limiting/],
  ['a 529', { kind: 'error', status: 529, type: 'overloaded_error' }, /overloaded/],
  ['a 500', { kind: 'error', status: 500, type: 'api_error' }, /could not reach Claude/],
  ['a broken stream', { kind: 'cut', text: 'Partial answer' }, /connection to Claude broke/],
  ['an error event mid-stream', { kind: 'midstreamError', text: 'Partial answer' }, /overloaded|broke/],
];

describe('when Claude stops early', () => {
  it.each([
    ['max_tokens', /reached the length limit/],
    ['refusal', /Claude declined to answer this/],
  ])('ends an answer stopped by %s with one sentence saying so', async (stopReason, note) => {
    const h = await startHarness();
    h.anthropic.enqueue({ kind: 'text', text: 'The first part of an answer.', stopReason });
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> tell me', ts }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    const answer = h.slack.messages('C0001', ts).find((m) => m.text.includes('The first part'));
    expect(answer?.text).toMatch(note);
    expect(answer?.text.indexOf('The first part')).toBe(0);
  });
});

describe('when Claude fails', () => {
  it.each(cases)(
    'says so in one clear sentence after %s, and keeps answering',
    async (_name, failure, sentence) => {
      const h = await startHarness();
      h.anthropic.enqueue(failure, { kind: 'text', text: 'Back to normal.' });
      const ts = nextTs();
      await h.event(appMentionEnvelope({ text: '<@UBOT> will this fail?', ts }));
      const warning = await h.slack.waitFor(
        () => h.slack.messages('C0001', ts).find((m) => m.user === 'UBOT' && m.text.startsWith(':warning:')),
        { what: 'failure sentence' },
      );
      expect(warning.text).toMatch(sentence);
      expect(warning.text.split(/[.;]\s/).length).toBeLessThanOrEqual(3);
      expect(warning.text).not.toMatch(/Error:|at .*\.js|stack/);

      // A partial answer is never left looking complete.
      const partial = h.slack.messages('C0001', ts).find((m) => m.text.includes('Partial answer'));
      if (partial) expect(partial.text).toContain('answer cut off');

      const next = nextTs();
      await h.event(appMentionEnvelope({ text: '<@UBOT> and now?', ts: next }));
      await h.slack.waitFor(() => h.slack.messages('C0001', next).some((m) => m.text === 'Back to normal.'));
    },
  );

  it('retries a 529 before the first token when retries are configured', async () => {
    const h = await startHarness({ env: { CLAUDE_MAX_RETRIES: '2' } });
    h.anthropic.enqueue(
      { kind: 'error', status: 529, type: 'overloaded_error', retryAfter: 0 },
      { kind: 'text', text: 'Recovered.' },
    );
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> retry me', ts }));
    await h.slack.waitFor(() => h.slack.messages('C0001', ts).some((m) => m.text === 'Recovered.'));
    expect(h.anthropic.requests).toHaveLength(2);
  });

  it('gives up on a request that hangs after the per-attempt timeout and says so', async () => {
    const h = await startHarness({ env: { CLAUDE_TIMEOUT_MS: '1000' } });
    h.anthropic.enqueue({ kind: 'hang' });
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> hello?', ts }));
    const warning = await h.slack.waitFor(
      () => h.slack.messages('C0001', ts).find((m) => m.text.startsWith(':warning:')),
      { what: 'timeout sentence' },
    );
    expect(warning.text).toMatch(/took too long/);
  });

  it('says so when Claude refuses connections', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const h = await startHarness({ env: { ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` } });
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> anyone there?', ts }));
    const warning = await h.slack.waitFor(
      () => h.slack.messages('C0001', ts).find((m) => m.text.startsWith(':warning:')),
      { what: 'unavailable sentence' },
    );
    expect(warning.text).toMatch(/could not reach Claude/);
  });

  it('honours retry-after on a 429 and answers on the retry', async () => {
    const h = await startHarness({ env: { CLAUDE_MAX_RETRIES: '1' } });
    h.anthropic.enqueue(
      { kind: 'error', status: 429, type: 'rate_limit_error', retryAfter: 1 },
      { kind: 'text', text: 'After the wait.' },
    );
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> busy?', ts }));
    await h.slack.waitFor(() => h.slack.messages('C0001', ts).some((m) => m.text === 'After the wait.'), {
      timeoutMs: 8_000,
    });
    expect(h.anthropic.requests).toHaveLength(2);
  });

  it('stops calling a failing Claude for a while after five failures in a row', async () => {
    const h = await startHarness();
    for (let i = 0; i < 5; i++) h.anthropic.enqueue({ kind: 'error', status: 529, type: 'overloaded_error' });
    for (let i = 0; i < 5; i++) {
      const ts = nextTs();
      await h.event(appMentionEnvelope({ text: `<@UBOT> attempt ${i}`, ts }));
      await h.slack.waitFor(() => h.slack.messages('C0001', ts).find((m) => m.text.startsWith(':warning:')));
    }
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> and now?', ts }));
    const warning = await h.slack.waitFor(() =>
      h.slack.messages('C0001', ts).find((m) => m.text.startsWith(':warning:')),
    );
    expect(warning.text).toMatch(/failing for the last few minutes/);
    expect(h.anthropic.requests).toHaveLength(5);
    expect(h.logs.some((l) => l.msg === 'claude circuit open')).toBe(true);
  });
});
