import { describe, expect, it } from 'vitest';
import { BACKENDS, type Backend } from '../../helpers/backends.js';
import { feedbackStoreOn, phrStoreOn } from '../../helpers/stores.js';

describe.each(BACKENDS)('FeedbackStore on $name', (backend: Backend) => {
  async function storeAt(clock: { now: Date }) {
    const opened = await backend.open();
    return { phrs: phrStoreOn(opened), store: feedbackStoreOn(opened, () => clock.now) };
  }

  it('keeps one vote per person per answer; a new vote replaces the old one and its comment', async () => {
    const clock = { now: new Date('2026-03-01T10:00:00Z') };
    const { store } = await storeAt(clock);
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
    const { store } = await storeAt(clock);
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

  it('stores a comment without a vote as a negative vote, and lists votes in the order cast', async () => {
    const clock = { now: new Date('2026-03-01T10:00:00Z') };
    const { store } = await storeAt(clock);
    await store.comment({ phrPublicId: 'phrA', userId: 'U2', teamId: 'T1', comment: 'wrong version' });
    // Same time: the voter decides the order, byte by byte ('U_' sorts before 'u1').
    await store.vote({ phrPublicId: 'phrA', userId: 'u1', teamId: 'T1', vote: 'positive' });
    await store.vote({ phrPublicId: 'phrA', userId: 'U_', teamId: 'T1', vote: 'positive' });
    clock.now = new Date('2026-03-01T10:05:00Z');
    await store.comment({ phrPublicId: 'phrA', userId: 'U_', teamId: 'T1', comment: 'but slow' });
    expect(await store.votesOf('phrA')).toEqual([
      { vote: 'negative', comment: 'wrong version' },
      { vote: 'positive', comment: 'but slow' },
      { vote: 'positive', comment: null },
    ]);
    expect(await store.comments('phrA')).toEqual(['wrong version', 'but slow']);
    expect(await store.votesOf('other')).toEqual([]);
  });

  it('lists PHRs written since a time that have a vote, oldest first', async () => {
    const clock = { now: new Date('2026-03-01T10:00:00Z') };
    const { phrs, store } = await storeAt(clock);
    const phr = (publicId: string, number: number, createdAt: string) => ({
      publicId,
      route: 'general',
      number,
      stage: 'general',
      title: `title ${number}`,
      filePath: null,
      teamId: 'T1',
      channelId: 'C1',
      threadTs: '1700000000.000100',
      userId: 'U1',
      model: 'claude-test',
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      latencyMs: 1,
      costUsd: 0,
      markdown: `# ${publicId}`,
      createdAt,
    });
    await phrs.insertPhr(phr('before', 1, '2026-02-01T00:00:00.000Z'));
    await phrs.insertPhr(phr('later', 2, '2026-03-02T00:00:00.000Z'));
    await phrs.insertPhr(phr('unrated', 3, '2026-03-02T00:00:00.000Z'));
    await phrs.insertPhr(phr('earlier', 4, '2026-03-01T00:00:00.000Z'));
    for (const publicId of ['before', 'later', 'earlier']) {
      await store.vote({ phrPublicId: publicId, userId: 'U1', teamId: 'T1', vote: 'positive' });
    }
    await store.vote({ phrPublicId: 'later', userId: 'U2', teamId: 'T1', vote: 'negative' });
    expect(await store.ratedSince(new Date('2026-02-15T00:00:00Z'))).toEqual([
      {
        publicId: 'earlier',
        number: 4,
        title: 'title 4',
        stage: 'general',
        markdown: '# earlier',
        createdAt: '2026-03-01T00:00:00.000Z',
      },
      {
        publicId: 'later',
        number: 2,
        title: 'title 2',
        stage: 'general',
        markdown: '# later',
        createdAt: '2026-03-02T00:00:00.000Z',
      },
    ]);
  });
});
