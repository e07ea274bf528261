// Redaction of Bearer, Basic and other HTTP credentials.

import { describe, it } from 'vitest';
import { AUTH_HEADERS } from './cases/http-auth.js';
import { expectCategory } from './fixtures.js';

describe('redactSecrets', () => {
  it('redacts Bearer and Basic credentials and Authorization headers', () => {
    expectCategory(AUTH_HEADERS);
  });
});
