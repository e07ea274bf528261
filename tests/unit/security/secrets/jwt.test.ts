// Redaction of JSON Web Tokens.

import { describe, it } from 'vitest';
import { JWTS } from './cases/jwt.js';
import { expectCategory } from './fixtures.js';

describe('redactSecrets', () => {
  it('redacts JWTs, keeping the header', () => {
    expectCategory(JWTS);
  });
});
