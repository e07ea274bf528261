import { describe, expect, it } from 'vitest';
import { SqliteFeedbackStore } from '../../../src/feedback/store-sqlite.js';
import { openDatabase } from '../../../src/store/database.js';

function storeAt(clock: { now: Date }) {
  const db = openDatabase(':memory:');
  return { db, store: new SqliteFeedbackStore(db, () => clock.now) };
}

describe('SqliteFeedbackStore', () => {
  it('keeps one vote per person per answer; a new vote replaces the old one and its comment', async () => {
    const clock = { now: new Date('2026-03-01T10:00:00Z') };
    const { store } = storeAt(clock);
    const who = { phrPublicId: 'phrA', userId: 'U1', teamId: 'T1' };
    await store.vote({ ...who, vote: 'negative' });
    await store.comment({ ...who, comment: 'outdated' });
    expect(await store.counts('phrA')).toEqual({ positive: 0, negative: 1 });
    expect(await store.comments('phrA')).toEqual(['outdated']);
    await store.vote({ ...who, vote: 'positive' });
    await store.vote({ ...who, userId: 'U2', vote: 'negative' });
    expect(await store.counts('phrA')).toEqual({ positive: 1, negative: 1 });
    expect(await store.comments('phrA')).toEqual([]);
    expect(await store.counts('other')).toEqual({ positive: 0, negative: 0 });
  });

  it('counts a workspace since a time and deletes votes last changed before a time', async () => {
    const clock = { now: new Date('2026-03-01T10:00:00Z') };
    const { store } = storeAt(clock);
    await store.vote({ phrPublicId: 'old', userId: 'U1', teamId: 'T1', vote: 'positive' });
    clock.now = new Date('2026-03-09T10:00:00Z');
    await store.vote({ phrPublicId: 'new', userId: 'U1', teamId: 'T1', vote: 'negative' });
    await store.vote({ phrPublicId: 'new', userId: 'U2', teamId: 'T2', vote: 'negative' });
    expect(await store.countsSince('T1', new Date('2026-03-05T00:00:00Z'))).toEqual({
      positive: 0,
      negative: 1,
    });
    expect(await store.deleteBefore(new Date('2026-03-05T00:00:00Z'))).toBe(1);
    expect(await store.counts('old')).toEqual({ positive: 0, negative: 0 });
  });
});
