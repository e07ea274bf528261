import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parsePhr } from '../../../src/phr/file.js';
import { SIGNING_SECRET } from '../../helpers/bot-harness.js';
import { type Child, childEnv, startAnsweringFakes, startChild } from '../../helpers/child-bot.js';
import type { FakeSlack } from '../../helpers/fake-slack.js';
import { appMentionEnvelope, nextTs, sendEvent } from '../../helpers/slack-requests.js';
import { tempDir } from '../../helpers/temp.js';

// Real processes, really killed: `kill -9` at chosen points, then a restart on the same database.

/** Resolves when the child has printed something matching `pattern` (event-driven, no polling). */
function printed(child: Child, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(child.output())) {
        child.process.stdout?.off('data', check);
        resolve();
      }
    };
    child.process.stdout?.on('data', check);
    child.process.once('exit', () =>
      pattern.test(child.output()) ? resolve() : reject(new Error(`exited before ${pattern}`)),
    );
    check();
  });
}

async function kill9(child: Child) {
  child.process.kill('SIGKILL');
  await once(child.process, 'exit');
}

/** Complete answers (not partial streams) to `question` in its thread. */
function completeAnswers(slack: FakeSlack, thread: string, question: string): number {
  return slack
    .messages('C0001', thread)
    .filter((m) => m.user === 'UBOT' && m.text.includes(`Complete answer to: ${question}`)).length;
}

describe('kill -9 and restart', () => {
  it('loses no acknowledged question when killed while accepting, and answers each exactly once', async () => {
    const { slack, anthropic } = await startAnsweringFakes(10);
    const dir = tempDir();
    const env = childEnv(slack, anthropic, dir);
    const first = startChild(env);
    const url = `http://127.0.0.1:${await first.started}`;

    const questions = Array.from({ length: 24 }, (_, i) => ({
      ts: nextTs(),
      text: `question-${i}`,
      eventId: `EvCRASH${i}`,
    }));
    const acked = new Set<string>();
    let killed: Promise<void> | undefined;
    await Promise.allSettled(
      questions.map(async (q) => {
        const res = await sendEvent(
          url,
          SIGNING_SECRET,
          appMentionEnvelope({ text: `<@UBOT> ${q.text}`, ts: q.ts, eventId: q.eventId }),
        );
        if (res.status === 200) acked.add(q.ts);
        if (acked.size === 10) killed ??= kill9(first);
      }),
    );
    await (killed ?? kill9(first));
    expect(acked.size).toBeGreaterThanOrEqual(10);

    const second = startChild(env);
    const url2 = `http://127.0.0.1:${await second.started}`;
    // Slack redelivers what was not acknowledged, and sometimes what was: both must be harmless.
    for (const q of questions) {
      const res = await sendEvent(
        url2,
        SIGNING_SECRET,
        appMentionEnvelope({ text: `<@UBOT> ${q.text}`, ts: q.ts, eventId: q.eventId }),
        {
          retryNum: 1,
          retryReason: 'http_error',
        },
      );
      expect(res.status).toBe(200);
    }
    await slack.waitFor(() => questions.every((q) => completeAnswers(slack, q.ts, q.text) >= 1), {
      what: 'every question answered',
      timeoutMs: 50_000,
    });
    for (const q of questions) expect(completeAnswers(slack, q.ts, q.text), q.text).toBe(1);
    // A stream cut by the kill is never left looking complete: it says it was interrupted.
    for (const m of slack
      .messages('C0001')
      .filter(
        (m) => m.user === 'UBOT' && m.text.startsWith('Complete') && !m.text.includes('to: question'),
      )) {
      expect(m.text).toContain('interrupted by a restart');
    }
  }, 60_000);

  it('marks an answer cut mid-stream as interrupted and writes a fresh one', async () => {
    const { slack, anthropic } = await startAnsweringFakes(300);
    const dir = tempDir();
    const env = childEnv(slack, anthropic, dir);
    const first = startChild(env);
    const url = `http://127.0.0.1:${await first.started}`;
    const ts = nextTs();
    await sendEvent(url, SIGNING_SECRET, appMentionEnvelope({ text: '<@UBOT> streaming-victim', ts }));
    // The first append comes after the bot has recorded which message it is streaming into.
    await slack.waitFor(() => slack.callsTo('chat.appendStream')[0], { what: 'stream under way' });
    await kill9(first);

    const second = startChild(env);
    await second.started;
    await slack.waitFor(() => completeAnswers(slack, ts, 'streaming-victim') === 1, { timeoutMs: 15_000 });
    const bot = slack.messages('C0001', ts).filter((m) => m.user === 'UBOT' && !m.text.startsWith('PHR-'));
    expect(bot[0]?.text).toContain('interrupted by a restart; a fresh answer follows below');
    expect(bot[0]?.streaming).toBe(false);
    expect(completeAnswers(slack, ts, 'streaming-victim')).toBe(1);
  });

  it('keeps the answer, the PHR file and the database intact when killed while recording', async () => {
    const { slack, anthropic } = await startAnsweringFakes(0);
    const dir = tempDir();
    const env = childEnv(slack, anthropic, dir);
    const first = startChild(env);
    const url = `http://127.0.0.1:${await first.started}`;
    // The PHR's context line is the last thing posted for an answer: hold it, and kill the bot there.
    slack.failNext('chat.postMessage', { hang: true });
    const ts = nextTs();
    await sendEvent(url, SIGNING_SECRET, appMentionEnvelope({ text: '<@UBOT> record-victim', ts }));
    await slack.waitFor(() => slack.callsTo('chat.postMessage')[0], { what: 'PHR line being posted' });
    await kill9(first);

    const db = new Database(join(dir, 'bot.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const folder = join(dir, 'history', 'prompts', 'general');
    const [file] = readdirSync(folder);
    expect(parsePhr(readFileSync(join(folder, file as string), 'utf8'), file as string).prompt).toBe(
      'record-victim',
    );

    const second = startChild(env);
    await second.started;
    // A later question is answered normally; the recorded one is not answered twice.
    const next = nextTs();
    await sendEvent(
      `http://127.0.0.1:${await second.started}`,
      SIGNING_SECRET,
      appMentionEnvelope({ text: '<@UBOT> after', ts: next }),
    );
    await slack.waitFor(() => completeAnswers(slack, next, 'after') === 1);
    expect(completeAnswers(slack, ts, 'record-victim')).toBe(1);
    expect(anthropic.requests).toHaveLength(2);
  });
});

describe('SIGTERM', () => {
  it('stops taking work, lets the answer in flight finish, closes the database and exits 0', async () => {
    const { slack, anthropic } = await startAnsweringFakes(0);
    const dir = tempDir();
    const child = startChild(childEnv(slack, anthropic, dir));
    const url = `http://127.0.0.1:${await child.started}`;
    const gate = anthropic.hold();
    const ts = nextTs();
    await sendEvent(url, SIGNING_SECRET, appMentionEnvelope({ text: '<@UBOT> in-flight', ts }));
    await anthropic.waitFor(() => anthropic.requests.length === 1);

    child.process.kill('SIGTERM');
    await printed(child, /"msg":"stopping"/);
    await expect(
      sendEvent(url, SIGNING_SECRET, appMentionEnvelope({ text: '<@UBOT> too late', ts: nextTs() })),
    ).rejects.toThrow();
    gate.release();
    const [code] = await once(child.process, 'exit');
    expect(code).toBe(0);
    expect(completeAnswers(slack, ts, 'in-flight')).toBe(1);
    expect(child.output()).toContain('"msg":"stopped"');
  });
});
