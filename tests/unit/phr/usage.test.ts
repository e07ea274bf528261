import { describe, expect, it } from 'vitest';
import type { PhrStore } from '../../../src/phr/store.js';
import { createUsage, startOfUtcDay } from '../../../src/phr/usage.js';
import { BACKENDS, type Backend } from '../../helpers/backends.js';
import { phrStoreOn } from '../../helpers/stores.js';

const TEAM = 'T0TEAM';
let sequence = 0;

/** One answer's PHR row: `tokens` (even: the columns are integers) split between input and output. */
async function answer(
  store: PhrStore,
  at: string,
  tokens: number,
  options: { teamId?: string; channelId?: string } = {},
): Promise<void> {
  sequence += 1;
  await store.insertPhr({
    publicId: `phr-${sequence}`,
    route: 'general',
    number: sequence,
    stage: 'misc',
    title: `answer ${sequence}`,
    filePath: null,
    teamId: options.teamId ?? TEAM,
    channelId: options.channelId ?? 'C0GENERAL',
    threadTs: `${sequence}.000100`,
    userId: 'U0ASKER',
    model: 'claude-test',
    inputTokens: tokens / 2,
    outputTokens: tokens / 2,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    latencyMs: 10,
    costUsd: 0.01,
    markdown: '',
    createdAt: new Date(at).toISOString(),
  });
}

const at = (iso: string) => () => new Date(iso);

describe.each(BACKENDS)('usage over the PHR store on $name', (backend: Backend) => {
  const phrStore = async () => phrStoreOn(await backend.open());

  describe('budgetExhausted', () => {
    it('is reached at the limit and stays reached over it', async () => {
      const store = await phrStore();
      const usage = createUsage(store, { dailyTokenBudget: 1000, now: at('2025-03-10T12:00:00Z') });
      await answer(store, '2025-03-10T09:00:00Z', 998);
      expect(await usage.budgetExhausted(TEAM)).toBe(false);
      await answer(store, '2025-03-10T10:00:00Z', 2);
      expect(await usage.budgetExhausted(TEAM)).toBe(true);
      await answer(store, '2025-03-10T11:00:00Z', 500);
      expect(await usage.budgetExhausted(TEAM)).toBe(true);
    });

    it('never applies when the budget is 0', async () => {
      const store = await phrStore();
      await answer(store, '2025-03-10T09:00:00Z', 1_000_000);
      const usage = createUsage(store, { dailyTokenBudget: 0, now: at('2025-03-10T12:00:00Z') });
      expect(await usage.budgetExhausted(TEAM)).toBe(false);
    });

    it('counts only the workspace asking', async () => {
      const store = await phrStore();
      await answer(store, '2025-03-10T09:00:00Z', 5000, { teamId: 'T0OTHER' });
      const usage = createUsage(store, { dailyTokenBudget: 1000, now: at('2025-03-10T12:00:00Z') });
      expect(await usage.budgetExhausted(TEAM)).toBe(false);
      expect(await usage.budgetExhausted('T0OTHER')).toBe(true);
    });

    it('starts again at 00:00 UTC', async () => {
      const store = await phrStore();
      await answer(store, '2025-03-10T23:59:59.999Z', 1000);
      let now = new Date('2025-03-10T23:59:59.999Z');
      const usage = createUsage(store, { dailyTokenBudget: 1000, now: () => now });
      expect(await usage.budgetExhausted(TEAM)).toBe(true);
      now = new Date('2025-03-11T00:00:00Z');
      expect(await usage.budgetExhausted(TEAM)).toBe(false);
      await answer(store, '2025-03-11T00:00:00Z', 1000);
      expect(await usage.budgetExhausted(TEAM)).toBe(true);
    });
  });

  describe('usageWindows', () => {
    it('reports today from 00:00 UTC and the week as the last 7 UTC days, today included', async () => {
      const store = await phrStore();
      await answer(store, '2025-03-03T23:59:59Z', 100); // 8th day back: in neither window
      await answer(store, '2025-03-04T00:00:00Z', 200); // first moment of the week
      await answer(store, '2025-03-09T23:59:59Z', 300); // yesterday
      await answer(store, '2025-03-10T00:00:00Z', 400, { channelId: 'C0OTHER' }); // first moment of today
      await answer(store, '2025-03-10T08:00:00Z', 600);
      await answer(store, '2025-03-10T08:00:00Z', 9998, { teamId: 'T0OTHER' });
      const usage = createUsage(store, { dailyTokenBudget: 0, now: at('2025-03-10T18:30:00Z') });

      const { today, week } = await usage.usageWindows(TEAM);
      const tokens = (rows: typeof today) =>
        Object.fromEntries(rows.map((row) => [row.channelId, row.inputTokens + row.outputTokens]));
      expect(tokens(today)).toEqual({ C0GENERAL: 600, C0OTHER: 400 });
      expect(tokens(week)).toEqual({ C0GENERAL: 1100, C0OTHER: 400 });
      expect(week.find((row) => row.channelId === 'C0GENERAL')?.answers).toBe(3);
    });

    it('is empty for a workspace without answers', async () => {
      const usage = createUsage(await phrStore(), { dailyTokenBudget: 0, now: at('2025-03-10T18:30:00Z') });
      expect(await usage.usageWindows(TEAM)).toEqual({ today: [], week: [] });
    });
  });
});

describe('startOfUtcDay', () => {
  it('is midnight UTC whatever the time of day', async () => {
    expect(startOfUtcDay(new Date('2025-03-10T23:59:59.999Z')).toISOString()).toBe(
      '2025-03-10T00:00:00.000Z',
    );
    expect(startOfUtcDay(new Date('2025-03-10T00:00:00.000Z')).toISOString()).toBe(
      '2025-03-10T00:00:00.000Z',
    );
  });
});
