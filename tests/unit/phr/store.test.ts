import { describe, expect, it } from 'vitest';
import type { NewPhrRow } from '../../../src/phr/store.js';
import { PostgresPhrStore } from '../../../src/phr/store-postgres.js';
import { BACKENDS, type Backend } from '../../helpers/backends.js';
import { twoReplicas } from '../../helpers/replicas.js';
import { phrStoreOn } from '../../helpers/stores.js';

let sequence = 0;

function phrRow(overrides: Partial<NewPhrRow> = {}): NewPhrRow {
  sequence += 1;
  return {
    publicId: `phr-${sequence}`,
    route: 'general',
    number: sequence,
    stage: 'general',
    title: `answer ${sequence}`,
    filePath: `history/prompts/general/${sequence}.md`,
    teamId: 'T1',
    channelId: 'C1',
    threadTs: '1700000000.000100',
    userId: 'U1',
    model: 'claude-test',
    inputTokens: 10,
    outputTokens: 20,
    cacheReadTokens: 3,
    cacheWriteTokens: 4,
    latencyMs: 50,
    costUsd: 0.25,
    markdown: '# answer',
    createdAt: '2026-03-01T10:00:00.000Z',
    ...overrides,
  };
}

describe.each(BACKENDS)('PhrStore on $name', (backend: Backend) => {
  const store = async () => phrStoreOn(await backend.open());

  it('keeps the first value of a setting', async () => {
    const phrs = await store();
    expect(await phrs.settingOrInit('secret', 'first')).toBe('first');
    expect(await phrs.settingOrInit('secret', 'second')).toBe('first');
    expect(await phrs.settingOrInit('other', 'x')).toBe('x');
  });

  it('stores a PHR and reads it back by public id, channel, asker and thread, newest first', async () => {
    const phrs = await store();
    const first = phrRow({ filePath: null });
    const second = phrRow({ userId: 'U2' });
    const elsewhere = phrRow({ channelId: 'C2', threadTs: '1700000009.000100' });
    for (const row of [first, second, elsewhere]) await phrs.insertPhr(row);
    expect(await phrs.phr(first.publicId)).toEqual({
      publicId: first.publicId,
      route: 'general',
      number: first.number,
      stage: 'general',
      title: first.title,
      filePath: null,
      channelId: 'C1',
      threadTs: '1700000000.000100',
      markdown: '# answer',
      createdAt: '2026-03-01T10:00:00.000Z',
    });
    expect(await phrs.phr('missing')).toBeUndefined();
    const ids = (rows: { publicId: string }[]) => rows.map((row) => row.publicId);
    expect(ids(await phrs.phrsForChannel('C1', 10))).toEqual([second.publicId, first.publicId]);
    expect(ids(await phrs.phrsForChannel('C1', 1))).toEqual([second.publicId]);
    expect(ids(await phrs.phrsOfUser('U1', 10))).toEqual([elsewhere.publicId, first.publicId]);
    expect((await phrs.latestPhrInThread('C1', '1700000000.000100'))?.publicId).toBe(second.publicId);
    expect(await phrs.latestPhrInThread('C1', 'none')).toBeUndefined();
    await phrs.updatePhrMarkdown(first.publicId, '# edited');
    expect((await phrs.phr(first.publicId))?.markdown).toBe('# edited');
  });

  it('lists every PHR, oldest first, whatever its channel or route', async () => {
    const phrs = await store();
    expect(await phrs.allPhrs()).toEqual([]);
    const first = phrRow({ createdAt: '2026-03-02T00:00:00.000Z' });
    const second = phrRow({ route: '001-auth', stage: 'plan', channelId: 'C9', filePath: null });
    const third = phrRow({ createdAt: '2026-01-01T00:00:00.000Z' });
    for (const row of [first, second, third]) await phrs.insertPhr(row);
    const all = await phrs.allPhrs();
    // Oldest stored first (insertion order), not by created_at.
    expect(all.map((row) => row.publicId)).toEqual([first.publicId, second.publicId, third.publicId]);
    expect(all[1]).toMatchObject({ route: '001-auth', stage: 'plan', filePath: null, markdown: '# answer' });
  });

  it('deletes PHRs older than a time and returns the files they were written to', async () => {
    const phrs = await store();
    const old = phrRow({ createdAt: '2026-01-01T00:00:00.000Z' });
    await phrs.insertPhr(old);
    await phrs.insertPhr(phrRow({ createdAt: '2026-01-01T00:00:01.000Z', filePath: null }));
    const kept = phrRow({ createdAt: '2026-02-01T00:00:00.000Z' });
    await phrs.insertPhr(kept);
    expect(await phrs.deletePhrsBefore(new Date('2026-01-15T00:00:00Z'))).toEqual([old.filePath]);
    expect(await phrs.phr(old.publicId)).toBeUndefined();
    expect(await phrs.phr(kept.publicId)).toBeDefined();
    expect(await phrs.deletePhrsBefore(new Date('2026-01-15T00:00:00Z'))).toEqual([]);
  });

  it('sums tokens and usage per channel since a time, most expensive channel first', async () => {
    const phrs = await store();
    await phrs.insertPhr(phrRow({ createdAt: '2026-02-28T23:59:59.999Z' }));
    await phrs.insertPhr(phrRow({ costUsd: 0.5 }));
    await phrs.insertPhr(phrRow({ channelId: 'C2', costUsd: 1.25, inputTokens: 1 }));
    await phrs.insertPhr(phrRow({ channelId: 'C2', costUsd: 0.5, outputTokens: 2 }));
    await phrs.insertPhr(phrRow({ teamId: 'T2' }));
    const since = new Date('2026-03-01T00:00:00Z');
    expect(await phrs.tokensSince('T1', since)).toBe(30 + 21 + 12);
    expect(await phrs.tokensSince('T3', since)).toBe(0);
    expect(await phrs.usageSince('T1', since)).toEqual([
      {
        channelId: 'C2',
        answers: 2,
        inputTokens: 11,
        outputTokens: 22,
        cacheReadTokens: 6,
        cacheWriteTokens: 8,
        costUsd: 1.75,
      },
      {
        channelId: 'C1',
        answers: 1,
        inputTokens: 10,
        outputTokens: 20,
        cacheReadTokens: 3,
        cacheWriteTokens: 4,
        costUsd: 0.5,
      },
    ]);
    expect(await phrs.usageSince('T3', since)).toEqual([]);
  });

  it('numbers PHRs per route from the highest stored number', async () => {
    const phrs = await store();
    const seen: number[] = [];
    const numbered = (route: string) =>
      phrs.insertNumbered(route, (maxStored) => {
        seen.push(maxStored);
        const row = phrRow({ route, number: maxStored + 1 });
        return { row, result: row.number };
      });
    expect(await numbered('general')).toBe(1);
    expect(await numbered('general')).toBe(2);
    expect(await numbered('001-auth')).toBe(1);
    expect(await numbered('general')).toBe(3);
    expect(seen).toEqual([0, 1, 0, 2]);
  });

  it('stores nothing when building the PHR fails', async () => {
    const phrs = await store();
    await expect(
      phrs.insertNumbered('general', () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    const duplicate = phrRow({ route: 'general', number: 1 });
    await phrs.insertPhr(duplicate);
    // The row is built, but its insert fails: the transaction rolls back and the error reaches the caller.
    await expect(
      phrs.insertNumbered('general', () => ({
        row: { ...phrRow(), publicId: duplicate.publicId },
        result: 0,
      })),
    ).rejects.toThrow();
    expect(
      await phrs.insertNumbered('general', (max) => ({ row: phrRow({ number: max + 1 }), result: max })),
    ).toBe(1);
  });
});

describe('PostgresPhrStore across replicas', () => {
  it('numbers 20 PHRs of one route written at once by two replicas 1..20, without gaps or repeats', async () => {
    const [poolA, poolB] = await twoReplicas();
    const a = new PostgresPhrStore(poolA);
    const b = new PostgresPhrStore(poolB);
    const numbers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).insertNumbered('general', (maxStored) => {
          const row = phrRow({ route: 'general', number: maxStored + 1 });
          return { row, result: row.number };
        }),
      ),
    );
    expect([...numbers].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const stored = await b.phrsForChannel('C1', 100);
    expect(stored.map((row) => row.number).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('gives two replicas initialising a setting at once the same value', async () => {
    const [poolA, poolB] = await twoReplicas();
    const a = new PostgresPhrStore(poolA);
    const b = new PostgresPhrStore(poolB);
    const values = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).settingOrInit('secret', `value-${i}`)),
    );
    expect(new Set(values).size).toBe(1);
    expect(await b.settingOrInit('secret', 'late')).toBe(values[0]);
  });
});
