import { afterEach, describe, expect, it } from 'vitest';
import type { NewQuestion } from '../../../src/inbox/store.js';
import { PostgresInboxStore } from '../../../src/inbox/store-postgres.js';
import { closePostgres, openPostgres, type PgPool } from '../../../src/store/postgres/connect.js';
import { type MigratedDatabase, migratedDatabase } from '../../helpers/postgres.js';

// Two replicas: two pools (two processes' connections) on one database, each with its own claims.

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function replicas(): Promise<{
  database: MigratedDatabase;
  a: PostgresInboxStore;
  b: PostgresInboxStore;
}> {
  const database = await migratedDatabase();
  cleanup.push(database.close);
  const second: PgPool = openPostgres(database.url);
  cleanup.push(() => closePostgres(second));
  return {
    database,
    a: new PostgresInboxStore(database.pool, { replicaId: 'replica-a', leaseSeconds: 30 }),
    b: new PostgresInboxStore(second, { replicaId: 'replica-b', leaseSeconds: 30 }),
  };
}

function question(messageKey: string, threadTs: string | null = messageKey): NewQuestion {
  return { source: 'mention', teamId: 'T1', channelId: 'C1', messageKey, threadTs, userId: 'U1', text: 'q' };
}

/** The lease of every claimed question runs out now (its replica died or hung). */
async function leasesRunOut(database: MigratedDatabase) {
  await database.pool.query("UPDATE questions SET lease_expires_at = now() - interval '1 second'");
}

describe('PostgresInboxStore with two replicas', () => {
  it('accepts a message once when its retries and twins arrive at both replicas at once', async () => {
    const { a, b } = await replicas();
    const deliveries = Array.from({ length: 20 }, (_, i) => {
      const store = i % 2 === 0 ? a : b;
      // Even deliveries repeat one event id (Slack retries); odd ones are the message's twin events.
      return store.acceptSoon(i % 2 === 0 ? 'EvSAME' : `EvTWIN${i}`, question('1.1'));
    });
    const results = await Promise.all(deliveries);
    expect(results.filter((result) => result.accepted)).toHaveLength(1);
    expect(await a.openCount()).toBe(1);
  });

  it('never lets two replicas claim the same question, nor two questions of one thread', async () => {
    const { a, b } = await replicas();
    for (const key of ['1.1', '1.2', '1.3', '1.4']) await a.accept(null, question(key));
    await a.accept(null, question('2.1', 'THREAD'));
    await a.accept(null, question('2.2', 'THREAD'));
    const claims = await Promise.all([
      a.claimNext(),
      b.claimNext(),
      a.claimNext(),
      b.claimNext(),
      a.claimNext(),
      b.claimNext(),
    ]);
    const keys = claims.flatMap((claimed) => (claimed ? [claimed.messageKey] : []));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(['1.1', '1.2', '1.3', '1.4', '2.1']);
    expect(await b.claimNext()).toBeUndefined();
  });

  it('lets another replica take over a question whose lease ran out, and the first one lose it', async () => {
    const { database, a, b } = await replicas();
    const accepted = await a.accept('Ev1', question('1.1'));
    if (!accepted.accepted) throw new Error('not accepted');
    expect((await a.claimNext())?.id).toBe(accepted.id);
    await a.setPartial(accepted.id, '1.5');
    // While a renews, b cannot have it.
    expect(await a.renewLeases([accepted.id])).toEqual([accepted.id]);
    expect(await b.claimNext()).toBeUndefined();

    await leasesRunOut(database);
    const taken = await b.claimNext();
    expect(taken).toMatchObject({ id: accepted.id, attempts: 2, partialTs: '1.5' });
    // a comes back: its claim is gone, and its late finish does not overwrite b's work.
    expect(await a.renewLeases([accepted.id])).toEqual([]);
    // Nothing a writes any more reaches the question: not its mark, not its outcome.
    await a.setPartial(accepted.id, null);
    expect(await a.finish(accepted.id, { state: 'failed', error: 'late' })).toBe(false);
    expect(await b.get(accepted.id)).toMatchObject({ state: 'answering', partialTs: '1.5' });
    expect(await b.finish(accepted.id, { state: 'answered', answerTs: '1.6' })).toBe(true);
    // Once b has closed it, a's late finish still changes nothing.
    expect(await a.finish(accepted.id, { state: 'failed', error: 'later' })).toBe(false);
    expect(await a.get(accepted.id)).toMatchObject({ state: 'answered', partialTs: null });
  });

  it('lets a replica give back only its own claims', async () => {
    const { a, b } = await replicas();
    const accepted = await a.accept(null, question('1.1'));
    if (!accepted.accepted) throw new Error('not accepted');
    await a.claimNext();
    await b.release(accepted.id);
    expect((await a.get(accepted.id))?.state).toBe('answering');
    await a.release(accepted.id);
    expect((await b.claimNext())?.id).toBe(accepted.id);
  });

  it('leaves claims alone at start-up: a question whose lease ran out is claimable as it stands', async () => {
    const { database, a, b } = await replicas();
    await a.accept(null, question('1.1'));
    await a.claimNext();
    await leasesRunOut(database);
    expect(await b.requeueInterrupted()).toBe(0);
    expect((await b.claimNext())?.messageKey).toBe('1.1');
  });

  it('answers one question of a thread at a time even when a later one was stored first', async () => {
    const { database, a, b } = await replicas();
    // Replicas commit out of order: the thread's second question is claimed before the first is visible.
    await a.accept(null, question('2.2', 'THREAD'));
    expect((await a.claimNext())?.messageKey).toBe('2.2');
    await database.pool.query(
      `INSERT INTO questions (id, source, team_id, channel_id, message_key, thread_ts, user_id, text, created_at, updated_at)
       VALUES (0, 'mention', 'T1', 'C1', '2.1', 'THREAD', 'U1', 'q', 'x', 'x')`,
    );
    expect(await b.claimNext()).toBeUndefined();
    await leasesRunOut(database);
    expect((await b.claimNext())?.messageKey).toBe('2.1');
  });

  it('keeps a thread in order when its first question is taken over', async () => {
    const { database, a, b } = await replicas();
    await a.accept(null, question('2.1', 'THREAD'));
    await a.accept(null, question('2.2', 'THREAD'));
    expect((await a.claimNext())?.messageKey).toBe('2.1');
    await leasesRunOut(database);
    // The expired first question is answered again before the second one.
    expect((await b.claimNext())?.messageKey).toBe('2.1');
    expect(await a.claimNext()).toBeUndefined();
  });
});
