// Redaction of AWS, GCP and Azure credentials.

import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../../../src/security/redact.js';
import { AWS, CLOUD } from './cases/cloud-keys.js';
import { counts, expectCategory, SERVICE_ACCOUNT } from './fixtures.js';

describe('redactSecrets', () => {
  it('redacts AWS access key ids and secret access keys', () => {
    expectCategory(AWS);
  });

  it('redacts GCP service-account keys and Azure account keys, keeping JSON valid', () => {
    const result = redactSecrets(SERVICE_ACCOUNT);
    const parsed: unknown = JSON.parse(result.text);
    expect(parsed).toMatchObject({
      project_id: 'fastapi-prod-123456',
      private_key_id: REDACTED,
      private_key: `-----BEGIN PRIVATE KEY-----\n${REDACTED}\n-----END PRIVATE KEY-----\n`,
      client_email: 'api@fastapi-prod-123456.iam.gserviceaccount.com',
      client_id: '109876543210987654321',
    });
    expect(counts(result)).toEqual({ 'private-key': 1, 'gcp-private-key-id': 1 });

    expectCategory(CLOUD);
  });
});
