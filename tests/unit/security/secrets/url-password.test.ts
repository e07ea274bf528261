// Redaction of URLs with a password in the user info.

import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../../src/security/redact.js';
import { URLS } from './cases/url-password.js';
import { counts, expectCategory } from './fixtures.js';

describe('redactSecrets', () => {
  it('redacts the password of URLs with credentials, keeping user, host and path', () => {
    expectCategory(URLS);
    expect(counts(redactSecrets('postgresql://a:b1@h/x mysql://c:d2@h/y'))).toEqual({
      'database-url-password': 2,
    });
  });
});
