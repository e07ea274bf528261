import type { PhrStore, UsageRow } from './store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface UsageOptions {
  /** Input + output tokens per workspace per UTC day; 0 means no budget. */
  dailyTokenBudget: number;
  now?: () => Date;
}

/** A workspace's usage rows (per channel) since the start of today (UTC) and over the last 7 days. */
export interface UsageWindows {
  today: UsageRow[];
  week: UsageRow[];
}

export interface TeamUsage {
  /** True once the workspace's tokens since 00:00 UTC reach the daily budget; never without a budget. */
  budgetExhausted(teamId: string): Promise<boolean>;
  /** The windows `/fastapi usage` reports: today (UTC) and the last 7 days, today included. */
  usageWindows(teamId: string): Promise<UsageWindows>;
}

/** The daily token budget and the usage report's windows, read from the PHR rows. */
export function createUsage(
  phrStore: Pick<PhrStore, 'tokensSince' | 'usageSince'>,
  options: UsageOptions,
): TeamUsage {
  const now = options.now ?? (() => new Date());
  const budget = options.dailyTokenBudget;
  return {
    budgetExhausted: async (teamId) =>
      budget > 0 && (await phrStore.tokensSince(teamId, startOfUtcDay(now()))) >= budget,
    async usageWindows(teamId) {
      const today = startOfUtcDay(now());
      const week = new Date(today.getTime() - 6 * DAY_MS);
      return {
        today: await phrStore.usageSince(teamId, today),
        week: await phrStore.usageSince(teamId, week),
      };
    },
  };
}

export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
