import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import {
  appMentionEnvelope,
  messageEnvelope,
  nextTs,
  slashCommandFields,
} from '../../helpers/slack-requests.js';

type H = Awaited<ReturnType<typeof startHarness>>;

const ephemeralsFor = (h: H, user: string) =>
  h.slack.messages('C0001').filter((m) => m.ephemeralFor === user);

async function answered(h: H, ts: string) {
  await h.slack.waitFor(() => h.slack.messages('C0001', ts).some((m) => m.text.startsWith('PHR-')), {
    what: `answer in ${ts}`,
  });
}

describe('who may ask, and how much', () => {
  it('declines politely outside ALLOWED_CHANNELS and answers inside', async () => {
    const h = await startHarness({ env: { ALLOWED_CHANNELS: 'C0OK' } });
    const denied = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> hi', ts: denied, channel: 'C0001' }));
    const told = await h.slack.waitFor(() => ephemeralsFor(h, 'U0001')[0], { what: 'decline' });
    expect(told.text).toContain('not enabled in this channel');

    const allowed = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> hi', ts: allowed, channel: 'C0OK' }));
    await h.slack.waitFor(() => h.slack.messages('C0OK', allowed).some((m) => m.text.startsWith('PHR-')));
    expect(h.anthropic.requests).toHaveLength(1);
  });

  it('declines users outside ALLOWED_USERS, in channels, DMs and /fastapi', async () => {
    const h = await startHarness({ env: { ALLOWED_USERS: 'U0LEAD' } });
    await h.event(appMentionEnvelope({ text: '<@UBOT> hi', ts: nextTs() }));
    await h.slack.waitFor(() => ephemeralsFor(h, 'U0001')[0]);
    await h.event(messageEnvelope({ text: 'dm', ts: nextTs(), channel: 'D0001', channel_type: 'im' }));
    await h.slack.waitFor(() => h.slack.messages('D0001').find((m) => m.ephemeralFor === 'U0001'));
    const res = await h.command(
      slashCommandFields({ text: 'a question', response_url: h.slack.responseUrl('x') }),
    );
    expect(JSON.parse(res.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('ALLOWED_USERS'),
    });

    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> lead asks', ts, user: 'U0LEAD' }));
    await answered(h, ts);
    expect(h.anthropic.requests).toHaveLength(1);
  });

  it('limits questions per person per hour, and says so once per message', async () => {
    const h = await startHarness({ env: { USER_QUESTIONS_PER_HOUR: '2' } });
    for (let i = 0; i < 2; i++) {
      const ts = nextTs();
      await h.event(appMentionEnvelope({ text: `<@UBOT> q${i}`, ts }));
      await answered(h, ts);
    }
    const third = nextTs();
    const mention = appMentionEnvelope({ text: '<@UBOT> one more', ts: third });
    await h.event(mention);
    await h.event(mention, { retryNum: 1, retryReason: 'http_timeout' });
    await h.event(messageEnvelope({ text: '<@UBOT> one more', ts: third }));
    const told = await h.slack.waitFor(() => ephemeralsFor(h, 'U0001')[0]);
    expect(told.text).toMatch(/2 questions in the last hour/);

    // Someone else is not limited by it.
    const other = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> my turn', ts: other, user: 'U0002' }));
    await answered(h, other);
    expect(ephemeralsFor(h, 'U0001')).toHaveLength(1);
    expect(h.anthropic.requests).toHaveLength(3);
  });

  it('never counts or refuses the twin or retry of the last allowed question', async () => {
    const h = await startHarness({ env: { USER_QUESTIONS_PER_HOUR: '1' } });
    const ts = nextTs();
    const mention = appMentionEnvelope({ text: '<@UBOT> my only question', ts });
    await h.event(mention);
    await h.event(messageEnvelope({ text: '<@UBOT> my only question', ts }));
    await h.event(mention, { retryNum: 1, retryReason: 'http_timeout' });
    await answered(h, ts);
    // The acks above came after each delivery was judged: two duplicates, no refusal.
    const judged = h.logs.filter((line) => line.msg === 'event ignored').map((line) => line.reason);
    expect(judged).toEqual(['twin', 'duplicate_delivery']);
    // A fresh question is still refused (the limit holds), and that is the only private note.
    await h.event(appMentionEnvelope({ text: '<@UBOT> another', ts: nextTs() }));
    const told = await h.slack.waitFor(() => ephemeralsFor(h, 'U0001')[0]);
    expect(told.text).toMatch(/1 questions in the last hour/);
    expect(ephemeralsFor(h, 'U0001')).toHaveLength(1);
    expect(h.anthropic.requests).toHaveLength(1);
  });

  it('limits questions per channel per hour', async () => {
    const h = await startHarness({ env: { CHANNEL_QUESTIONS_PER_HOUR: '1' } });
    const first = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> first', ts: first }));
    await answered(h, first);
    await h.event(appMentionEnvelope({ text: '<@UBOT> second', ts: nextTs(), user: 'U0002' }));
    const told = await h.slack.waitFor(() => ephemeralsFor(h, 'U0002')[0]);
    expect(told.text).toMatch(/This channel has asked me 1 questions/);
    expect(h.anthropic.requests).toHaveLength(1);
  });
});

describe('huge input', () => {
  it('cuts a message over MAX_QUESTION_CHARS, tells the asker, and never stores the rest', async () => {
    const h = await startHarness({ env: { MAX_QUESTION_CHARS: '1000' } });
    const ts = nextTs();
    const huge = `${'a'.repeat(1_000)}TAIL-NEVER-SEEN${'b'.repeat(40_000)}`;
    await h.event(appMentionEnvelope({ text: `<@UBOT> ${huge}`, ts }));
    await answered(h, ts);
    const sent = JSON.stringify(h.anthropic.requests[0]?.body.messages);
    expect(sent).not.toContain('TAIL-NEVER-SEEN');
    expect(sent).toContain('cut: it had 41015 characters');
    const answer = h.slack
      .messages('C0001', ts)
      .filter((m) => m.user === 'UBOT')
      .map((m) => m.text)
      .join('\n');
    expect(answer).toContain('longer than I accept');
  });
});
