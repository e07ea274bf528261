import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import { FakeAnthropic } from '../../helpers/fake-anthropic.js';
import { appMentionEnvelope, messageEnvelope, nextTs } from '../../helpers/slack-requests.js';

/** The usage the bot logged for each answer, in order. */
function answeredUsage(logs: Record<string, unknown>[]) {
  return logs
    .filter((line) => line.msg === 'answered')
    .map((line) => ({
      input: line.input_tokens as number,
      read: line.cache_read_input_tokens as number,
      written: line.cache_creation_input_tokens as number,
    }));
}

describe('prompt caching', () => {
  it('reads the system prompt and the thread so far from the cache on every follow-up', async () => {
    // Sonnet's minimum cacheable prefix; the fake applies Anthropic's caching rules to each request.
    const anthropic = await FakeAnthropic.start({ promptCacheMinTokens: 1_024 });
    const h = await startHarness({ anthropic });
    const root = nextTs();
    const long = (topic: string) => `${topic}: ${'we run FastAPI behind nginx with Postgres. '.repeat(40)}`;
    // The PHR line follows the logged answer: once it is there, so is the answer's usage.
    const records = () => h.slack.messages('C0001', root).filter((m) => m.text.startsWith('PHR-')).length;
    await h.event(appMentionEnvelope({ text: `<@UBOT> ${long('pagination')}`, ts: root }));
    await h.slack.waitFor(() => records() === 1);
    for (const [index, topic] of ['sorting', 'filtering', 'caching'].entries()) {
      await h.event(messageEnvelope({ text: long(topic), ts: nextTs(), thread_ts: root }));
      await h.slack.waitFor(() => records() === index + 2);
    }

    const usage = answeredUsage(h.logs);
    expect(usage).toHaveLength(4);
    // The first question writes the cache (system prompt and question); nothing is there to read yet.
    expect(usage[0]?.read).toBe(0);
    expect(usage[0]?.written).toBeGreaterThan(1_024);
    for (let i = 1; i < usage.length; i++) {
      const previous = usage[i - 1];
      const current = usage[i];
      if (!previous || !current) throw new Error('missing usage');
      // Everything the previous request sent is now read from the cache ...
      expect(current.read).toBe(previous.read + previous.written + previous.input);
      // ... and only the previous answer and the new question are paid in full (written to the cache).
      expect(current.input).toBe(0);
    }
    const totalInput = usage.reduce((sum, u) => sum + u.input + u.read + u.written, 0);
    const totalRead = usage.reduce((sum, u) => sum + u.read, 0);
    expect(totalRead / totalInput).toBeGreaterThan(0.5);
  });
});
