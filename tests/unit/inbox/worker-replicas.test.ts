import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NewQuestion, Question } from '../../../src/inbox/store.js';
import { PostgresInboxStore } from '../../../src/inbox/store-postgres.js';
import { createWorker, type Worker } from '../../../src/inbox/worker.js';
import { silentLogger } from '../../../src/log.js';
import { closePostgres, openPostgres } from '../../../src/store/postgres/connect.js';
import { migratedDatabase } from '../../helpers/postgres.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A replica's worker on the shared database; its answers run until the test ends them or abort. */
function replica(url: string, name: string) {
  const pool = openPostgres(url);
  const inbox = new PostgresInboxStore(pool, { replicaId: name, leaseSeconds: 30 });
  const started: Question[] = [];
  const aborted: number[] = [];
  const worker: Worker = createWorker({
    inbox,
    concurrency: 2,
    logger: silentLogger,
    shared: { pollMs: 10, renewMs: 10 },
    handle: (question, signal) =>
      new Promise<void>((resolve) => {
        started.push(question);
        signal.addEventListener('abort', () => {
          aborted.push(question.id);
          resolve();
        });
      }),
  });
  cleanup.push(async () => {
    await worker.stop(0);
    await closePostgres(pool);
  });
  return { inbox, worker, started, aborted };
}

function question(key: string): NewQuestion {
  return {
    source: 'mention',
    teamId: 'T1',
    channelId: 'C1',
    messageKey: key,
    threadTs: key,
    userId: 'U1',
    text: 'q',
  };
}

describe('workers of two replicas on one PostgreSQL', () => {
  it('find questions the other replica accepted without being told', async () => {
    const database = await migratedDatabase();
    cleanup.push(database.close);
    const a = replica(database.url, 'replica-a');
    const b = replica(database.url, 'replica-b');
    for (const key of ['1.1', '1.2', '1.3', '1.4']) {
      await a.inbox.accept(null, question(key));
    }
    // Nobody calls notify(): both workers poll, and each takes what it has room for.
    await vi.waitFor(() => expect(a.started.length + b.started.length).toBe(4));
    expect(a.started).toHaveLength(2);
    expect(b.started).toHaveLength(2);
  });

  it('take over a question whose lease ran out, and the replica that lost it stops answering', async () => {
    const database = await migratedDatabase();
    cleanup.push(database.close);
    const a = replica(database.url, 'replica-a');
    await a.inbox.accept(null, question('1.1'));
    await vi.waitFor(() => expect(a.started).toHaveLength(1));
    // a hangs (nothing it sends reaches the database) long enough for its lease to run out.
    const renew = vi.spyOn(a.inbox, 'renewLeases').mockRejectedValue(new Error('connection lost'));
    const claim = vi.spyOn(a.inbox, 'claimNext').mockRejectedValue(new Error('connection lost'));
    const b = replica(database.url, 'replica-b');
    // (Repeated, because a renewal a sent just before it hung may still land after the first expiry.)
    await vi.waitFor(async () => {
      await database.pool.query(
        "UPDATE questions SET lease_expires_at = now() - interval '1 second' WHERE lease_owner = 'replica-a'",
      );
      expect(b.started).toHaveLength(1);
    });
    expect(b.started[0]).toMatchObject({ messageKey: '1.1', attempts: 2 });
    // a reconnects: its next renewal finds the claim gone, and its answer is aborted.
    renew.mockRestore();
    claim.mockRestore();
    await vi.waitFor(() => expect(a.aborted).toEqual([b.started[0]?.id]));
    expect(b.aborted).toEqual([]);
    expect(a.started).toHaveLength(1);
  });

  it('does not answer a question twice when it claims its own answer again after missed renewals', async () => {
    const database = await migratedDatabase();
    cleanup.push(database.close);
    const a = replica(database.url, 'replica-a');
    await a.inbox.accept(null, question('1.1'));
    await vi.waitFor(() => expect(a.started).toHaveLength(1));
    const renew = vi.spyOn(a.inbox, 'renewLeases').mockRejectedValue(new Error('connection lost'));
    await database.pool.query("UPDATE questions SET lease_expires_at = now() - interval '1 second'");
    // a's own poll claims it back (attempts goes up), and the answer already running carries on.
    await vi.waitFor(async () => {
      const { rows } = await database.pool.query('SELECT attempts FROM questions');
      expect(rows[0]?.attempts).toBeGreaterThan(1);
    });
    renew.mockRestore();
    expect(a.started).toHaveLength(1);
    expect(a.aborted).toEqual([]);
    expect(await a.inbox.renewLeases([a.started[0]?.id ?? 0])).toEqual([a.started[0]?.id]);
  });

  it('do not take an answer that closed its own question, and is still posting its record, for a lost claim', async () => {
    const database = await migratedDatabase();
    cleanup.push(database.close);
    const pool = openPostgres(database.url);
    const inbox = new PostgresInboxStore(pool, { replicaId: 'replica-a', leaseSeconds: 30 });
    const warnings: string[] = [];
    let renewals = 0;
    const renewLeases = inbox.renewLeases.bind(inbox);
    inbox.renewLeases = async (ids) => {
      renewals++;
      return renewLeases(ids);
    };
    let aborted = false;
    let closed = false;
    const worker = createWorker({
      inbox,
      concurrency: 1,
      logger: {
        ...silentLogger,
        warn: (message: string) => void warnings.push(message),
      } as typeof silentLogger,
      shared: { pollMs: 10, renewMs: 10 },
      handle: async (question, signal) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        await inbox.finish(question.id, { state: 'answered' });
        closed = true;
        // The record and the ADR cards are still being posted while renewals come round.
        const seen = renewals;
        await vi.waitFor(() => expect(renewals).toBeGreaterThan(seen + 2));
      },
    });
    cleanup.push(async () => {
      await worker.stop(0);
      await closePostgres(pool);
    });
    await inbox.accept(null, question('1.1'));
    worker.notify();
    await vi.waitFor(() => expect(closed && worker.inFlight === 0).toBe(true));
    expect(aborted).toBe(false);
    expect(warnings).toEqual([]);
  });
});
