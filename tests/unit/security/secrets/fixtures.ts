// Fake secrets (assembled at runtime) and the helpers the redaction tests share.

import { expect } from 'vitest';
import { type RedactionKind, type RedactResult, redactSecrets } from '../../../../src/security/redact.js';

// Vendor-format fakes are assembled at runtime so secret scanners (push protection, gitleaks) do not flag this file.
export const j = (...parts: string[]): string => parts.join('');

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWabcdefghijklmnopqrstuvw0123456789';
/** Deterministic filler of a given length; has digits and both cases like a real token, and no "xxxx" masks. */
export function body(length: number, seed = 7): string {
  let out = '';
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += ALNUM.charAt(state % ALNUM.length);
  }
  return `7${out.slice(1, -1)}3`;
}

export const SLACK_BOT = j('xo', 'xb-', '2401234567890-2412345678901-', body(24, 1));
export const SLACK_USER = j('xo', 'xp-', '2401234567890-2401234567891-2412345678902-', body(32, 2));
export const SLACK_APP = j('xa', 'pp-1-A0123ABCDEF-4812345678901-', body(64, 3));
export const SLACK_ROTATING = j('xoxe.', 'xo', 'xp-1-', body(40, 4));
export const SLACK_WEBHOOK_SECRET = body(24, 5);
export const ANTHROPIC = j('sk-', 'ant-', 'api03-', body(86, 6), 'AA');
export const OPENAI_PROJECT = j('sk-', 'proj-', body(100, 7));
export const OPENAI_LEGACY = j('sk-', body(48, 8));
export const GITHUB_CLASSIC = j('gh', 'p_', body(36, 9));
export const GITHUB_FINE = j('github', '_pat_', body(22, 10), '_', body(59, 11));
export const GITHUB_OAUTH = j('gh', 'o_', body(36, 12));
export const STRIPE_LIVE = j('sk', '_live_', body(99, 13));
export const STRIPE_RESTRICTED = j('rk', '_live_', body(99, 14));
export const STRIPE_WEBHOOK = j('wh', 'sec_', body(32, 15));
export const GOOGLE = j('AI', 'za', body(35, 16));
export const AWS_ID = j('AK', 'IA', 'Q3EGRAHEYLV7N4ZU');
export const AWS_TEMP_ID = j('AS', 'IA', 'Y7WQ2KP4R9XTM3LB');
export const AWS_SECRET = j('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCY4Q7sz9PqLk');
export const AZURE_KEY = j(body(86, 17), '==');
export const JWT_HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
export const JWT_REST =
  'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
export const JWT = `${JWT_HEADER}.${JWT_REST}`;
export const GIT_SHA = '3f2a9c1d4e5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f';
export const UUID = '550e8400-e29b-41d4-a716-446655440000';
export const PEM_BODY = [body(64, 18), body(64, 19), body(64, 20), `${body(40, 21)}==`];

export function pem(label: string, lines: string[] = PEM_BODY, sep = '\n'): string {
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join(sep);
}

export function counts(result: RedactResult): Record<string, number> {
  return Object.fromEntries(result.redactions.map((r) => [r.kind, r.count]));
}

/** [input, expected output, kind reported]. */
export type Positive = readonly [string, string, RedactionKind];

/** Realistic positives and near-miss negatives for one family of secrets. */
export interface Category {
  redacts: readonly Positive[];
  keeps: readonly string[];
}

export function expectCategory(category: Category): void {
  for (const [input, expected, kind] of category.redacts) {
    const result = redactSecrets(input);
    expect(result.text, input).toBe(expected);
    expect(counts(result)[kind], `${kind} for ${input}`).toBeGreaterThan(0);
  }
  for (const input of category.keeps) {
    const result = redactSecrets(input);
    expect(result.text, input).toBe(input);
    expect(result.redactions, input).toEqual([]);
  }
}

export const BASIC_CREDENTIALS = Buffer.from('admin:s3cret-pw').toString('base64');

export const SERVICE_ACCOUNT = JSON.stringify(
  {
    type: 'service_account',
    project_id: 'fastapi-prod-123456',
    private_key_id: '1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c',
    private_key: `${pem('PRIVATE KEY')}\n`,
    client_email: 'api@fastapi-prod-123456.iam.gserviceaccount.com',
    client_id: '109876543210987654321',
  },
  null,
  2,
);
