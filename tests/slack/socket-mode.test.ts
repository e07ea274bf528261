import { describe, expect, it } from 'vitest';
import { startHarness } from '../helpers/bot-harness.js';
import { appMentionEnvelope, nextTs } from '../helpers/slack-requests.js';

describe('Socket Mode', () => {
  it('receives a mention over the socket, acks it, and answers in the thread', async () => {
    const h = await startHarness({ socket: true });
    await h.slack.socket.connected();
    h.anthropic.enqueue({ kind: 'text', text: 'Answered over Socket Mode.' });
    const ts = nextTs();
    const ack = await h.slack.socket.send(
      'events_api',
      appMentionEnvelope({ text: '<@UBOT> via socket?', ts }),
    );
    expect(ack).toBeDefined();
    await h.slack.waitFor(() =>
      h.slack.messages('C0001', ts).some((m) => m.text === 'Answered over Socket Mode.'),
    );

    // The HTTP server still serves health checks, but has no Slack endpoint in Socket Mode.
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
