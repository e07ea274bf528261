// Redaction of PEM private key blocks.

import { describe, it } from 'vitest';
import { PEM_KEYS } from './cases/private-key.js';
import { expectCategory } from './fixtures.js';

describe('redactSecrets', () => {
  it('replaces whole PEM private key blocks, keeping the key type', () => {
    expectCategory(PEM_KEYS);
  });
});
