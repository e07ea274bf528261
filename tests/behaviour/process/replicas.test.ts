import { once } from 'node:events';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { closePostgres, openPostgres } from '../../../src/store/postgres/connect.js';
import { SIGNING_SECRET } from '../../helpers/bot-harness.js';
import { type Child, childEnv, startAnsweringFakes, startChild } from '../../helpers/child-bot.js';
import { freshDatabase, postgresServer } from '../../helpers/postgres.js';
import { appMentionEnvelope, messageEnvelope, nextTs, sendEvent } from '../../helpers/slack-requests.js';
import { tempDir } from '../../helpers/temp.js';

// Two real bot processes on one real PostgreSQL, behind the loopback Slack and Anthropic stand-ins:
// Slack's deliveries are spread over both, retries and twins land on the other one, and one of them is
// killed with SIGKILL while it is answering.

const QUESTIONS = 16;

/** The replica id a bot logged when it opened the database. */
function replicaOf(child: Child): string {
  const line = child
    .output()
    .split('\n')
    .find((text) => text.includes('"msg":"database: PostgreSQL"'));
  return (JSON.parse(line ?? '{}') as { replica?: string }).replica ?? '';
}

describe('two replicas on one PostgreSQL', () => {
  it('answer every acknowledged question exactly once through retries, twins and a replica killed mid-answer', async () => {
    const { slack, anthropic } = await startAnsweringFakes(40);
    const database = await freshDatabase();
    onTestFinished(database.drop);
    // Both start at once against an empty database: the migration runs once, under its lock.
    const shared = { DATABASE_URL: database.url, CLAIM_LEASE_SECONDS: '5' };
    const a = startChild(childEnv(slack, anthropic, tempDir(), { ...shared, MAX_CONCURRENT_ANSWERS: '1' }));
    const b = startChild(childEnv(slack, anthropic, tempDir(), { ...shared, MAX_CONCURRENT_ANSWERS: '3' }));
    const urls = [`http://127.0.0.1:${await a.started}`, `http://127.0.0.1:${await b.started}`];

    const questions = Array.from({ length: QUESTIONS }, (_, i) => ({ ts: nextTs(), text: `question-${i}` }));
    const statuses = await Promise.all(
      questions.flatMap((q, i) => {
        const [here, there] = i % 2 === 0 ? urls : [urls[1], urls[0]];
        const mention = appMentionEnvelope({ text: `<@UBOT> ${q.text}`, ts: q.ts, eventId: `EvMENTION${i}` });
        const twin = messageEnvelope({ text: `<@UBOT> ${q.text}`, ts: q.ts, eventId: `EvMESSAGE${i}` });
        return [
          sendEvent(here as string, SIGNING_SECRET, mention),
          // Slack's retry of the same delivery, and the message twin, both at the other replica.
          sendEvent(there as string, SIGNING_SECRET, mention, { retryNum: 1, retryReason: 'http_timeout' }),
          sendEvent(there as string, SIGNING_SECRET, twin),
        ].map(async (sent) => (await sent).status);
      }),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);

    // a answers one question at a time and is killed mid-stream: once the message it streams into
    // is on record (a kill before that instant leaves a message nobody can find to mark).
    const replica = replicaOf(a);
    expect(replica).not.toBe('');
    const pool = openPostgres(database.url);
    onTestFinished(() => closePostgres(pool));
    await vi.waitFor(
      async () => {
        const { rows } = await pool.query(
          "SELECT 1 FROM questions WHERE lease_owner = $1 AND state = 'answering' AND partial_ts IS NOT NULL",
          [replica],
        );
        expect(rows).toHaveLength(1);
      },
      { timeout: 20_000, interval: 5 },
    );
    a.process.kill('SIGKILL');
    await once(a.process, 'exit');

    const complete = (q: { ts: string; text: string }) =>
      slack
        .messages('C0001', q.ts)
        .filter((m) => m.user === 'UBOT' && m.text.includes(`Complete answer to: ${q.text}`)).length;
    await slack.waitFor(() => questions.every((q) => complete(q) >= 1), {
      what: 'every question answered',
      timeoutMs: 45_000,
    });
    for (const q of questions) expect(complete(q), q.text).toBe(1);
    // What a was streaming when it died is marked as cut off, never left looking complete.
    for (const m of slack
      .messages('C0001')
      .filter((m) => m.user === 'UBOT' && m.text.startsWith('Thinking'))) {
      if (!m.text.includes('Complete answer to:')) expect(m.text).toContain('interrupted');
    }

    // The records: one PHR per answer, numbered without duplicates or gaps across both replicas.
    // A record is written after its answer is complete; the last ones may still be on their way.
    await vi.waitFor(
      async () => {
        const open = await pool.query("SELECT count(*)::int AS n FROM questions WHERE state <> 'answered'");
        expect(open.rows[0]?.n).toBe(0);
        const { rows } = await pool.query<{ number: number }>('SELECT number FROM phrs ORDER BY number');
        expect(rows.map((row) => row.number)).toEqual(Array.from({ length: QUESTIONS }, (_, i) => i + 1));
      },
      { timeout: 10_000 },
    );
    expect(b.output()).not.toContain(database.url);
  }, 90_000);

  it('refuse to start with one sentence, no stack trace and no password, when PostgreSQL refuses them', async () => {
    const { socketDir, port, user } = postgresServer();
    const url = `postgres://${user}:wrong-pass-1234@/postgres?host=${encodeURIComponent(socketDir)}&port=${port}`;
    const child = startChild({
      SLACK_BOT_TOKEN: 'xoxb-test-bot-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      PORT: '0',
      DATABASE_URL: url,
    });
    const [code] = await once(child.process, 'exit');
    expect(code).toBe(1);
    const output = child.output();
    expect(output).toContain('The bot could not start.');
    expect(output).toMatch(
      /PostgreSQL at DATABASE_URL could not be opened and migrated: .*password authentication failed/,
    );
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain('wrong-pass-1234');
  });
});
