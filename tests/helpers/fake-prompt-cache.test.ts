import { describe, expect, it } from 'vitest';
import { FakePromptCache } from './fake-prompt-cache.js';

const BP = { cache_control: { type: 'ephemeral' } };
const text = (words: number) => 'word '.repeat(words);
// One token per 5 characters: a block of text(n) is n tokens.
const cache = (min = 100) => new FakePromptCache(min, (value) => Math.ceil(JSON.stringify(value).length / 5));

describe('FakePromptCache', () => {
  it('writes up to a breakpoint, then reads that prefix on the next request', () => {
    const c = cache();
    const system = [{ type: 'text', text: text(200), ...BP }];
    const first = c.apply({ system, messages: [{ role: 'user', content: 'hi' }] });
    expect(first.cache_read_input_tokens).toBe(0);
    expect(first.cache_creation_input_tokens).toBeGreaterThan(0);
    const second = c.apply({ system, messages: [{ role: 'user', content: 'another question' }] });
    expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    expect(second.cache_creation_input_tokens).toBe(0);
  });

  it('caches nothing below the minimum length, silently', () => {
    const c = cache(10_000);
    const body = { system: [{ type: 'text', text: text(200), ...BP }], messages: [] };
    c.apply(body);
    expect(c.apply(body)).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });

  it('treats a string content as one text block, and finds a prefix at most 20 blocks back', () => {
    const c = cache();
    const q = { role: 'user', content: [{ type: 'text', text: text(200), ...BP }] };
    const written = c.apply({ messages: [q] }).cache_creation_input_tokens;
    const turns = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'user' : 'assistant', content: `turn ${i}` }));
    const last = { role: 'user', content: [{ type: 'text', text: 'newest', ...BP }] };
    const near = c.apply({ messages: [{ role: 'user', content: text(200) }, ...turns(10), last] });
    expect(near.cache_read_input_tokens).toBe(written);
    const far = cache();
    far.apply({ messages: [q] });
    expect(
      far.apply({ messages: [{ role: 'user', content: text(200) }, ...turns(30), last] })
        .cache_read_input_tokens,
    ).toBe(0);
  });
});
