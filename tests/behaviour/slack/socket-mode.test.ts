import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import { appMentionEnvelope, nextTs } from '../../helpers/slack-requests.js';

describe('Socket Mode', () => {
  it('receives a mention over the socket, acks it, and answers in the thread', async () => {
    const h = await startHarness({ socket: true });
    await h.slack.socket.connected();
    h.anthropic.enqueue({ kind: 'text', text: 'Answered over Socket Mode.' });
    // Claude is held, so at the moment of the ack the answer cannot have been written yet.
    const claude = h.anthropic.hold();
    const ts = nextTs();
    const envelope = appMentionEnvelope({ text: '<@UBOT> via socket?', ts });
    const ack = await h.slack.socket.send('events_api', envelope);

    // send() resolves only on an ack carrying this envelope's id; it was the one ack, and a bare one
    // (events take no response payload).
    expect(ack).toEqual({});
    expect(h.slack.socket.acks).toEqual([{ envelope_id: expect.any(String), payload: {} }]);

    // The ack answers the envelope that carried this event, not some other one.
    const envelopeId = h.slack.socket.acks[0]?.envelope_id as string;
    const socketLine = (prefix: string) =>
      h.logs.findIndex(
        (l) => typeof l.msg === 'string' && l.msg.startsWith(prefix) && l.msg.includes(envelopeId),
      );
    const received = socketLine('Received a message on the WebSocket:');
    expect(received, 'the Socket Mode client logged receiving the envelope').toBeGreaterThanOrEqual(0);
    expect(h.logs[received]?.msg).toContain(`"event_id":"${envelope.event_id}"`);
    // The ack was sent only after the question was accepted into the durable inbox. The Socket Mode client
    // logs (at debug) each frame it sends, and log lines are recorded synchronously, in order; Bolt's
    // default (ack first, then run the listener) would put the send before the acceptance.
    const accepted = h.logs.findIndex((l) => l.msg === 'question accepted' && l.ts === ts);
    const ackSent = socketLine('Sending a WebSocket message:');
    expect(accepted, 'the question was accepted').toBeGreaterThan(received);
    expect(ackSent, 'the Socket Mode client logged sending the ack').toBeGreaterThan(accepted);

    // When the ack arrived the question was already on disk (an ack means "stored"), unanswered.
    const db = new Database(h.env.DATABASE_PATH as string, { readonly: true });
    try {
      expect(
        db
          .prepare(
            'SELECT source, channel_id, thread_ts, user_id, text, state FROM questions WHERE message_key = ?',
          )
          .all(ts),
      ).toEqual([
        {
          source: 'mention',
          channel_id: 'C0001',
          thread_ts: ts,
          user_id: 'U0001',
          text: 'via socket?',
          state: expect.stringMatching(/^(pending|answering)$/),
        },
      ]);
      expect(
        db.prepare('SELECT event_id FROM seen_events WHERE event_id = ?').pluck().get(envelope.event_id),
      ).toBe(envelope.event_id);
    } finally {
      db.close();
    }
    expect(h.slack.messages('C0001', ts).filter((m) => m.user === 'UBOT')).toEqual([]);

    claude.release();
    await h.slack.waitFor(() =>
      h.slack.messages('C0001', ts).some((m) => m.text === 'Answered over Socket Mode.'),
    );
    // Answering did not ack (or re-ack) anything else.
    expect(h.slack.socket.acks).toHaveLength(1);

    // The HTTP server still serves health checks, but has no Slack endpoint in Socket Mode.
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
