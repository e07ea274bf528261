import { describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../../src/feedback/store.js';
import { openDatabase } from '../../../src/store/database.js';

function storeAt(clock: { now: Date }) {
  const db = openDatabase(':memory:');
  return { db, store: new FeedbackStore(db, () => clock.now) };
}

describe('FeedbackStore', () => {
  it('keeps one vote per person per answer; a new vote replaces the old one and its comment', () => {
    const clock = { now: new Date('2026-03-01T10:00:00Z') };
    const { store } = storeAt(clock);
    const who = { phrPublicId: 'phrA', userId: 'U1', teamId: 'T1' };
    store.vote({ ...who, vote: 'negative' });
    store.comment({ ...who, comment: 'outdated' });
    expect(store.counts('phrA')).toEqual({ positive: 0, negative: 1 });
    expect(store.comments('phrA')).toEqual(['outdated']);
    store.vote({ ...who, vote: 'positive' });
    store.vote({ ...who, userId: 'U2', vote: 'negative' });
    expect(store.counts('phrA')).toEqual({ positive: 1, negative: 1 });
    expect(store.comments('phrA')).toEqual([]);
    expect(store.counts('other')).toEqual({ positive: 0, negative: 0 });
  });

  it('counts a workspace since a time and deletes votes last changed before a time', () => {
    const clock = { now: new Date('2026-03-01T10:00:00Z') };
    const { store } = storeAt(clock);
    store.vote({ phrPublicId: 'old', userId: 'U1', teamId: 'T1', vote: 'positive' });
    clock.now = new Date('2026-03-09T10:00:00Z');
    store.vote({ phrPublicId: 'new', userId: 'U1', teamId: 'T1', vote: 'negative' });
    store.vote({ phrPublicId: 'new', userId: 'U2', teamId: 'T2', vote: 'negative' });
    expect(store.countsSince('T1', new Date('2026-03-05T00:00:00Z'))).toEqual({ positive: 0, negative: 1 });
    expect(store.deleteBefore(new Date('2026-03-05T00:00:00Z'))).toBe(1);
    expect(store.counts('old')).toEqual({ positive: 0, negative: 0 });
  });
});
