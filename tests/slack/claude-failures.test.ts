import { describe, expect, it } from 'vitest';
import { startHarness } from '../helpers/bot-harness.js';
import type { Reply } from '../helpers/fake-anthropic.js';
import { appMentionEnvelope, nextTs } from '../helpers/slack-requests.js';

const cases: [string, Reply, RegExp][] = [
  ['a 429', { kind: 'error', status: 429, type: 'rate_limit_error' }, /rate-limiting/],
  ['a 529', { kind: 'error', status: 529, type: 'overloaded_error' }, /overloaded/],
  ['a 500', { kind: 'error', status: 500, type: 'api_error' }, /could not reach Claude/],
  ['a broken stream', { kind: 'cut', text: 'Partial answer' }, /connection to Claude broke/],
  ['an error event mid-stream', { kind: 'midstreamError', text: 'Partial answer' }, /overloaded|broke/],
];

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
});
