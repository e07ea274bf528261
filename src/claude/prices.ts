import type { Usage } from './claude.js';

/**
 * What a model costs, in USD per million tokens. Used only for the estimated-cost metric: the bill from
 * Anthropic is the truth, this is an early warning.
 */
export interface ModelPrice {
  input: number;
  output: number;
  /** Reading a cached prompt prefix. */
  cacheRead: number;
  /** Writing a prompt prefix to the cache (the 5-minute TTL, which is what the bot's `ephemeral` uses). */
  cacheWrite: number;
}

export type ModelFamily = 'opus' | 'sonnet' | 'haiku';

/** Cache reads cost 0.1x the input price; 5-minute cache writes cost 1.25x (Anthropic's published ratios). */
export const CACHE_READ_MULTIPLIER = 0.1;
export const CACHE_WRITE_MULTIPLIER = 1.25;

function priced(input: number, output: number): ModelPrice {
  return Object.freeze({
    input,
    output,
    cacheRead: round(input * CACHE_READ_MULTIPLIER),
    cacheWrite: round(input * CACHE_WRITE_MULTIPLIER),
  });
}

// Keeps 0.1 * 3 at 0.3 rather than 0.30000000000000004, so the table reads as the pricing page does.
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * ESTIMATES, per family, taken from the Opus/Sonnet/Haiku 4.5 generation's list prices ($5/$25, $3/$15,
 * $1/$5 per million input/output tokens). Check them against https://www.anthropic.com/pricing (or
 * https://docs.claude.com/en/docs/about-claude/pricing) whenever the bot moves to a new model, and set
 * MODEL_PRICES_JSON when they differ: the SDK knows model ids, not prices. Long-context surcharges, batch
 * discounts and the 1-hour cache TTL (2x input) are not modelled.
 */
export const FAMILY_PRICES: Readonly<Record<ModelFamily, ModelPrice>> = Object.freeze({
  opus: priced(5, 25),
  sonnet: priced(3, 15),
  haiku: priced(1, 5),
});

/** Exact ids the bot may use (the targets of MODEL_ALIASES in src/agents/models.ts). */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'claude-opus-5-5': FAMILY_PRICES.opus,
  'claude-sonnet-5-5': FAMILY_PRICES.sonnet,
  'claude-haiku-5-5': FAMILY_PRICES.haiku,
});

const FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;

/**
 * Parses MODEL_PRICES_JSON: `{"<model id or family>": {"input": 3, "output": 15, "cacheRead"?: 0.3,
 * "cacheWrite"?: 3.75}}`, USD per million tokens. Omitted cache prices follow the 0.1x / 1.25x ratios.
 * A key may be a family (`opus`, `sonnet`, `haiku`) to re-price every model of it. A blank string means no
 * overrides. Throws an Error naming the model and field on anything else, so a typo fails at start.
 */
export function parsePriceOverrides(json: string): Record<string, ModelPrice> {
  if (json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`MODEL_PRICES_JSON is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) {
    throw new Error('MODEL_PRICES_JSON must be a JSON object mapping model ids to prices');
  }
  // fromEntries defines own properties, so a key such as "__proto__" cannot reach the prototype.
  return Object.fromEntries(Object.entries(parsed).map(([model, value]) => [model, parseOne(model, value)]));
}

function parseOne(model: string, value: unknown): ModelPrice {
  const where = `MODEL_PRICES_JSON model "${model}"`;
  if (model.trim() === '') throw new Error('MODEL_PRICES_JSON has an empty model id');
  if (!isPlainObject(value)) {
    throw new Error(`${where}: must be an object like {"input": 3, "output": 15}`);
  }
  for (const key of Object.keys(value)) {
    // An unknown key is most likely a misspelt field (`cache_read`) whose price would silently be ignored.
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new Error(`${where}: unknown field "${key}" (expected ${FIELDS.join(', ')})`);
    }
  }
  const field = (name: (typeof FIELDS)[number]): number | undefined => {
    const raw = value[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
      throw new Error(
        `${where}: field "${name}" must be a non-negative number of USD per million tokens, got ${JSON.stringify(raw)}`,
      );
    }
    return raw;
  };
  const required = (name: 'input' | 'output'): number => {
    const price = field(name);
    if (price === undefined) throw new Error(`${where}: field "${name}" is required`);
    return price;
  };
  const input = required('input');
  return Object.freeze({
    input,
    output: required('output'),
    cacheRead: field('cacheRead') ?? round(input * CACHE_READ_MULTIPLIER),
    cacheWrite: field('cacheWrite') ?? round(input * CACHE_WRITE_MULTIPLIER),
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The family named in a model id (`claude-sonnet-4-5-20250929`, `claude-opus-4-5@20251101`), if any. */
export function modelFamily(model: string): ModelFamily | undefined {
  const id = model.toLowerCase();
  for (const family of ['opus', 'sonnet', 'haiku'] as const) if (id.includes(family)) return family;
  return undefined;
}

/**
 * The price of `model`: an override for the exact id, else the built-in exact id, else an override for its
 * family, else the built-in family estimate; undefined for a model of no known family (count no cost rather
 * than a wrong one).
 */
export function priceFor(
  model: string,
  overrides?: Readonly<Record<string, ModelPrice>>,
): ModelPrice | undefined {
  const own = (table: Readonly<Record<string, ModelPrice>> | undefined, key: string) =>
    table && Object.hasOwn(table, key) ? table[key] : undefined;
  const exact = own(overrides, model) ?? own(MODEL_PRICES, model);
  if (exact) return exact;
  const family = modelFamily(model);
  if (!family) return undefined;
  return own(overrides, family) ?? FAMILY_PRICES[family];
}

/** Estimated USD for one call's usage. Input tokens exclude cached ones, as the API reports them. */
export function estimateCostUsd(usage: Usage, price: ModelPrice): number {
  // One division at the end keeps integer token counts times table prices as exact as doubles allow.
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheReadTokens * price.cacheRead +
      usage.cacheWriteTokens * price.cacheWrite) /
    1_000_000
  );
}
