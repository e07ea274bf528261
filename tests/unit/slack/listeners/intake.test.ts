import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../../../src/inbox/admission.js';
import type { NewQuestion } from '../../../../src/inbox/store.js';
import { SqliteInboxStore } from '../../../../src/inbox/store-sqlite.js';
import { silentLogger } from '../../../../src/log.js';
import { acceptQuestion, type ListenerDeps } from '../../../../src/slack/listeners/intake.js';
import { openDatabase } from '../../../../src/store/database.js';
import { tempDir } from '../../../helpers/temp.js';

/** acceptQuestion with a real inbox; questions passed in one turn share one group commit. */
function intake(userQuestionsPerHour = 30) {
  const path = join(tempDir(), 'bot.db');
  const db = openDatabase(path);
  const inbox = new SqliteInboxStore(db);
  const seen: string[] = [];
  let notified = 0;
  const deps = {
    inbox,
    admission: createAdmission({
      allowedChannels: [],
      allowedUsers: [],
      userQuestionsPerHour,
      channelQuestionsPerHour: 0,
    }),
    limits: { user: userQuestionsPerHour, channel: 0 },
    textPolicy: { maxChars: 4_000 },
    worker: { notify: () => notified++ },
    events: {
      accepted: (source: string) => seen.push(`accepted ${source}`),
      duplicate: (reason: string) => seen.push(`duplicate ${reason}`),
      ignored: (reason: string) => seen.push(`ignored ${reason}`),
    },
    logger: silentLogger,
  } as unknown as ListenerDeps;
  return { path, db, inbox, deps, seen, notified: () => notified };
}

function question(messageKey: string, overrides: Partial<NewQuestion> = {}): NewQuestion {
  return {
    source: 'mention',
    teamId: 'T1',
    channelId: 'C1',
    messageKey,
    threadTs: messageKey,
    userId: 'U1',
    text: 'How do I paginate?',
    ...overrides,
  };
}

describe('accepting questions in one group commit', () => {
  it('takes one of two twins in the same batch and drops the other as a twin, counting it once', async () => {
    const { deps, inbox, seen } = intake(2);
    const results = await Promise.all([
      acceptQuestion(deps, 'Ev1', question('1.1')),
      acceptQuestion(deps, 'Ev2', question('1.1', { source: 'thread' })),
      acceptQuestion(deps, 'Ev3', question('1.2')),
    ]);
    expect(results).toEqual([{ accepted: true }, { accepted: false }, { accepted: true }]);
    expect(seen).toEqual(['accepted mention', 'duplicate twin', 'accepted mention']);
    expect(await inbox.openCount()).toBe(2);
  });

  it('counts a question against the limit before its commit, as if it had been written at once', async () => {
    const { deps, seen } = intake(1);
    const results = await Promise.all([
      acceptQuestion(deps, 'Ev1', question('1.1')),
      acceptQuestion(deps, 'Ev2', question('1.2')),
    ]);
    expect(results[0]).toEqual({ accepted: true });
    expect(results[1]).toMatchObject({ accepted: false, refusal: expect.stringMatching(/1 questions/) });
    expect(seen).toEqual(['ignored user_rate_limited', 'accepted mention']);
  });

  it('fails every question of a batch whose commit fails, counts none, and takes the retries', async () => {
    const { path, db, deps, inbox, seen, notified } = intake(2);
    db.pragma('busy_timeout = 0');
    const blocker = openDatabase(path);
    blocker.exec('BEGIN IMMEDIATE');
    const settled = await Promise.allSettled([
      acceptQuestion(deps, 'Ev1', question('1.1')),
      acceptQuestion(deps, 'Ev2', question('1.2')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(seen).toEqual([]);
    expect(notified()).toBe(0);
    blocker.exec('ROLLBACK');
    blocker.close();
    // Slack's redeliveries: both accepted, within the limit of 2 the failed batch did not use up.
    const retried = await Promise.all([
      acceptQuestion(deps, 'Ev1', question('1.1')),
      acceptQuestion(deps, 'Ev2', question('1.2')),
    ]);
    expect(retried).toEqual([{ accepted: true }, { accepted: true }]);
    expect(await inbox.openCount()).toBe(2);
    expect(notified()).toBe(2);
  });
});
