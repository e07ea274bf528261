import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BOT_TOKEN, type Harness, SIGNING_SECRET, startHarness } from '../../helpers/bot-harness.js';
import { FakeAnthropic } from '../../helpers/fake-anthropic.js';
import { FakeSlack } from '../../helpers/fake-slack.js';
import { freshDatabase } from '../../helpers/postgres.js';
import {
  appMentionEnvelope,
  feedbackActionPayload,
  messageEnvelope,
  nextTs,
  sendAction,
} from '../../helpers/slack-requests.js';

// Two bots on one PostgreSQL (two Bolt apps in this process) sharing the loopback Slack and
// Anthropic: what one replica stored, the other one sees.

async function twoReplicas(
  socket: boolean,
  now?: () => Date,
): Promise<{ slack: FakeSlack; anthropic: FakeAnthropic; a: Harness; b: Harness }> {
  const database = await freshDatabase();
  onTestFinished(database.drop);
  const slack = await FakeSlack.start({ token: BOT_TOKEN });
  const anthropic = await FakeAnthropic.start();
  const env = { DATABASE_URL: database.url };
  const a = await startHarness({ socket, slack, anthropic, env, ...(now ? { now } : {}) });
  const b = await startHarness({ socket, slack, anthropic, env, ...(now ? { now } : {}) });
  return { slack, anthropic, a, b };
}

/** The bot's messages in a thread other than its record lines. */
function answers(slack: FakeSlack, ts: string) {
  return slack.messages('C0001', ts).filter((m) => m.user === 'UBOT' && !m.text.startsWith('PHR-'));
}

describe('two replicas on one PostgreSQL', () => {
  it('in Socket Mode, answer once whichever connection carries a message, its retry and its twin', async () => {
    const { slack, anthropic } = await twoReplicas(true);
    await slack.socket.connected(2);
    const ts = nextTs();
    const mention = appMentionEnvelope({ text: '<@UBOT> which replica?', ts });
    await slack.socket.send('events_api', mention, { connection: 0 });
    // Slack redelivers to any of the app's connections, and the message twin may take the other one.
    await slack.socket.send('events_api', mention, {
      connection: 1,
      retryAttempt: 1,
      retryReason: 'timeout',
    });
    await slack.socket.send('events_api', messageEnvelope({ text: '<@UBOT> which replica?', ts }), {
      connection: 1,
    });
    await slack.waitFor(() => slack.messages('C0001', ts).some((m) => m.text.startsWith('PHR-0001')));
    expect(answers(slack, ts).map((m) => m.text.split('\n').at(-1))).toEqual(['which replica?']);

    // A follow-up in the thread, without a mention, reaching the other replica: the thread is known there.
    await slack.socket.send(
      'events_api',
      messageEnvelope({ text: 'and then?', ts: nextTs(), thread_ts: ts }),
      { connection: 1 },
    );
    await slack.waitFor(() => slack.messages('C0001', ts).some((m) => m.text.startsWith('PHR-0002')));
    expect(answers(slack, ts).map((m) => m.text.split('\n').at(-1))).toEqual(['which replica?', 'and then?']);
    expect(anthropic.requests).toHaveLength(2);
  });

  it('over HTTP, serve any record link and take clicks on any answer, whichever replica wrote it', async () => {
    const { slack, a, b } = await twoReplicas(false);
    const ts = nextTs();
    await a.event(appMentionEnvelope({ text: '<@UBOT> a record please', ts }));
    await slack.waitFor(() => slack.messages('C0001', ts).some((m) => m.text.startsWith('PHR-0001')));
    const line = slack.messages('C0001', ts).find((m) => m.text.startsWith('PHR-0001'));
    const link = /<(http[^|>]+)\|/.exec(JSON.stringify(line?.blocks ?? []))?.[1] ?? '';
    const path = new URL(link).pathname + new URL(link).search;
    for (const replica of [a, b]) {
      const page = await fetch(`${replica.url}${path}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('a record please');
    }

    // 👎 on the answer, clicked through the other replica: the vote lands on the record.
    const answer = answers(slack, ts)[0];
    const buttons = (
      (answer?.blocks ?? []) as { type: string; elements?: { negative_button?: { value: string } }[] }[]
    ).find((block) => block.type === 'context_actions')?.elements?.[0]?.negative_button;
    const click = await sendAction(
      b.url,
      SIGNING_SECRET,
      feedbackActionPayload({ value: buttons?.value ?? '', message_ts: answer?.ts ?? '', thread_ts: ts }),
    );
    expect(click.status).toBe(200);
    await b.waitForLog('feedback stored');
    const page = await (await fetch(`${a.url}${path}`)).text();
    expect(page).toContain('👍 0 · 👎 1');
  });

  it('RETENTION_DAYS deletes an old PHR file from every replica, not only the one whose DELETE took the rows', async () => {
    const tenDaysAgo = new Date(Date.now() - 10 * 24 * 60 * 60 * 1000);
    const { slack, a, b } = await twoReplicas(false, () => tenDaysAgo);
    const ts = nextTs();
    await a.event(appMentionEnvelope({ text: '<@UBOT> an old question', ts }));
    await slack.waitFor(() => slack.messages('C0001', ts).some((m) => m.text.startsWith('PHR-0001')));
    // Either replica may have answered it: the file is in that one's mirror, written ten days ago.
    const mirrors = [a, b].map((replica) =>
      join(replica.env.DATA_DIR as string, 'history', 'prompts', 'general'),
    );
    const owner = existsSync(mirrors[0] as string) ? 0 : 1;
    const folder = mirrors[owner] as string;
    const [file] = readdirSync(folder);
    utimesSync(join(folder, file as string), tenDaysAgo, tenDaysAgo);

    // The other replica's retention deletes the rows; then the owner's finds none left to delete.
    const [owning, other] = owner === 0 ? [a, b] : [b, a];
    await other.restart({ RETENTION_DAYS: '5' }, () => new Date());
    expect(await other.waitForLog('retention applied')).toMatchObject({ phrs: 1, mirrorFiles: 0 });
    expect(readdirSync(folder)).toEqual([file]);
    await owning.restart({ RETENTION_DAYS: '5' }, () => new Date());
    expect(await owning.waitForLog('retention applied')).toMatchObject({ phrs: 0, mirrorFiles: 1 });
    expect(readdirSync(folder)).toEqual([]);
  });
});
