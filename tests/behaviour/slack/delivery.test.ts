import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import { appMentionEnvelope, nextTs } from '../../helpers/slack-requests.js';

function threadMessages(h: Awaited<ReturnType<typeof startHarness>>, thread: string) {
  return h.slack.messages('C0001', thread).filter((m) => m.user === 'UBOT');
}

async function ask(h: Awaited<ReturnType<typeof startHarness>>, text = '<@UBOT> question') {
  const ts = nextTs();
  await h.event(appMentionEnvelope({ text, ts }));
  return ts;
}

describe('delivering answers into the thread', () => {
  it('streams a long answer as several messages, each within Slack’s limit, losing nothing', async () => {
    const h = await startHarness();
    const paragraphs = Array.from({ length: 60 }, (_, i) => `Paragraph ${i}: ${'word '.repeat(90).trim()}.`);
    const answer = paragraphs.join('\n\n');
    const chunks = answer.match(/[\s\S]{1,500}/g) ?? [];
    h.anthropic.enqueue({ kind: 'text', text: chunks });
    const ts = await ask(h);
    await h.slack.waitFor(
      () =>
        h.anthropic.requests.length === 1 &&
        threadMessages(h, ts).every((m) => !m.streaming) &&
        threadMessages(h, ts).length >= 3 &&
        threadMessages(h, ts).at(-1)?.text.includes('Paragraph 59'),
    );

    const messages = threadMessages(h, ts);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    for (const message of messages) expect(message.text.length).toBeLessThanOrEqual(12_000);
    const words = (text: string) => text.split(/\s+/).filter(Boolean);
    expect(words(messages.map((m) => m.text).join('\n'))).toEqual(words(answer));
  });

  it('closes and reopens a code fence when a message rolls over inside it', async () => {
    const h = await startHarness();
    const code = Array.from({ length: 700 }, (_, i) => `    value_${i} = compute(${i})  # step`).join('\n');
    h.anthropic.enqueue({
      kind: 'text',
      text: `Here:\n\n\`\`\`python\n${code}\n\`\`\`\nDone.`.match(/[\s\S]{1,400}/g) ?? [],
    });
    const ts = await ask(h);
    await h.slack.waitFor(
      () =>
        threadMessages(h, ts).at(-1)?.text.includes('Done.') &&
        threadMessages(h, ts).every((m) => !m.streaming),
    );
    const messages = threadMessages(h, ts);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    for (const message of messages) {
      expect(message.text.length).toBeLessThanOrEqual(12_000);
      expect((message.text.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
    expect(messages[1]?.text.startsWith('```python\n')).toBe(true);
  });

  it('neutralises broadcast and group mentions written by the model', async () => {
    const h = await startHarness();
    h.anthropic.enqueue({
      kind: 'text',
      text: [
        'Heads up <!chan',
        'nel> and <!here> and <!everyone>, ',
        'ping <!subteam^S0123|@backend> and @here now.',
      ],
    });
    const ts = await ask(h);
    await h.slack.waitFor(() => threadMessages(h, ts)[0] && !threadMessages(h, ts)[0]?.streaming);
    const text = threadMessages(h, ts)[0]?.text ?? '';
    expect(text).not.toMatch(/<!(channel|here|everyone|subteam)/);
    expect(text).not.toMatch(/(^|\s)@(here|channel|everyone)\b/);
    expect(text).toContain('backend');
  });

  it('posts plainly with a markdown block when Slack refuses to stream', async () => {
    const h = await startHarness();
    h.slack.failNext('chat.startStream', { error: 'not_allowed_token_type' });
    h.anthropic.enqueue({ kind: 'text', text: ['First part. ', 'Second part.'] });
    const ts = await ask(h);
    await h.slack.waitFor(() => threadMessages(h, ts)[0]?.text.includes('Second part.'));
    const posted = h.slack.callsTo('chat.postMessage')[0];
    expect(posted?.args.thread_ts).toBe(ts);
    expect(posted?.args.blocks).toEqual([{ type: 'markdown', text: expect.stringContaining('First part.') }]);
  });

  it('continues in a new message when a stream stops accepting appends', async () => {
    const h = await startHarness();
    h.slack.failNext('chat.appendStream', { error: 'message_not_in_streaming_state' });
    h.anthropic.enqueue({ kind: 'text', text: ['Alpha. ', 'Beta. ', 'Gamma.'], tokenDelayMs: 5 });
    const ts = await ask(h);
    await h.slack.waitFor(() =>
      threadMessages(h, ts)
        .map((m) => m.text)
        .join(' ')
        .includes('Gamma.'),
    );
    const all = threadMessages(h, ts)
      .map((m) => m.text)
      .join(' ');
    expect(all).toContain('Alpha.');
    expect(all).toContain('Beta.');
  });

  it('waits out a Slack 429 and still delivers the answer', async () => {
    const h = await startHarness();
    h.slack.failNext('chat.startStream', { status: 429, retryAfter: 1 });
    h.anthropic.enqueue({ kind: 'text', text: 'Rate limits are fine.' });
    const ts = await ask(h);
    await h.slack.waitFor(() => threadMessages(h, ts)[0]?.text === 'Rate limits are fine.', {
      timeoutMs: 8_000,
    });
    const starts = h.slack.callsTo('chat.startStream');
    expect(starts.length).toBe(2);
    // The retry waited out Retry-After (1 s); a lower bound only, as timers may fire a millisecond early.
    expect((starts[1]?.at ?? 0) - (starts[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });
});
