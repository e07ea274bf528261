import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import { messageEnvelope, nextTs, slashCommandFields } from '../../helpers/slack-requests.js';

describe('/fastapi', () => {
  it('acks at once, posts a root message quoting who asked what, and answers in its thread', async () => {
    const h = await startHarness();
    h.anthropic.enqueue(
      { kind: 'text', text: 'Declare it with `Depends`.' },
      { kind: 'text', text: 'Yes, per request.' },
    );
    const res = await h.command(
      slashCommandFields({ text: 'how do I use Depends?', response_url: h.slack.responseUrl('cmd1') }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toBe('');

    const root = await h.slack.waitFor(() => h.slack.callsTo('chat.postMessage')[0], {
      what: 'root message',
    });
    expect(root.args.channel).toBe('C0001');
    expect(root.args.thread_ts).toBeUndefined();
    expect(root.args.text).toBe('<@U0001> asked:\n> how do I use Depends?');
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    const rootTs = h.slack.messages('C0001').find((m) => m.text.startsWith('<@U0001> asked'))?.ts;
    expect(h.slack.callsTo('chat.startStream')[0]?.args.thread_ts).toBe(rootTs);

    // The thread then behaves like any other bot thread: follow-ups need no mention.
    await h.event(messageEnvelope({ text: 'Is it cached?', ts: nextTs(), thread_ts: rootTs as string }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[1]);
    expect(h.anthropic.requests[1]?.body.messages).toEqual([
      { role: 'user', content: 'U0001 wrote:\nhow do I use Depends?' },
      { role: 'assistant', content: 'Declare it with `Depends`.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'U0001 wrote:\nIs it cached?', cache_control: { type: 'ephemeral' } },
        ],
      },
    ]);
  });

  it.each(['', 'help', '  HELP  '])(
    'answers %j with an ephemeral help text and no model call',
    async (text) => {
      const h = await startHarness();
      const res = await h.command(slashCommandFields({ text, response_url: h.slack.responseUrl('help') }));
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body) as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toContain('/fastapi <question>');
      expect(h.anthropic.requests).toHaveLength(0);
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    },
  );

  it.each(['not_in_channel', 'channel_not_found'])(
    'tells the user privately how to invite the bot when posting fails with %s',
    async (error) => {
      const h = await startHarness();
      h.slack.failNext('chat.postMessage', { error });
      await h.command(slashCommandFields({ text: 'hello?', response_url: h.slack.responseUrl('private') }));
      const reply = await h.slack.waitFor(() => h.slack.responses[0], { what: 'ephemeral reply' });
      expect(reply.id).toBe('private');
      expect(reply.body.response_type).toBe('ephemeral');
      expect(String(reply.body.text)).toContain('/invite @fastapi-architect');
      expect(h.anthropic.requests).toHaveLength(0);
    },
  );
});
