import { LogLevel, WebClient } from '@slack/web-api';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { type EndBlocks, SlackThreadWriter } from '../../../src/slack/thread-writer.js';
import { FakeSlack } from '../../helpers/fake-slack.js';

const TOKEN = 'xoxb-writer-test';

async function writerFor(options: { flushChars?: number; flushIntervalMs?: number; endBlocks?: EndBlocks }) {
  const slack = await FakeSlack.start({ token: TOKEN });
  onTestFinished(() => slack.close());
  const root = '1767400000.000100';
  slack.seedMessage({ channel: 'C0001', ts: root, user: 'U0001', text: 'a question' });
  const writer = new SlackThreadWriter({
    client: new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, logLevel: LogLevel.ERROR }),
    target: { channel: 'C0001', threadTs: root, recipientTeamId: 'T0001', recipientUserId: 'U0001' },
    logger: createLogger({ level: 'error', write: () => {} }),
    ...options,
  });
  return { slack, writer };
}

const streamed = (slack: FakeSlack) =>
  [...slack.callsTo('chat.startStream'), ...slack.callsTo('chat.appendStream')].map(
    (call) => call.args.markdown_text as string,
  );

describe('SlackThreadWriter pacing', () => {
  it('sends the first text at once, then waits to fill a batch of 256 characters', async () => {
    // A batch's time never comes in this test: only size and the end of the answer flush.
    const { slack, writer } = await writerFor({ flushChars: 256, flushIntervalMs: 600_000 });
    writer.write('Hello. ');
    await slack.waitFor(() => slack.callsTo('chat.startStream')[0]);
    // A model-like trickle: 25 characters every 40 ms, 21 times (525 characters, 500 characters a
    // second). The pauses are the model's pace, not synchronisation: what is asserted holds at any pace.
    for (let i = 0; i < 21; i++) {
      writer.write(`${String(i).padStart(2, '0')} ${'x'.repeat(20)}. `);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    writer.write('The end.');
    await writer.finish();
    const [first, ...appends] = streamed(slack);
    expect(first).toBe('Hello. ');
    // Every append but the last carried a full batch; the last one, what was left at the end.
    expect(appends.length).toBeGreaterThanOrEqual(2);
    for (const batch of appends.slice(0, -1)) expect(batch.length).toBeGreaterThanOrEqual(256);
    expect(appends.at(-1)?.endsWith('The end.')).toBe(true);
    expect(streamed(slack).join('')).toHaveLength(7 + 21 * 25 + 8);
    expect(slack.callsTo('chat.stopStream')).toHaveLength(1);
  });

  it('sends a batch that is not full once its time is up', async () => {
    const { slack, writer } = await writerFor({ flushChars: 256, flushIntervalMs: 50 });
    writer.write('First. ');
    await slack.waitFor(() => slack.callsTo('chat.startStream')[0]);
    writer.write('a short ');
    writer.write('remainder');
    // No more writes and no end: only the batch's time can send this.
    await slack.waitFor(() => slack.callsTo('chat.appendStream')[0], { what: 'the timed flush' });
    expect(streamed(slack)).toEqual(['First. ', 'a short remainder']);
    await writer.finish();
    expect(streamed(slack).join('')).toBe('First. a short remainder');
  });
});

describe('SlackThreadWriter end blocks', () => {
  const endBlocks = [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'the end' }] }] as const;

  it('ends a finished answer with them on chat.stopStream, and a failed one without', async () => {
    const { slack, writer } = await writerFor({ endBlocks: [...endBlocks] });
    writer.write('An answer.');
    await writer.finish();
    expect(slack.callsTo('chat.stopStream')[0]?.args.blocks).toEqual(endBlocks);

    const failing = await writerFor({ endBlocks: [...endBlocks] });
    failing.writer.write('Half an ans');
    await failing.writer.fail('Claude stopped.');
    expect(failing.slack.callsTo('chat.stopStream')[0]?.args.blocks).toBeUndefined();
  });
});
