import { describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness } from '../../helpers/bot-harness.js';
import { appMentionEnvelope, nextTs, sendEvent } from '../../helpers/slack-requests.js';

// As in shared/fixtures/slack-url-verification.json.
const challenge = {
  token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
  challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
  type: 'url_verification',
};

describe('the Slack endpoint', () => {
  it('answers Slack’s url_verification challenge', async () => {
    const h = await startHarness();
    const res = await h.event(challenge);
    expect(res.status).toBe(200);
    expect(res.body).toContain(String(challenge.challenge));
  });

  it.each([
    ['a wrong signature', { signature: `v0=${'0'.repeat(64)}` }],
    ['a signature made with another secret', { secret: 'not-the-secret' }],
    ['a stale timestamp', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
  ])('refuses %s with 401 and processes nothing', async (_name, variant) => {
    const h = await startHarness();
    const { secret = SIGNING_SECRET, ...opts } = variant as {
      secret?: string;
      signature?: string;
      timestamp?: number;
    };
    const res = await sendEvent(
      h.url,
      secret,
      appMentionEnvelope({ text: '<@UBOT> sneaky', ts: nextTs() }),
      opts,
    );
    expect(res.status).toBe(401);
    // A valid question afterwards is the only one Claude ever sees.
    await h.event(appMentionEnvelope({ text: '<@UBOT> legit', ts: nextTs() }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    expect(h.anthropic.requests).toHaveLength(1);
  });
});
