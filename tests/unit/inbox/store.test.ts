import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InboxStore, NewQuestion } from '../../../src/inbox/store.js';
import { PostgresInboxStore } from '../../../src/inbox/store-postgres.js';
import { SqliteInboxStore } from '../../../src/inbox/store-sqlite.js';
import { openDatabase } from '../../../src/store/database.js';
import { BACKENDS, type Backend } from '../../helpers/backends.js';
import { tempDir } from '../../helpers/temp.js';

function question(overrides: Partial<NewQuestion> = {}): NewQuestion {
  return {
    source: 'mention',
    teamId: 'T1',
    channelId: 'C1',
    messageKey: '1700000000.000100',
    threadTs: '1700000000.000100',
    userId: 'U1',
    text: 'How do I paginate?',
    ...overrides,
  };
}

function inbox() {
  return new SqliteInboxStore(openDatabase(join(tempDir(), 'bot.db')));
}

/**
 * The inbox on a fresh database of `backend`, and what a stopped process leaves behind: with SQLite its
 * claims end with it; with PostgreSQL they last until their lease runs out, which is made to happen now.
 */
async function inboxOn(backend: Backend): Promise<{ store: InboxStore; stopped(): Promise<void> }> {
  const opened = await backend.open();
  if (opened.kind === 'sqlite') return { store: new SqliteInboxStore(opened.db), stopped: async () => {} };
  return {
    store: new PostgresInboxStore(opened.pool, { replicaId: 'replica-a', leaseSeconds: 30 }),
    async stopped() {
      await opened.pool.query("UPDATE questions SET lease_expires_at = now() - interval '1 second'");
    },
  };
}

function inboxAt() {
  const path = join(tempDir(), 'bot.db');
  const db = openDatabase(path);
  return { path, db, store: new SqliteInboxStore(db) };
}

describe.each(BACKENDS)('InboxStore on $name', (backend) => {
  const open = async () => (await inboxOn(backend)).store;

  it('accepts a question once per event id', async () => {
    const store = await open();
    expect(await store.accept('Ev1', question())).toMatchObject({ accepted: true });
    expect(await store.accept('Ev1', question())).toEqual({ accepted: false, reason: 'retry' });
  });

  it('collapses the app_mention and message twins of one message', async () => {
    const store = await open();
    expect(await store.accept('Ev1', question())).toMatchObject({ accepted: true });
    expect(await store.accept('Ev2', question({ source: 'thread' }))).toEqual({
      accepted: false,
      reason: 'twin',
    });
    expect(await store.openCount()).toBe(1);
  });

  it('claims oldest first and one question per thread at a time', async () => {
    const store = await open();
    await store.accept('Ev1', question({ messageKey: '1.1', threadTs: 'T' }));
    await store.accept('Ev2', question({ messageKey: '1.2', threadTs: 'T' }));
    await store.accept('Ev3', question({ messageKey: '1.3', threadTs: '1.3' }));
    expect((await store.claimNext())?.messageKey).toBe('1.1');
    // 1.2 waits for 1.1, which is still being answered in the same thread.
    expect((await store.claimNext())?.messageKey).toBe('1.3');
    expect(await store.claimNext()).toBeUndefined();
  });

  it("answers a thread's questions in Slack's order when they were delivered out of it", async () => {
    const store = await open();
    await store.accept('Ev1', question({ messageKey: '1.3', threadTs: 'T' }));
    await store.accept('Ev2', question({ messageKey: '1.2', threadTs: 'T' }));
    const first = await store.claimNext();
    expect(first?.messageKey).toBe('1.2');
    expect(await store.claimNext()).toBeUndefined();
    await store.finish(first?.id ?? 0, { state: 'answered' });
    expect((await store.claimNext())?.messageKey).toBe('1.3');
  });

  it('puts questions interrupted by a stop back in the queue, keeping their partial answer ts', async () => {
    const { store, stopped } = await inboxOn(backend);
    const accepted = await store.accept('Ev1', question());
    if (!accepted.accepted) throw new Error('not accepted');
    const claimed = await store.claimNext();
    await store.setPartial(accepted.id, '1700000001.000100');
    expect(claimed?.attempts).toBe(1);
    await stopped();
    // SQLite puts it back at start; with PostgreSQL a question whose lease ran out is claimable as it is.
    expect(await store.requeueInterrupted()).toBe(backend.name === 'sqlite' ? 1 : 0);
    const again = await store.claimNext();
    expect(again).toMatchObject({ id: accepted.id, attempts: 2, partialTs: '1700000001.000100' });
    await store.finish(accepted.id, { state: 'answered', answerTs: '1700000001.000100' });
    expect(await store.openCount()).toBe(0);
    expect((await store.get(accepted.id))?.state).toBe('answered');
  });

  it('forgets old event ids', async () => {
    const store = await open();
    await store.markEventSeen('Ev1');
    expect(await store.forgetEventsBefore(new Date(Date.now() + 1000))).toBe(1);
    expect(await store.markEventSeen('Ev1')).toBe(true);
  });

  it('accepts one of many twins and retries racing each other', async () => {
    const store = await open();
    const results = await Promise.all([
      store.acceptSoon('Ev1', question()),
      store.acceptSoon('Ev2', question({ source: 'thread' })),
      store.acceptSoon('Ev1', question()),
      store.accept('Ev3', question()),
    ]);
    expect(results.filter((result) => result.accepted)).toHaveLength(1);
    expect(await store.openCount()).toBe(1);
    expect(await store.duplicateOf('Ev1', 'C1', 'other')).toBe('retry');
    expect(await store.duplicateOf('Ev9', 'C1', question().messageKey)).toBe('twin');
  });

  it('gives back a question its process will not finish, keeping its partial answer ts', async () => {
    const store = await open();
    const accepted = await store.accept('Ev1', question());
    if (!accepted.accepted) throw new Error('not accepted');
    await store.claimNext();
    await store.setPartial(accepted.id, '1700000001.000100');
    await store.release(accepted.id);
    expect(await store.claimNext()).toMatchObject({
      id: accepted.id,
      attempts: 2,
      partialTs: '1700000001.000100',
    });
  });

  it('keeps the claim of a question being answered', async () => {
    const store = await open();
    const accepted = await store.accept('Ev1', question());
    if (!accepted.accepted) throw new Error('not accepted');
    expect(await store.renewLeases([accepted.id])).toEqual([]);
    await store.claimNext();
    expect(await store.renewLeases([accepted.id])).toEqual([accepted.id]);
    expect(await store.finish(accepted.id, { state: 'answered' })).toBe(true);
    expect(await store.renewLeases([accepted.id])).toEqual([]);
    expect(await store.renewLeases([])).toEqual([]);
  });
});

describe('SqliteInboxStore', () => {
  describe('group commit (acceptSoon)', () => {
    it('writes the calls of one event-loop turn in one transaction, in order', async () => {
      const { db, store } = inboxAt();
      const stored = () => (db.prepare('SELECT count(*) AS n FROM questions').get() as { n: number }).n;
      const pending = [
        store.acceptSoon('Ev1', question({ messageKey: '1.1' })),
        store.acceptSoon('Ev2', question({ messageKey: '1.2' })),
      ];
      // Nothing is written until the turn ends; meanwhile both are known to be on their way.
      expect(stored()).toBe(0);
      expect(store.awaitingCommit('Ev1', 'C1', 'other')).toBe(true);
      expect(store.awaitingCommit(null, 'C1', '1.2')).toBe(true);
      expect(await store.duplicateOf('Ev1', 'C1', '1.1')).toBeNull();
      const results = await Promise.all(pending);
      expect(stored()).toBe(2);
      expect(results.map((r) => r.accepted && r.id)).toEqual([1, 2]);
      expect(store.awaitingCommit('Ev1', 'C1', '1.1')).toBe(false);
      expect(await store.duplicateOf('Ev1', 'C1', '1.1')).toBe('retry');
    });

    it('resolves twins and retries in one batch: the first is accepted, the others are duplicates', async () => {
      const store = inbox();
      const results = await Promise.all([
        store.acceptSoon('Ev1', question()),
        store.acceptSoon('Ev2', question({ source: 'thread' })),
        store.acceptSoon('Ev1', question()),
      ]);
      expect(results).toEqual([
        { accepted: true, id: 1 },
        { accepted: false, reason: 'twin' },
        { accepted: false, reason: 'retry' },
      ]);
      expect(await store.openCount()).toBe(1);
    });

    it('fails every call of a batch whose transaction fails, storing none of it', async () => {
      const { path, db, store } = inboxAt();
      db.pragma('busy_timeout = 0');
      const blocker = openDatabase(path);
      blocker.exec('BEGIN IMMEDIATE');
      const batch = [
        store.acceptSoon('Ev1', question({ messageKey: '1.1' })),
        store.acceptSoon('Ev2', question({ messageKey: '1.2' })),
      ];
      const settled = await Promise.allSettled(batch);
      expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
      expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_BUSY' });
      blocker.exec('ROLLBACK');
      blocker.close();
      expect(await store.duplicateOf('Ev1', 'C1', '1.1')).toBeNull();
      expect(store.awaitingCommit('Ev1', 'C1', '1.1')).toBe(false);
      // Slack's redelivery is then taken like a first delivery.
      expect(await store.acceptSoon('Ev1', question({ messageKey: '1.1' }))).toMatchObject({
        accepted: true,
      });
      expect(await store.openCount()).toBe(1);
    });
  });
});
