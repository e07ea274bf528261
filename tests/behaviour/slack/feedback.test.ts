import { describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../helpers/bot-harness.js';
import { runCli } from '../../helpers/child-bot.js';
import type { FakeMessage } from '../../helpers/fake-slack.js';
import {
  appMentionEnvelope,
  feedbackActionPayload,
  nextTs,
  slashCommandFields,
  viewSubmissionPayload,
} from '../../helpers/slack-requests.js';
import { tempDir } from '../../helpers/temp.js';

interface Answered {
  ts: string;
  /** The answer's last message (the one ending in the feedback block). */
  last: FakeMessage;
  phrId: string;
  phrUrl: string;
}

/** Asks by mention and waits for the PHR line; returns the answer's last message and its record. */
async function ask(h: Harness, question: string, answer: string): Promise<Answered> {
  h.anthropic.enqueue({ kind: 'text', text: answer });
  const ts = nextTs();
  await h.event(appMentionEnvelope({ text: `<@UBOT> ${question}`, ts }));
  const line = await h.slack.waitFor(
    () => h.slack.messages('C0001', ts).find((m) => m.text.startsWith('PHR-')),
    { what: 'PHR line' },
  );
  const url = /<(http[^|>]+)\|/.exec(JSON.stringify(line.blocks))?.[1]?.replaceAll('\\u0026', '&') ?? '';
  const phrUrl = url.replace('http://localhost:0', h.url);
  const phrId = /\/records\/phr\/([^?]+)\?/.exec(phrUrl)?.[1] ?? '';
  const answers = h.slack.messages('C0001', ts).filter((m) => m.ts !== ts && m.ts !== line.ts);
  const last = answers.at(-1);
  if (!last) throw new Error('no answer message');
  return { ts, last, phrId, phrUrl };
}

function feedbackElement(message: FakeMessage) {
  const block = (
    message.blocks as { type: string; elements?: Record<string, unknown>[] }[] | undefined
  )?.find((b) => b.type === 'context_actions');
  return block?.elements?.[0] as
    | {
        type: string;
        action_id: string;
        positive_button: { value: string; accessibility_label?: string; text: { text: string } };
        negative_button: { value: string; accessibility_label?: string; text: { text: string } };
      }
    | undefined;
}

async function click(h: Harness, a: Answered, value: string, user = 'U0001') {
  const stored = h.logs.filter((l) => l.msg === 'feedback stored').length;
  const res = await h.action(feedbackActionPayload({ value, message_ts: a.last.ts, thread_ts: a.ts, user }));
  expect(res.status).toBe(200);
  await h.slack.waitFor(() => h.logs.filter((l) => l.msg === 'feedback stored').length > stored, {
    what: 'vote stored',
  });
}

async function pageText(a: Answered): Promise<string> {
  const res = await fetch(a.phrUrl);
  expect(res.status).toBe(200);
  return res.text();
}

describe('feedback on every answer', () => {
  it('ends the streamed answer with feedback buttons that name its PHR', async () => {
    const h = await startHarness();
    const a = await ask(h, 'How do I paginate?', 'Use keyset pagination.');
    expect(a.last.text).toContain('Use keyset pagination.');
    const element = feedbackElement(a.last);
    expect(element?.type).toBe('feedback_buttons');
    expect(a.phrId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(element?.positive_button.value).toBe(`up:${a.phrId}`);
    expect(element?.negative_button.value).toBe(`down:${a.phrId}`);
    expect(element?.positive_button.accessibility_label).toMatch(/helpful/);
    expect(element?.negative_button.accessibility_label).toMatch(/not helpful/);
    // It went out with chat.stopStream, after the text: no extra call.
    const stop = h.slack.callsTo('chat.stopStream').at(-1);
    expect(JSON.stringify(stop?.args.blocks)).toContain('feedback_buttons');
    expect(h.slack.callsTo('chat.update')).toHaveLength(0);
  });

  it('adds the buttons with the last update when Slack refuses to stream', async () => {
    const h = await startHarness();
    h.slack.failNext('chat.startStream', { error: 'not_allowed_token_type' });
    const a = await ask(h, 'Sync or async?', 'Async for I/O.');
    expect(a.last.blocks?.[0]).toEqual({ type: 'markdown', text: expect.stringContaining('Async for I/O.') });
    expect(feedbackElement(a.last)?.positive_button.value).toBe(`up:${a.phrId}`);
  });

  it('stores one vote per person, asks a 👎 what was wrong, and shows and exports it all', async () => {
    const h = await startHarness();
    const a = await ask(h, 'Which ORM?', 'SQLAlchemy 2 with async sessions.');

    await click(h, a, `up:${a.phrId}`);
    expect(await pageText(a)).toContain('Feedback: 👍 1 · 👎 0');
    // The same person changes their mind: the vote is replaced, not added.
    await click(h, a, `down:${a.phrId}`);
    expect(await pageText(a)).toContain('Feedback: 👍 0 · 👎 1');
    await click(h, a, `up:${a.phrId}`, 'U0002');
    expect(await pageText(a)).toContain('Feedback: 👍 1 · 👎 1');

    // The 👎 opened the comment modal with the click's trigger id.
    const opened = await h.slack.waitFor(() => h.slack.callsTo('views.open')[0], { what: 'views.open' });
    expect(h.slack.callsTo('views.open')).toHaveLength(1);
    expect(opened.args.trigger_id).toMatch(/\.T0001\.fake$/);
    const view = opened.args.view as Record<string, unknown>;
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'answer_feedback_comment',
      private_metadata: a.phrId,
    });

    const comment = 'Wrong DSN, ours is postgresql://app:s3cr3tpw@db.internal/prod <script>alert(1)</script>';
    const submitted = await h.action(
      viewSubmissionPayload({
        callback_id: 'answer_feedback_comment',
        private_metadata: a.phrId,
        values: { comment: { comment_input: { type: 'plain_text_input', value: comment } } },
      }),
    );
    expect(submitted.status).toBe(200);
    await h.waitForLog('feedback comment stored');
    const html = await pageText(a);
    expect(html).toContain('Wrong DSN, ours is postgresql://app:[REDACTED]@db.internal/prod');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('s3cr3tpw');
    expect(html).not.toContain('<script>');

    const usage = await h.command(
      slashCommandFields({ text: 'usage', response_url: h.slack.responseUrl('u') }),
    );
    expect((JSON.parse(usage.body) as { text: string }).text).toContain('Feedback, last 7 days: 👍 1 · 👎 1');

    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^fastapi_bot_feedback_votes_total\{vote="positive"\} 2$/m);
    expect(metrics).toMatch(/^fastapi_bot_feedback_votes_total\{vote="negative"\} 1$/m);
    expect(metrics).toMatch(/^fastapi_bot_feedback_comments_total 1$/m);

    const env = { DATABASE_PATH: h.env.DATABASE_PATH ?? '', DATA_DIR: h.env.DATA_DIR ?? '' };
    const exported = await runCli('export', ['feedback'], { cwd: tempDir(), env });
    expect(exported.stderr).toContain('Exported 1 answers with feedback');
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        phr: a.phrId,
        created_at: expect.any(String),
        question: expect.stringContaining('Which ORM?'),
        answer: 'SQLAlchemy 2 with async sessions.',
        sources: [],
        votes: { positive: 1, negative: 1 },
        comments: [expect.stringContaining('postgresql://app:[REDACTED]@db.internal/prod')],
      },
    ]);
    const later = await runCli('export', ['feedback', '--since', '2999-01-01'], { cwd: tempDir(), env });
    expect(later.stdout).toBe('');
  });

  it('acknowledges a feedback click it cannot read, and stores nothing', async () => {
    const h = await startHarness();
    const a = await ask(h, 'Depends?', 'Use Depends for shared logic.');
    const res = await h.action(feedbackActionPayload({ value: 'sideways:<script>', message_ts: a.last.ts }));
    expect(res.status).toBe(200);
    await h.slack.waitFor(() => h.logs.find((l) => l.reason === 'unknown_feedback_value'));
    expect(await pageText(a)).toContain('Feedback: 👍 0 · 👎 0');
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
  });
});
