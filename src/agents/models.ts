/**
 * Model aliases in one table. Agent files say `model: sonnet` (Claude Code's convention); the API wants a
 * model id. Keep the targets on the newest non-deprecated ids of the installed SDK: the SDK prints a
 * deprecation warning on every call to a model listed in its DEPRECATED_MODELS, and a test checks this table
 * against that list.
 */
export const MODEL_ALIASES = {
  sonnet: 'claude-sonnet-5-5',
  opus: 'claude-opus-5-5',
  haiku: 'claude-haiku-5-5',
} as const;

export type ModelAlias = keyof typeof MODEL_ALIASES;

// Full ids pass through so a new model can be used before this table learns about it. Allows dated ids
// (`claude-sonnet-4-5-20250929`) and Vertex-style `@` versions; rejects anything with spaces or a typo'd prefix.
const MODEL_ID = /^claude-[a-z0-9][a-z0-9._@-]*$/;

export class UnknownModelError extends Error {
  override readonly name = 'UnknownModelError';
  readonly value: string;

  constructor(value: string) {
    super(
      `unknown model "${value}": use one of the aliases ${Object.keys(MODEL_ALIASES).join(', ')} ` +
        'or a full model id starting with "claude-"',
    );
    this.value = value;
  }
}

export function isModelAlias(value: string): value is ModelAlias {
  return Object.hasOwn(MODEL_ALIASES, value);
}

/**
 * The model id to send to the API. A non-empty `override` (the operator's CLAUDE_MODEL) wins over the agent
 * file's `model`; either may be an alias or a full `claude-…` id. Anything else throws UnknownModelError, so
 * a typo fails at start rather than on the first question.
 */
export function resolveModel(agentModel: string, override?: string): string {
  const chosen = override !== undefined && override.trim() !== '' ? override.trim() : agentModel.trim();
  if (isModelAlias(chosen)) return MODEL_ALIASES[chosen];
  if (MODEL_ID.test(chosen)) return chosen;
  throw new UnknownModelError(chosen);
}
