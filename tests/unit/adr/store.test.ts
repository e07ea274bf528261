import { describe, expect, it } from 'vitest';
import type { AdrStore, NewAdr, NewSuggestion } from '../../../src/adr/store.js';
import { PostgresAdrStore } from '../../../src/adr/store-postgres.js';
import { BACKENDS, type Backend } from '../../helpers/backends.js';
import { twoReplicas } from '../../helpers/replicas.js';
import { adrStoreOn } from '../../helpers/stores.js';

const NOW = new Date('2026-03-01T10:00:00Z');

function newSuggestion(publicId: string): NewSuggestion {
  return {
    publicId,
    source: 'detected',
    teamId: 'T1',
    channelId: 'C1',
    threadTs: '1700000000.000100',
    phrPublicId: 'phr1',
    brief: `brief of ${publicId}`,
    title: `Title of ${publicId}`,
    suggestedBy: 'U1',
  };
}

/** A suggestion taken to drafting, as the ADR flow does before it numbers the ADR. */
async function drafting(store: AdrStore, publicId: string): Promise<number> {
  await store.insertSuggestion(newSuggestion(publicId));
  await store.move(publicId, 'pending', 'drafting', 'U2');
  const stored = await store.suggestion(publicId);
  if (!stored) throw new Error(`suggestion ${publicId} was not stored`);
  return stored.id;
}

function adrFor(suggestionPublicId: string, suggestionId: number) {
  return (maxStored: number): NewAdr => ({
    number: maxStored + 1,
    publicId: `adr-${suggestionPublicId}`,
    suggestionId,
    title: `ADR for ${suggestionPublicId}`,
    status: 'Proposed',
    filePath: `history/adr/${maxStored + 1}.md`,
    markdown: '# ADR',
    channelId: 'C1',
    threadTs: '1700000000.000100',
    cardTs: null,
    proposedBy: 'U1',
    createdAt: NOW.toISOString(),
  });
}

async function numbered(store: AdrStore, suggestionPublicId: string): Promise<NewAdr> {
  const id = await drafting(store, suggestionPublicId);
  return store.insertNumbered(suggestionPublicId, adrFor(suggestionPublicId, id));
}

/** A moment after every write of the test. */
const SOON = new Date(Date.now() + 60 * 60 * 1000);

describe.each(BACKENDS)('AdrStore on $name', (backend: Backend) => {
  const store = async () => adrStoreOn(await backend.open(), () => NOW);

  it('stores a suggestion with its card and moves it forward only from the state it is in', async () => {
    const adrs = await store();
    await adrs.insertSuggestion(newSuggestion('s1'));
    await adrs.setCard('s1', '1700000001.000100');
    expect(await adrs.suggestion('s1')).toEqual({
      ...newSuggestion('s1'),
      id: expect.any(Number),
      cardTs: '1700000001.000100',
      state: 'pending',
      actedBy: null,
      adrNumber: null,
    });
    expect(await adrs.suggestion('missing')).toBeUndefined();
    expect(await adrs.move('s1', 'pending', 'drafting', 'U2')).toBe(true);
    expect(await adrs.move('s1', 'pending', 'dismissed', 'U3')).toBe(false);
    expect(await adrs.suggestion('s1')).toMatchObject({ state: 'drafting', actedBy: 'U2' });
    expect((await adrs.drafting(SOON)).map((s) => s.publicId)).toEqual(['s1']);
    // A draft that began after `before` may be in progress on another replica: not abandoned.
    expect(await adrs.drafting(new Date('2000-01-01T00:00:00Z'))).toEqual([]);
    expect(await adrs.move('s1', 'drafting', 'pending', null)).toBe(true);
    expect(await adrs.drafting(SOON)).toEqual([]);
  });

  it('numbers ADRs from the highest stored number and marks each suggestion documented', async () => {
    const adrs = await store();
    const first = await numbered(adrs, 's1');
    const second = await numbered(adrs, 's2');
    expect([first.number, second.number]).toEqual([1, 2]);
    expect(await adrs.suggestion('s2')).toMatchObject({ state: 'documented', adrNumber: 2 });
    expect(await adrs.drafting(SOON)).toEqual([]);
    expect(await adrs.adr(second.publicId)).toEqual({ ...second, decidedBy: null, decidedAt: null });
    expect(await adrs.adrByNumber(1)).toEqual({ ...first, decidedBy: null, decidedAt: null });
    expect(await adrs.adrByNumber(3)).toBeUndefined();
    expect(await adrs.adr('missing')).toBeUndefined();
  });

  it('stores nothing when building the ADR fails', async () => {
    const adrs = await store();
    await drafting(adrs, 's1');
    await expect(
      adrs.insertNumbered('s1', () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await adrs.allAdrs()).toEqual([]);
    expect(await adrs.suggestion('s1')).toMatchObject({ state: 'drafting', adrNumber: null });
  });

  it('lists ADRs by number, the proposed ones newest first, and decides each once', async () => {
    const adrs = await store();
    for (const id of ['s1', 's2', 's3']) await numbered(adrs, id);
    expect((await adrs.allAdrs()).map((adr) => adr.number)).toEqual([1, 2, 3]);
    expect((await adrs.proposed(2)).map((adr) => adr.number)).toEqual([3, 2]);
    expect(await adrs.decide('adr-s2', 'Accepted', 'U9')).toBe(true);
    expect(await adrs.decide('adr-s2', 'Rejected', 'U8')).toBe(false);
    expect(await adrs.adr('adr-s2')).toMatchObject({
      status: 'Accepted',
      decidedBy: 'U9',
      decidedAt: NOW.toISOString(),
    });
    expect((await adrs.proposed(10)).map((adr) => adr.number)).toEqual([3, 1]);
    await adrs.setMarkdown('adr-s2', '# Accepted');
    expect((await adrs.adrByNumber(2))?.markdown).toBe('# Accepted');
  });
});

describe('PostgresAdrStore across replicas', () => {
  async function replicas(): Promise<[AdrStore, AdrStore]> {
    const [poolA, poolB] = await twoReplicas();
    return [new PostgresAdrStore(poolA), new PostgresAdrStore(poolB)];
  }

  it('numbers 20 ADRs written at once by two replicas 1..20, each suggestion documented with its number', async () => {
    const [a, b] = await replicas();
    const ids = Array.from({ length: 20 }, (_, i) => `s${i}`);
    const suggestionIds: number[] = [];
    for (const id of ids) suggestionIds.push(await drafting(a, id));
    const written = await Promise.all(
      ids.map((id, i) => (i % 2 === 0 ? a : b).insertNumbered(id, adrFor(id, suggestionIds[i] ?? 0))),
    );
    expect(written.map((adr) => adr.number).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect((await b.allAdrs()).map((adr) => adr.number)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const adr of written) {
      expect(await a.suggestion(adr.publicId.replace('adr-', ''))).toMatchObject({
        state: 'documented',
        adrNumber: adr.number,
      });
    }
  });

  it('tells exactly one of two replicas racing to move a suggestion or decide an ADR that it did', async () => {
    const [a, b] = await replicas();
    await a.insertSuggestion(newSuggestion('s1'));
    const moves = await Promise.all([
      a.move('s1', 'pending', 'drafting', 'U1'),
      b.move('s1', 'pending', 'dismissed', 'U2'),
    ]);
    expect(moves.filter(Boolean)).toHaveLength(1);
    await numbered(a, 's2');
    const decisions = await Promise.all([
      a.decide('adr-s2', 'Accepted', 'U1'),
      b.decide('adr-s2', 'Rejected', 'U2'),
    ]);
    expect(decisions.filter(Boolean)).toHaveLength(1);
  });
});
