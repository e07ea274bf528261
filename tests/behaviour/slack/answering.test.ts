import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import { lastUserText } from '../../helpers/fake-anthropic.js';
import {
  appMentionEnvelope,
  messageEnvelope,
  nextTs,
  slashCommandFields,
} from '../../helpers/slack-requests.js';

const AGENT_PROMPT = readFileSync(
  new URL('../../../agents/fastapi-backend-expert.md', import.meta.url),
  'utf8',
);

/** Every bot message in a thread, joined: what a person reading the thread sees from the bot. */
function botText(
  h: { slack: { messages: (c: string, t?: string) => { user?: string; text: string }[] } },
  channel: string,
  thread: string,
) {
  return h.slack
    .messages(channel, thread)
    .filter((m) => m.user === 'UBOT')
    .map((m) => m.text)
    .join('\n');
}

describe('answering in Slack', () => {
  it('answers a channel mention in the mention’s thread, streaming, with the agent prompt as a cached system block', async () => {
    const h = await startHarness();
    h.anthropic.enqueue({ kind: 'text', text: ['Use ', '`Depends` ', 'to inject ', 'a session.'] });
    const ts = nextTs();

    const res = await h.event(appMentionEnvelope({ text: '<@UBOT> What is Depends in FastAPI?', ts }));
    expect(res.status).toBe(200);

    const stopped = await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0], {
      what: 'stream stopped',
    });
    expect(stopped.args.channel).toBe('C0001');
    const start = h.slack.callsTo('chat.startStream')[0];
    expect(start?.args).toMatchObject({
      channel: 'C0001',
      thread_ts: ts,
      recipient_team_id: 'T0001',
      recipient_user_id: 'U0001',
    });
    expect(botText(h, 'C0001', ts)).toBe('Use `Depends` to inject a session.');

    const request = h.anthropic.requests[0];
    const system = request?.body.system as { text: string; cache_control?: unknown }[];
    // The agent file's body, verbatim: gray-matter strips the front matter and one newline.
    expect(AGENT_PROMPT.endsWith(system[0]?.text ?? '<none>')).toBe(true);
    expect(system[0]?.text.startsWith('You are a Senior Backend Architect')).toBe(true);
    expect(system.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(request?.body.model).toBe('claude-sonnet-5-5');
    // The newest message ends with a cache breakpoint: the next question reads this prefix from the cache.
    expect(request?.body.messages).toEqual([
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: 'U0001 wrote:\nWhat is Depends in FastAPI?',
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
    ]);
  });

  it('shows that it is working before the first token arrives', async () => {
    const h = await startHarness();
    const gate = h.anthropic.hold();
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> Slow question', ts }));
    const status = await h.slack.waitFor(() => h.slack.callsTo('assistant.threads.setStatus')[0]);
    expect(status.args).toMatchObject({ channel_id: 'C0001', thread_ts: ts });
    expect(h.slack.callsTo('chat.startStream')).toHaveLength(0);
    gate.release();
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
  });

  it('answers a mention written inside an existing thread in that thread', async () => {
    const h = await startHarness();
    const root = nextTs();
    h.slack.seedMessage({ channel: 'C0001', ts: root, user: 'U0002', text: 'Our /reports endpoint is slow' });
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> any idea?', ts, thread_ts: root }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    expect(h.slack.callsTo('chat.startStream')[0]?.args.thread_ts).toBe(root);
  });

  it('reads the earlier messages of a thread it joins late and answers with them as context', async () => {
    const h = await startHarness();
    h.slack.users.set('U0002', { name: 'grace' });
    const root = nextTs();
    h.slack.seedMessage({ channel: 'C0001', ts: root, user: 'U0002', text: 'We use SQLAlchemy 2 async' });
    h.slack.seedMessage({
      channel: 'C0001',
      ts: nextTs(),
      thread_ts: root,
      user: 'U0002',
      text: 'and Postgres 16',
    });
    const ts = nextTs();
    await h.event(
      appMentionEnvelope({ text: '<@UBOT> how should we pool connections?', ts, thread_ts: root }),
    );
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);

    expect(h.slack.callsTo('conversations.replies')[0]?.args).toMatchObject({ channel: 'C0001', ts: root });
    const sent = JSON.stringify(h.anthropic.requests[0]?.body.messages);
    expect(sent).toContain('grace wrote:\\nWe use SQLAlchemy 2 async');
    expect(sent).toContain('and Postgres 16');
    expect(sent).toContain('how should we pool connections?');
  });

  it('reads the root and the last messages before a late mention in a long thread', async () => {
    const h = await startHarness();
    const root = nextTs();
    h.slack.seedMessage({ channel: 'C0001', ts: root, user: 'U0002', text: 'ROOT: our API layout' });
    for (let i = 1; i <= 1_300; i++) {
      h.slack.seedMessage({
        channel: 'C0001',
        ts: nextTs(),
        thread_ts: root,
        user: 'U0002',
        text: `reply ${i}.`,
      });
    }
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> so what do we do?', ts, thread_ts: root }));
    // Written after the mention: not part of what the mention was asked about.
    h.slack.seedMessage({
      channel: 'C0001',
      ts: nextTs(),
      thread_ts: root,
      user: 'U0002',
      text: 'reply after.',
    });
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    const sent = JSON.stringify(h.anthropic.requests[0]?.body.messages);
    expect(sent).toContain('ROOT: our API layout');
    expect(sent).toContain('reply 1300.');
    expect(sent).toContain('reply 1101.');
    expect(sent).not.toContain('reply 1100.');
    expect(sent).not.toContain('reply after.');
    expect(sent).toContain('so what do we do?');
  });

  it('answers a bare mention or a file-only message with short help, without asking Claude', async () => {
    const h = await startHarness();
    const bare = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT>', ts: bare }));
    await h.slack.waitFor(() => botText(h, 'C0001', bare).includes('in words'), {
      what: 'help for a bare mention',
    });
    const image = nextTs();
    await h.event(
      messageEnvelope({
        text: '',
        ts: image,
        channel: 'D0001',
        channel_type: 'im',
        subtype: 'file_share',
        extra: { files: [{ id: 'F1', name: 'stacktrace.png', mimetype: 'image/png' }] },
      }),
    );
    await h.slack.waitFor(() => botText(h, 'D0001', image).includes('files and images are not read'));
    expect(botText(h, 'C0001', bare)).toContain('files and images are not read');
    expect(h.anthropic.requests).toHaveLength(0);
  });

  it('tells Claude a file was attached and not read, live and when reading a thread late', async () => {
    const h = await startHarness();
    const root = nextTs();
    h.slack.seedMessage({
      channel: 'C0001',
      ts: root,
      user: 'U0002',
      text: 'see the trace',
      subtype: 'file_share',
      files: [{ id: 'F0', name: 'trace.txt' }],
    });
    const ts = nextTs();
    await h.event(
      appMentionEnvelope({
        text: '<@UBOT> why does this fail?',
        ts,
        thread_ts: root,
        extra: { files: [{ id: 'F1', name: 'models.py' }] },
      }),
    );
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    const sent = JSON.stringify(h.anthropic.requests[0]?.body.messages);
    expect(sent).toContain(
      'see the trace\\n\\n[attached, and not read: the bot cannot open files or images: trace.txt]',
    );
    expect(sent).toContain(
      'why does this fail?\\n\\n[attached, and not read: the bot cannot open files or images: models.py]',
    );
  });

  it('streams to an asker from another workspace (Slack Connect) addressed to their own team', async () => {
    const h = await startHarness();
    const ts = nextTs();
    const external = { user: 'U0EXT', extra: { user_team: 'T0PARTNER', team: 'T0PARTNER' } };
    await h.event(appMentionEnvelope({ text: '<@UBOT> hello from a partner', ts, ...external }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    expect(h.slack.callsTo('chat.startStream')[0]?.args).toMatchObject({
      recipient_user_id: 'U0EXT',
      recipient_team_id: 'T0PARTNER',
    });

    const follow = nextTs();
    await h.event(messageEnvelope({ text: 'and a follow-up', ts: follow, thread_ts: ts, ...external }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[1]);
    expect(h.slack.callsTo('chat.startStream')[1]?.args.recipient_team_id).toBe('T0PARTNER');
  });

  it('answers follow-ups in its thread without a mention, remembering the conversation', async () => {
    const h = await startHarness();
    h.anthropic.enqueue(
      { kind: 'text', text: 'Use keyset pagination.' },
      { kind: 'text', text: 'Encode the last id.' },
    );
    const root = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> How do I paginate?', ts: root }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);

    await h.event(messageEnvelope({ text: 'What goes in the cursor?', ts: nextTs(), thread_ts: root }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[1]);
    expect(h.anthropic.requests[1]?.body.messages).toEqual([
      { role: 'user', content: 'U0001 wrote:\nHow do I paginate?' },
      { role: 'assistant', content: 'Use keyset pagination.' },
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: 'U0001 wrote:\nWhat goes in the cursor?',
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
    ]);
    expect(botText(h, 'C0001', root)).toContain('Encode the last id.');
  });

  it('leaves thread messages addressed to other people alone but remembers them', async () => {
    const h = await startHarness();
    const root = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> How do I paginate?', ts: root }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);

    const aside = await h.event(
      messageEnvelope({ text: '<@U0002> can you try this on staging?', ts: nextTs(), thread_ts: root }),
    );
    expect(aside.status).toBe(200);
    await h.event(messageEnvelope({ text: 'and for sorting?', ts: nextTs(), thread_ts: root }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[1]);
    expect(h.anthropic.requests).toHaveLength(2);
    const last = lastUserText(h.anthropic.requests[1]?.body ?? {});
    expect(last).toContain('<@U0002> can you try this on staging?');
    expect(last).toContain('and for sorting?');
  });

  it('never answers bots, itself, edits, deletions or other subtypes', async () => {
    const h = await startHarness();
    const root = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> How do I paginate?', ts: root }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);

    const ignored = [
      messageEnvelope({
        text: 'bot says hi',
        ts: nextTs(),
        thread_ts: root,
        bot_id: 'B0OTHER',
        subtype: 'bot_message',
      }),
      messageEnvelope({ text: 'own message', ts: nextTs(), thread_ts: root, user: 'UBOT', bot_id: 'BBOT' }),
      messageEnvelope({ text: 'edited', ts: nextTs(), thread_ts: root, subtype: 'message_changed' }),
      messageEnvelope({ text: '', ts: nextTs(), thread_ts: root, subtype: 'message_deleted' }),
      messageEnvelope({ text: 'joined', ts: nextTs(), thread_ts: root, subtype: 'channel_join' }),
      messageEnvelope({ text: 'top-level chatter, no mention', ts: nextTs() }),
    ];
    for (const envelope of ignored) expect((await h.event(envelope)).status).toBe(200);
    // A real question after them: when it is answered, the ignored ones had their chance.
    await h.event(messageEnvelope({ text: 'real follow-up', ts: nextTs(), thread_ts: root }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[1]);
    expect(h.anthropic.requests).toHaveLength(2);
    expect(JSON.stringify(h.anthropic.requests[1]?.body.messages)).not.toContain('bot says hi');
  });

  it('answers direct messages', async () => {
    const h = await startHarness();
    h.anthropic.enqueue({ kind: 'text', text: 'Hello from the DM.' });
    const ts = nextTs();
    await h.event(
      messageEnvelope({ text: 'Can you review my schema?', ts, channel: 'D0001', channel_type: 'im' }),
    );
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    expect(h.slack.callsTo('chat.startStream')[0]?.args).toMatchObject({ channel: 'D0001', thread_ts: ts });
    expect(botText(h, 'D0001', ts)).toBe('Hello from the DM.');
  });

  it('answers a Slack retry and the app_mention/message twins of one message exactly once', async () => {
    const h = await startHarness();
    const ts = nextTs();
    const mention = appMentionEnvelope({ text: '<@UBOT> once please', ts, eventId: 'EvMENTION1' });
    const twin = messageEnvelope({ text: '<@UBOT> once please', ts, eventId: 'EvMESSAGE1' });
    const results = await Promise.all([
      h.event(mention),
      h.event(mention, { retryNum: 1, retryReason: 'http_timeout' }),
      h.event(twin),
      h.event(twin, { retryNum: 2, retryReason: 'http_timeout' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    // Another question, answered after: the duplicates had every chance to produce a second answer.
    await h.event(appMentionEnvelope({ text: '<@UBOT> second', ts: nextTs() }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[1]);
    expect(h.anthropic.requests).toHaveLength(2);
    expect(h.slack.callsTo('chat.startStream').filter((c) => c.args.thread_ts === ts)).toHaveLength(1);
  });

  it('keeps the context of a thread across a restart', async () => {
    const h = await startHarness();
    h.anthropic.enqueue({ kind: 'text', text: 'First answer.' });
    const root = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> first', ts: root }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    await h.restart();
    await h.event(messageEnvelope({ text: 'second', ts: nextTs(), thread_ts: root }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[1]);
    expect(JSON.stringify(h.anthropic.requests[1]?.body.messages)).toContain('First answer.');
  });

  it('answers, after the next start, questions accepted but not answered when the process stopped', async () => {
    const h = await startHarness({ env: { MAX_CONCURRENT_ANSWERS: '1' } });
    const gate = h.anthropic.hold();
    const first = nextTs();
    const second = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> first question', ts: first }));
    await h.event(appMentionEnvelope({ text: '<@UBOT> second question', ts: second }));
    await h.anthropic.waitFor(() => h.anthropic.requests.length === 1);

    // The first is being answered (held at Claude), the second waits in the queue; stop with no grace.
    await h.bot.stop(0);
    gate.release();
    await h.restart();
    await h.slack.waitFor(
      () =>
        h.slack.callsTo('chat.stopStream').filter((c) => c.args.ts !== undefined).length >= 2 &&
        botText(h, 'C0001', first).includes('Answer to:') &&
        botText(h, 'C0001', second).includes('Answer to:'),
      { what: 'both questions answered after restart' },
    );
    expect(botText(h, 'C0001', first)).toContain('first question');
    expect(botText(h, 'C0001', second)).toContain('second question');
    // Exactly one final answer each; the interrupted one says it was interrupted.
    for (const thread of [first, second]) {
      const answers = h.slack.messages('C0001', thread).filter((m) => m.text.startsWith('Answer to:'));
      expect(answers).toHaveLength(1);
    }
    expect(botText(h, 'C0001', first)).toMatch(/restarted while answering|interrupted by a restart/);
  });
});

describe('a question answered again after a restart', () => {
  it('sends a requeued /fastapi question to Claude once, not once per attempt', async () => {
    const h = await startHarness();
    const gate = h.anthropic.hold();
    await h.command(
      slashCommandFields({ text: 'how should I version my API?', response_url: h.slack.responseUrl('v') }),
    );
    await h.anthropic.waitFor(() => h.anthropic.requests.length === 1);
    await h.bot.stop(0);
    gate.release();
    await h.restart();
    await h.anthropic.waitFor(() => h.anthropic.requests.length === 2, { what: 'the second attempt' });
    await h.slack.waitFor(() =>
      h.slack.callsTo('chat.stopStream').some((c) => c.args.markdown_text === undefined),
    );
    const sent = JSON.stringify(h.anthropic.requests[1]?.body.messages);
    expect(sent.split('how should I version my API?')).toHaveLength(2);
  });
});

describe('an acknowledgement means the question is stored', () => {
  it('answers 500 when the question cannot be written, and takes Slack’s retry once it can', async () => {
    const h = await startHarness();
    const blocker = new Database(h.env.DATABASE_PATH as string);
    blocker.exec('BEGIN EXCLUSIVE');
    const ts = nextTs();
    const mention = appMentionEnvelope({ text: '<@UBOT> stored?', ts });
    // The write waits for the lock (busy_timeout), then fails: no 200, so Slack will redeliver.
    expect((await h.event(mention)).status).toBe(500);
    blocker.exec('ROLLBACK');
    blocker.close();
    expect((await h.event(mention, { retryNum: 1, retryReason: 'http_error' })).status).toBe(200);
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    expect(h.anthropic.requests).toHaveLength(1);
  });
});
