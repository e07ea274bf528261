import { describe, expect, it } from 'vitest';
import { MODEL_ALIASES } from '../../../src/agents/models.js';
import type { Usage } from '../../../src/claude/claude.js';
import {
  estimateCostUsd,
  FAMILY_PRICES,
  MODEL_PRICES,
  type ModelPrice,
  modelFamily,
  parsePriceOverrides,
  priceFor,
} from '../../../src/claude/prices.js';

const usage = (
  inputTokens: number,
  outputTokens: number,
  cacheReadTokens = 0,
  cacheWriteTokens = 0,
): Usage => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});

describe('price table', () => {
  it('prices every alias target exactly', () => {
    // Each alias target has its own exact-id entry (not just a family fallback), at these list prices.
    const expected: Record<string, ModelPrice> = {
      opus: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
      sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
      haiku: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
    };
    expect(Object.keys(MODEL_PRICES).sort()).toEqual(Object.values(MODEL_ALIASES).sort());
    for (const [alias, model] of Object.entries(MODEL_ALIASES)) {
      expect(Object.hasOwn(MODEL_PRICES, model)).toBe(true);
      expect(MODEL_PRICES[model]).toEqual(expected[alias]);
      expect(priceFor(model)).toBe(MODEL_PRICES[model]);
    }
  });

  it('keeps cache read at 0.1x and cache write at 1.25x the input price', () => {
    for (const price of [...Object.values(FAMILY_PRICES), ...Object.values(MODEL_PRICES)]) {
      expect(price.cacheRead).toBeCloseTo(price.input * 0.1, 10);
      expect(price.cacheWrite).toBeCloseTo(price.input * 1.25, 10);
    }
    expect(FAMILY_PRICES.sonnet).toEqual({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
  });

  it('orders the families by price', () => {
    expect(FAMILY_PRICES.haiku.input).toBeLessThan(FAMILY_PRICES.sonnet.input);
    expect(FAMILY_PRICES.sonnet.input).toBeLessThan(FAMILY_PRICES.opus.input);
  });
});

describe('priceFor', () => {
  it('finds exact ids', () => {
    expect(priceFor('claude-sonnet-5-5')).toBe(MODEL_PRICES['claude-sonnet-5-5']);
  });

  it('falls back to the family named in the id', () => {
    expect(priceFor('claude-opus-4-5-20251101')).toBe(FAMILY_PRICES.opus);
    expect(priceFor('claude-sonnet-4-5@20250929')).toBe(FAMILY_PRICES.sonnet);
    expect(priceFor('CLAUDE-HAIKU-9')).toBe(FAMILY_PRICES.haiku);
    expect(modelFamily('claude-sonnet-4-6')).toBe('sonnet');
  });

  it('returns undefined for a model of no known family', () => {
    expect(priceFor('claude-mythos-5')).toBeUndefined();
    expect(priceFor('constructor')).toBeUndefined();
    expect(priceFor('__proto__')).toBeUndefined();
  });

  it('prefers an exact override, then the built-in id, then a family override', () => {
    const custom: ModelPrice = { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 1.25 };
    const family: ModelPrice = { input: 7, output: 8, cacheRead: 0.7, cacheWrite: 8.75 };
    expect(priceFor('claude-sonnet-5-5', { 'claude-sonnet-5-5': custom })).toBe(custom);
    expect(priceFor('claude-sonnet-5-5', { sonnet: family })).toBe(MODEL_PRICES['claude-sonnet-5-5']);
    expect(priceFor('claude-sonnet-4-5', { sonnet: family })).toBe(family);
    expect(priceFor('claude-mythos-5', { 'claude-mythos-5': custom })).toBe(custom);
  });
});

describe('parsePriceOverrides', () => {
  it('parses full and partial prices, deriving cache prices from the input price', () => {
    const parsed = parsePriceOverrides(
      JSON.stringify({
        'claude-x-opus': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
        sonnet: { input: 4, output: 20 },
      }),
    );
    expect(parsed['claude-x-opus']).toEqual({ input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 });
    expect(parsed.sonnet).toEqual({ input: 4, output: 20, cacheRead: 0.4, cacheWrite: 5 });
  });

  it('treats a blank value as no overrides', () => {
    expect(parsePriceOverrides('')).toEqual({});
    expect(parsePriceOverrides('  ')).toEqual({});
    expect(parsePriceOverrides('{}')).toEqual({});
  });

  it('keeps a "__proto__" key as data', () => {
    const parsed = parsePriceOverrides('{"__proto__": {"input": 1, "output": 2}}');
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /must be a JSON object/],
    ['null', /must be a JSON object/],
    ['3', /must be a JSON object/],
    ['{"": {"input": 1, "output": 1}}', /empty model id/],
    ['{"claude-a": 3}', /model "claude-a": must be an object/],
    ['{"claude-a": {"output": 1}}', /model "claude-a": field "input" is required/],
    ['{"claude-a": {"input": 1}}', /model "claude-a": field "output" is required/],
    ['{"claude-a": {"input": -1, "output": 1}}', /model "claude-a": field "input" must be a non-negative/],
    ['{"claude-a": {"input": "3", "output": 1}}', /model "claude-a": field "input" .*got "3"/],
    ['{"claude-a": {"input": 1, "output": null}}', /model "claude-a": field "output" .*got null/],
    ['{"claude-a": {"input": 1, "output": 1, "cacheRead": true}}', /field "cacheRead"/],
    [
      '{"claude-a": {"input": 1, "output": 1, "cache_read": 0.1}}',
      /model "claude-a": unknown field "cache_read"/,
    ],
  ])('rejects %s', (json, message) => {
    expect(() => parsePriceOverrides(json)).toThrow(message);
  });

  it('names the first bad model among good ones', () => {
    const json = '{"claude-good": {"input": 1, "output": 2}, "claude-bad": {"input": 1, "output": 1e999}}';
    expect(() => parsePriceOverrides(json)).toThrow(/model "claude-bad": field "output"/);
  });
});

describe('estimateCostUsd', () => {
  it('sums each token kind at its price per million', () => {
    expect(estimateCostUsd(usage(1_000_000, 0), FAMILY_PRICES.sonnet)).toBe(3);
    expect(estimateCostUsd(usage(0, 1_000_000), FAMILY_PRICES.sonnet)).toBe(15);
    expect(estimateCostUsd(usage(0, 0, 1_000_000), FAMILY_PRICES.sonnet)).toBe(0.3);
    expect(estimateCostUsd(usage(0, 0, 0, 1_000_000), FAMILY_PRICES.sonnet)).toBe(3.75);
  });

  it('is exact for a mixed call', () => {
    // 1000*3 + 500*15 + 2000*0.3 + 100*3.75 = 3000 + 7500 + 600 + 375 = 11475 micro-dollars.
    expect(estimateCostUsd(usage(1000, 500, 2000, 100), FAMILY_PRICES.sonnet)).toBe(0.011475);
    // 1234*5 + 567*25 + 8901*0.5 + 2345*6.25 = 6170 + 14175 + 4450.5 + 14656.25 = 39451.75.
    expect(estimateCostUsd(usage(1234, 567, 8901, 2345), FAMILY_PRICES.opus)).toBe(0.03945175);
  });

  it('is zero for no tokens', () => {
    expect(estimateCostUsd(usage(0, 0), FAMILY_PRICES.opus)).toBe(0);
  });
});
