import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import type { SlackFailure } from '../../helpers/fake-slack.js';
import { appMentionEnvelope, nextTs } from '../../helpers/slack-requests.js';

type H = Awaited<ReturnType<typeof startHarness>>;

async function ask(h: H, answer: string) {
  h.anthropic.enqueue({ kind: 'text', text: answer });
  const ts = nextTs();
  await h.event(appMentionEnvelope({ text: '<@UBOT> question', ts }));
  return ts;
}

const delivered = (h: H, ts: string, answer: string) =>
  h.slack.waitFor(
    () => h.slack.messages('C0001', ts).some((m) => m.user === 'UBOT' && m.text.includes(answer)),
    {
      what: `"${answer}" in the thread`,
      timeoutMs: 10_000,
    },
  );

/** chat.postMessage calls that carried the answer into the thread (not the record line after it). */
const answerPosts = (h: H, ts: string, answer: string) =>
  h.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === ts && String(c.args.text ?? '').includes(answer));

const botMessagesWith = (h: H, ts: string, answer: string) =>
  h.slack.messages('C0001', ts).filter((m) => m.user === 'UBOT' && m.text.includes(answer));

describe('when Slack misbehaves', () => {
  const streamRefusals: [string, SlackFailure, number][] = [
    ['500s beyond the retries', { status: 500 }, 3],
    ['msg_too_long', { error: 'msg_too_long' }, 1],
    ['invalid_blocks', { error: 'invalid_blocks' }, 1],
    ['a request that never answers', { hang: true }, 3],
  ];

  it.each(streamRefusals)(
    'posts the answer plainly when starting a stream fails with %s',
    async (_name, failure, times) => {
      const h = await startHarness();
      h.slack.failNext('chat.startStream', failure, times);
      const ts = await ask(h, 'Delivered anyway.');
      await delivered(h, ts, 'Delivered anyway.');
      // Every queued failure was met: the bot really tried to stream (and retried what is retryable)
      // before falling back, and did not try again after.
      expect(h.slack.callsTo('chat.startStream').filter((c) => c.args.thread_ts === ts)).toHaveLength(times);
      const posted = h.slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === ts);
      expect(posted?.args.blocks).toEqual([{ type: 'markdown', text: 'Delivered anyway.' }]);
    },
  );

  it('retries a 500 on a post and delivers it', async () => {
    const h = await startHarness();
    h.slack.failNext('chat.startStream', { error: 'not_allowed_token_type' });
    h.slack.failNext('chat.postMessage', { status: 500 });
    const ts = await ask(h, 'Second try.');
    await delivered(h, ts, 'Second try.');
    // The 500 was answered to the first post; the same post was sent again, and the answer is in the
    // thread once.
    const posts = answerPosts(h, ts, 'Second try.');
    expect(posts).toHaveLength(2);
    expect(posts[1]?.args).toEqual(posts[0]?.args);
    expect(botMessagesWith(h, ts, 'Second try.')).toHaveLength(1);
  });

  it('waits out a 429 on the plain post too', async () => {
    const h = await startHarness();
    h.slack.failNext('chat.startStream', { error: 'not_allowed_token_type' });
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const ts = await ask(h, 'Late but there.');
    await delivered(h, ts, 'Late but there.');
    // The first post got the 429; the retry came only after the Retry-After of 1 s had passed.
    const posts = answerPosts(h, ts, 'Late but there.');
    expect(posts).toHaveLength(2);
    expect(posts[1]?.args).toEqual(posts[0]?.args);
    // A lower bound only (timers may fire a millisecond or so early): the wait must not be skipped.
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
    expect(botMessagesWith(h, ts, 'Late but there.')).toHaveLength(1);
  });

  it('keeps the answer when stopping the stream fails', async () => {
    const h = await startHarness();
    h.slack.failNext('chat.stopStream', { error: 'message_not_in_streaming_state' });
    const ts = await ask(h, 'Still here.');
    await delivered(h, ts, 'Still here.');
    await h.slack.waitFor(() => h.logs.find((l) => l.msg === 'stopping the stream failed'));
  });

  it('logs an answer that cannot be posted at all, with its ids, and carries on', async () => {
    const h = await startHarness();
    h.slack.notInChannel.add('C0001');
    const ts = await ask(h, 'Nobody will see this.');
    const logged = await h.slack.waitFor(() => h.logs.find((l) => l.msg === 'answer not delivered'));
    expect(logged).toMatchObject({
      level: 'error',
      channel: 'C0001',
      slack_error: 'not_in_channel',
      team: 'T0001',
    });
    expect(h.slack.messages('C0001', ts).filter((m) => m.user === 'UBOT')).toHaveLength(0);

    h.slack.notInChannel.delete('C0001');
    const next = await ask(h, 'Back in.');
    await delivered(h, next, 'Back in.');
  });
});
