import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../helpers/bot-harness.js';
import { docsEntries } from '../../helpers/docs-archive.js';
import { asArray, asRecord } from '../../helpers/fake-slack.js';
import {
  assistantMessageEnvelope,
  assistantThreadEnvelope,
  messageEnvelope,
  nextTs,
} from '../../helpers/slack-requests.js';
import { tarGz } from '../../helpers/tar.js';
import { tempDir } from '../../helpers/temp.js';

const DM = 'D0001';

function questions(h: Harness): { source: string; channel_id: string; thread_ts: string; text: string }[] {
  const db = new Database(h.env.DATABASE_PATH as string, { readonly: true });
  try {
    return db.prepare('SELECT source, channel_id, thread_ts, text FROM questions ORDER BY id').all() as {
      source: string;
      channel_id: string;
      thread_ts: string;
      text: string;
    }[];
  } finally {
    db.close();
  }
}

function botText(h: Harness, channel: string, thread: string): string {
  return h.slack
    .messages(channel, thread)
    .filter((m) => m.user === 'UBOT')
    .map((m) => m.text)
    .join('\n');
}

/** The index of the first recorded call to `method` (Infinity when there was none). */
function firstCall(h: Harness, method: string): number {
  const at = h.slack.calls.findIndex((call) => call.method === method);
  return at === -1 ? Number.POSITIVE_INFINITY : at;
}

describe('the assistant panel', () => {
  it('greets a new thread and suggests FastAPI prompts', async () => {
    const h = await startHarness();
    const thread = nextTs();
    const res = await h.event(assistantThreadEnvelope({ thread_ts: thread, context_channel: 'C0001' }));
    expect(res.status).toBe(200);

    const prompts = await h.slack.waitFor(() => h.slack.callsTo('assistant.threads.setSuggestedPrompts')[0]);
    expect(prompts.args).toMatchObject({ channel_id: DM, thread_ts: thread });
    const list = asArray(prompts.args.prompts) ?? [];
    expect(list.length).toBeGreaterThanOrEqual(3);
    for (const prompt of list) {
      expect(asRecord(prompt)).toEqual({ title: expect.any(String), message: expect.any(String) });
    }
    expect(JSON.stringify(list)).toContain('FastAPI');
    const [greeting] = h.slack.messages(DM, thread);
    expect(greeting?.text).toMatch(/FastAPI backend architect/);
    expect(h.anthropic.requests).toHaveLength(0);
  });

  it('keeps the channel the person is looking at when it changes', async () => {
    const h = await startHarness();
    const thread = nextTs();
    await h.event(assistantThreadEnvelope({ thread_ts: thread, context_channel: 'C0001' }));
    const res = await h.event(
      assistantThreadEnvelope({ thread_ts: thread, context_channel: 'C0002', changed: true }),
    );
    expect(res.status).toBe(200);
    const saved = await h.waitForLog('assistant thread context saved');
    expect(saved).toMatchObject({ channel: DM, thread_ts: thread, viewing: 'C0002' });
  });

  it('takes a question in the panel into the inbox once, shows a status, streams the answer and titles the thread', async () => {
    const h = await startHarness();
    const gate = h.anthropic.hold();
    h.anthropic.enqueue({ kind: 'text', text: 'Use a lifespan function.' });
    const thread = nextTs();
    await h.event(assistantThreadEnvelope({ thread_ts: thread, context_channel: 'C0001' }));
    await h.slack.waitFor(() => h.slack.callsTo('assistant.threads.setSuggestedPrompts')[0]);

    const ts = nextTs();
    const message = assistantMessageEnvelope({
      text: 'Where should startup code go in a FastAPI app with several routers?',
      thread_ts: thread,
      ts,
    });
    const results = await Promise.all([h.event(message), h.event(message, { retryNum: 1 })]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(questions(h)).toEqual([
      {
        source: 'dm',
        channel_id: DM,
        thread_ts: thread,
        text: 'Where should startup code go in a FastAPI app with several routers?',
      },
    ]);

    // Before the first token: the status with rotating loading messages, and no answer yet.
    const status = await h.slack.waitFor(() => h.slack.callsTo('assistant.threads.setStatus')[0]);
    expect(status.args).toMatchObject({ channel_id: DM, thread_ts: thread });
    expect((asArray(status.args.loading_messages) ?? []).length).toBeGreaterThan(1);
    expect(h.slack.callsTo('chat.startStream')).toHaveLength(0);
    gate.release();

    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    expect(firstCall(h, 'assistant.threads.setStatus')).toBeLessThan(firstCall(h, 'chat.startStream'));
    expect(h.slack.callsTo('chat.startStream')[0]?.args).toMatchObject({ channel: DM, thread_ts: thread });
    expect(botText(h, DM, thread)).toContain('Use a lifespan function.');
    const title = await h.slack.waitFor(() => h.slack.callsTo('assistant.threads.setTitle')[0]);
    expect(title.args).toMatchObject({
      channel_id: DM,
      thread_ts: thread,
      title: 'Where should startup code go in a FastAPI…',
    });
    expect(h.anthropic.requests).toHaveLength(1);

    // A follow-up in the same thread is answered there, and does not rename it.
    await h.event(assistantMessageEnvelope({ text: 'And shutdown code?', thread_ts: thread }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[1]);
    expect(h.slack.callsTo('assistant.threads.setTitle')).toHaveLength(1);
    expect(questions(h).map((q) => q.thread_ts)).toEqual([thread, thread]);
  });

  it('answers a panel question that was being answered when the process stopped, after the next start', async () => {
    const h = await startHarness();
    const gate = h.anthropic.hold();
    const thread = nextTs();
    await h.event(assistantMessageEnvelope({ text: 'How do I paginate?', thread_ts: thread }));
    await h.anthropic.waitFor(() => h.anthropic.requests.length === 1);
    await h.bot.stop(0);
    gate.release();
    await h.restart();
    await h.slack.waitFor(() => botText(h, DM, thread).includes('Answer to:'), {
      what: 'the answer after the restart',
    });
    expect(h.anthropic.requests).toHaveLength(2);
    expect(questions(h)).toHaveLength(1);
  });

  it('answers in group DMs as in DMs', async () => {
    const h = await startHarness();
    h.anthropic.enqueue({ kind: 'text', text: 'Hello, group.' });
    const ts = nextTs();
    await h.event(messageEnvelope({ text: 'What is Depends?', ts, channel: 'G0001', channel_type: 'mpim' }));
    await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
    expect(h.slack.callsTo('chat.startStream')[0]?.args).toMatchObject({
      channel: 'G0001',
      thread_ts: ts,
      recipient_user_id: 'U0001',
    });
    expect(botText(h, 'G0001', ts)).toBe('Hello, group.');
    expect(questions(h)).toEqual([expect.objectContaining({ source: 'dm', channel_id: 'G0001' })]);
  });
});

/** A bot with a small FastAPI docs index, asked one question whose answer searches the docs first. */
async function askWithDocsSearch(refuseChunks?: string): Promise<{ h: Harness; thread: string }> {
  const archive = join(tempDir(), 'fastapi-9.9.9.tar.gz');
  writeFileSync(archive, tarGz(docsEntries()));
  const h = await startHarness({ env: { FASTAPI_DOCS_SOURCE: archive } });
  await h.waitForLog('docs sync finished');
  if (refuseChunks) h.slack.refuseChunks = refuseChunks;
  h.anthropic.enqueue(
    { kind: 'text', text: '', toolUse: { name: 'search_fastapi_docs', input: { query: 'startup code' } } },
    { kind: 'text', text: 'Put startup code in a lifespan function.' },
  );
  const thread = nextTs();
  await h.event(assistantMessageEnvelope({ text: 'Where does startup code go?', thread_ts: thread }));
  await h.slack.waitFor(() => h.slack.callsTo('chat.stopStream')[0]);
  return { h, thread };
}

type Task = { type: string; id: string; title: string; status: string };

/** Every task update sent, in order. */
function taskUpdates(h: Harness): Task[] {
  return h.slack.calls
    .filter((c) => c.method === 'chat.startStream' || c.method === 'chat.appendStream')
    .flatMap((c) => (asArray(c.args.chunks) ?? []) as Task[])
    .filter((chunk) => chunk.type === 'task_update');
}

describe('the steps of an answer', () => {
  it('shows reading, searching and writing as task updates in a timeline', async () => {
    const { h, thread } = await askWithDocsSearch();
    expect(h.slack.callsTo('chat.startStream')[0]?.args.task_display_mode).toBe('timeline');
    const tasks = taskUpdates(h);
    const statuses = (id: string) => tasks.filter((t) => t.id === id).map((t) => t.status);
    const ids = [...new Set(tasks.map((t) => t.id))];
    expect(ids).toHaveLength(3);
    const [read, search, write] = ids as [string, string, string];
    expect(tasks.find((t) => t.id === read)?.title).toBe('Reading the thread');
    expect(tasks.find((t) => t.id === search)?.title).toBe('Searching the FastAPI docs for “startup code”');
    expect(tasks.find((t) => t.id === write)?.title).toBe('Writing the answer');
    expect(statuses(read)).toEqual(['complete']);
    expect(statuses(search)).toEqual(['in_progress', 'complete']);
    expect(statuses(write)).toEqual(['pending', 'in_progress', 'complete']);
    const answer = botText(h, DM, thread);
    expect(answer).toContain('Put startup code in a lifespan function.');
    expect(answer).not.toContain('Searching the FastAPI docs');
  });

  it('writes the steps as text when Slack refuses task updates', async () => {
    const { h, thread } = await askWithDocsSearch('invalid_chunks');
    expect(h.slack.calls.some((c) => c.args.chunks !== undefined)).toBe(true);
    const answer = botText(h, DM, thread);
    expect(answer).toContain('_Searching the FastAPI docs for “startup code”…_');
    expect(answer).toContain('Put startup code in a lifespan function.');
    // Refused once, then plain text only: the answer is one streamed message.
    expect(h.slack.calls.filter((c) => c.args.chunks !== undefined)).toHaveLength(1);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === thread)).toHaveLength(0);
  });
});
