import { describe, expect, it } from 'vitest';
// The SDK's package.json `exports` has no entry for internal/*, so the bare specifier
// '@anthropic-ai/sdk/internal/data/deprecated-models' fails to resolve from ESM; the file path does, and
// TypeScript picks up the .d.mts next to it.
import { DEPRECATED_MODELS } from '../../../node_modules/@anthropic-ai/sdk/internal/data/deprecated-models.mjs';
import { MODEL_ALIASES, resolveModel, UnknownModelError } from '../../../src/agents/models.js';

describe('MODEL_ALIASES', () => {
  it('reads the real deprecation table of the installed SDK', () => {
    // Guards against the import silently yielding an empty table, which would make the next test vacuous.
    expect(DEPRECATED_MODELS).toHaveProperty('claude-sonnet-4-5');
  });

  it.each(Object.entries(MODEL_ALIASES))(
    'maps %s to a model the SDK does not deprecate (%s)',
    (_alias, id) => {
      expect(Object.keys(DEPRECATED_MODELS)).not.toContain(id);
    },
  );
});

describe('resolveModel', () => {
  it('maps aliases to model ids', () => {
    expect(resolveModel('sonnet')).toBe('claude-sonnet-5-5');
    expect(resolveModel('opus')).toBe('claude-opus-5-5');
    expect(resolveModel('haiku')).toBe('claude-haiku-5-5');
  });

  it('passes full claude- model ids through', () => {
    expect(resolveModel('claude-opus-4-8')).toBe('claude-opus-4-8');
    expect(resolveModel('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5-20250929');
  });

  it('lets a non-empty override win, resolving its alias', () => {
    expect(resolveModel('sonnet', 'haiku')).toBe('claude-haiku-5-5');
    expect(resolveModel('sonnet', 'claude-opus-4-7')).toBe('claude-opus-4-7');
  });

  it('ignores an empty or blank override', () => {
    expect(resolveModel('opus', '')).toBe('claude-opus-5-5');
    expect(resolveModel('opus', '   ')).toBe('claude-opus-5-5');
  });

  it('rejects an unknown value, naming it and the known aliases', () => {
    expect(() => resolveModel('sonet')).toThrow(UnknownModelError);
    expect(() => resolveModel('sonet')).toThrow(/"sonet".*sonnet, opus, haiku/);
  });

  it('rejects an unknown override even when the agent model is fine', () => {
    expect(() => resolveModel('sonnet', 'gpt-4o')).toThrow(/"gpt-4o"/);
  });

  it('does not treat Object.prototype keys as aliases', () => {
    expect(() => resolveModel('toString')).toThrow(UnknownModelError);
  });
});
