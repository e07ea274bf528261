// Anthropic's prompt caching as FakeAnthropic applies it when asked to: what a request's usage would
// report (cache reads, cache writes, uncached input) given the `cache_control` breakpoints it carries.
// The rules modelled: the prefix is tools, then system, then messages, block by block; a breakpoint
// caches everything up to and including its block; a later request reads the longest cached prefix
// ending at one of the 20 blocks at or before one of its breakpoints; a prefix shorter than the
// model's minimum cacheable length is neither written nor read, silently.
import { createHash } from 'node:crypto';

const LOOKBACK_BLOCKS = 20;

export interface CacheUsage {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

interface Block {
  tokens: number;
  breakpoint: boolean;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The request's blocks in cache order; a string system or message content is one block. */
function blocksOf(body: Record<string, unknown>, countTokens: (value: unknown) => number): [Block, string][] {
  const out: [Block, string][] = [];
  const add = (block: unknown) => {
    const breakpoint = record(block)?.cache_control !== undefined;
    const { cache_control: _ignored, ...content } = record(block) ?? {};
    out.push([{ tokens: countTokens(content), breakpoint }, JSON.stringify(content)]);
  };
  for (const tool of Array.isArray(body.tools) ? body.tools : []) add(tool);
  // A string is the same as one text block, for the cache as for the model.
  if (typeof body.system === 'string') add({ type: 'text', text: body.system });
  else for (const block of Array.isArray(body.system) ? body.system : []) add(block);
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    const { role, content } = record(message) ?? {};
    if (typeof content === 'string') add({ role, type: 'text', text: content });
    else for (const block of Array.isArray(content) ? content : []) add({ role, ...record(block) });
  }
  return out;
}

export class FakePromptCache {
  private readonly cached = new Set<string>();

  constructor(
    private readonly minTokens: number,
    private readonly countTokens: (value: unknown) => number,
  ) {}

  /** Usage for this request, remembering what it writes for the next ones. */
  apply(body: Record<string, unknown>): CacheUsage {
    const blocks = blocksOf(body, this.countTokens);
    const keys: string[] = [];
    const upTo: number[] = [];
    let hash = '';
    let tokens = 0;
    for (const [block, text] of blocks) {
      hash = createHash('sha256').update(hash).update(text).digest('hex');
      tokens += block.tokens;
      keys.push(hash);
      upTo.push(tokens);
    }
    const total = tokens;
    const breakpoints = blocks.flatMap(([block], index) =>
      block.breakpoint && (upTo[index] ?? 0) >= this.minTokens ? [index] : [],
    );
    let read = 0;
    for (const point of breakpoints) {
      for (let index = point; index >= Math.max(0, point - LOOKBACK_BLOCKS); index--) {
        if (this.cached.has(keys[index] ?? '')) {
          read = Math.max(read, upTo[index] ?? 0);
          break;
        }
      }
    }
    const last = breakpoints.at(-1);
    const written = last === undefined ? 0 : Math.max((upTo[last] ?? 0) - read, 0);
    for (const point of breakpoints) this.cached.add(keys[point] ?? '');
    return {
      input_tokens: total - read - written,
      cache_read_input_tokens: read,
      cache_creation_input_tokens: written,
    };
  }
}
