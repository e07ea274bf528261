// Redaction of Slack and other vendor tokens.

import { describe, it } from 'vitest';
import { SLACK, VENDOR_KEYS } from './cases/api-tokens.js';
import { expectCategory } from './fixtures.js';

describe('redactSecrets', () => {
  it('redacts Slack tokens and webhook URLs, keeping the token type', () => {
    expectCategory(SLACK);
  });

  it('redacts Anthropic, OpenAI, GitHub, Stripe and Google keys, keeping the prefix', () => {
    expectCategory(VENDOR_KEYS);
  });
});
