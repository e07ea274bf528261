// redactSecrets as a whole: a realistic message, idempotence, a seeded property test and hostile input.

import { describe, expect, it } from 'vitest';
import { REDACTED, REDACTION_KINDS, redactSecrets } from '../../../src/security/redact.js';
import { seededRandom as mulberry32 } from '../../helpers/random.js';
import { SLACK, VENDOR_KEYS } from './secrets/cases/api-tokens.js';
import { ENV_FILES, PYTHON, YAML_JSON } from './secrets/cases/assignments.js';
import { AWS, CLOUD } from './secrets/cases/cloud-keys.js';
import { AUTH_HEADERS } from './secrets/cases/http-auth.js';
import { JWTS } from './secrets/cases/jwt.js';
import { PEM_KEYS } from './secrets/cases/private-key.js';
import { URLS } from './secrets/cases/url-password.js';
import {
  ALNUM,
  ANTHROPIC,
  AWS_ID,
  counts,
  GIT_SHA,
  JWT,
  JWT_HEADER,
  j,
  pem,
  SERVICE_ACCOUNT,
  SLACK_BOT,
  UUID,
} from './secrets/fixtures.js';

const SLACK_MESSAGE = [
  'Hey <@U024BE7LH>, staging can’t reach Postgres since yesterday. Our `.env`:',
  '```',
  'DATABASE_URL=postgresql+asyncpg://app:Zx8!pQ2v@db.staging.internal:5432/app',
  'SECRET_KEY=9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d',
  `ANTHROPIC_API_KEY=${ANTHROPIC}`,
  `SLACK_BOT_TOKEN=${SLACK_BOT}`,
  'ACCESS_TOKEN_EXPIRE_MINUTES=30',
  'FIRST_SUPERUSER_PASSWORD=changethis',
  '```',
  'and the login route:',
  '```',
  'engine = create_async_engine(settings.DATABASE_URL, pool_pre_ping=True)',
  '',
  '@router.post("/login/access-token")',
  'async def login(form_data: OAuth2PasswordRequestForm = Depends()):',
  '    user = await authenticate(form_data.username, form_data.password)',
  '    token = create_access_token({"sub": user.email})',
  '    return {"access_token": token, "token_type": "bearer"}',
  '```',
  ``,
  `\`curl -H "Authorization: Bearer ${JWT}" https://staging.example.com/users/me\` gives 401.`,
  `Broke after ${GIT_SHA}, request id ${UUID}. Password: hunter2 works locally.`,
].join('\n');

/** Every input above, replayed by the idempotence test. */
const SAMPLES: readonly string[] = [
  ...[
    URLS,
    AWS,
    CLOUD,
    SLACK,
    VENDOR_KEYS,
    JWTS,
    AUTH_HEADERS,
    PEM_KEYS,
    ENV_FILES,
    YAML_JSON,
    PYTHON,
  ].flatMap((category) => [...category.redacts.map(([input]) => input), ...category.keeps]),
  SERVICE_ACCOUNT,
  SLACK_MESSAGE,
];

describe('redactSecrets', () => {
  it('redacts a realistic Slack message mixing prose, code and an .env paste', () => {
    const result = redactSecrets(SLACK_MESSAGE);
    const expected = SLACK_MESSAGE.replace('Zx8!pQ2v', REDACTED)
      .replace('9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d', REDACTED)
      .replace(ANTHROPIC, `sk-ant-api03-${REDACTED}`)
      .replace(SLACK_BOT, `xoxb-${REDACTED}`)
      .replace(JWT, `${JWT_HEADER}.${REDACTED}`)
      .replace('hunter2', REDACTED);
    expect(result.text).toBe(expected);
    expect(counts(result)).toEqual({
      'database-url-password': 1,
      'secret-assignment': 2,
      'anthropic-api-key': 1,
      'slack-token': 1,
      jwt: 1,
    });
    // The log line names kinds in a fixed order and never a value.
    expect(result.redactions.map((r) => r.kind)).toEqual([
      'database-url-password',
      'slack-token',
      'anthropic-api-key',
      'jwt',
      'secret-assignment',
    ]);
    expect(JSON.stringify(result.redactions)).not.toContain('hunter2');
  });

  it('is idempotent over every sample', () => {
    expect(SAMPLES.length).toBeGreaterThan(200);
    for (const sample of SAMPLES) {
      const once = redactSecrets(sample);
      const twice = redactSecrets(once.text);
      expect(twice.text, sample).toBe(once.text);
      expect(twice.redactions, sample).toEqual([]);
    }
  });

  it('never leaks planted secrets and leaves secret-free text unchanged (seeded property test)', () => {
    const random = mulberry32(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
    /** Starts and ends with a digit and avoids x/X, so it is never a placeholder or a mask. */
    const secret = (min: number, max: number, alphabet = ALNUM): string => {
      let out = String(int(1, 9));
      const length = int(min, max);
      while (out.length < length - 1) out += alphabet.charAt(Math.floor(random() * alphabet.length));
      return `${out}${int(0, 9)}`;
    };
    const base64url = (length: number): string => secret(length, length, `${ALNUM}-_`);

    /** Each returns the text to plant and the values that must not survive redaction. */
    const planters: ReadonlyArray<() => [string, string[]]> = [
      () => {
        const s = secret(8, 30);
        return [`DATABASE_PASSWORD=${s}`, [s]];
      },
      () => {
        const s = secret(8, 30);
        return [`postgresql://app:${s}@db:5432/prod`, [s]];
      },
      () => {
        const s = secret(8, 30);
        return [`{"api_key": "${s}"}`, [s]];
      },
      () => {
        const s = secret(8, 30);
        return [`connect(user="app", password="${s}")`, [s]];
      },
      () => {
        const s = secret(8, 30);
        return [`\n  client_secret: ${s}\n`, [s]];
      },
      () => {
        const s = secret(8, 30);
        return [`Password: ${s}`, [s]];
      },
      () => {
        const s = secret(20, 60);
        return [j('xo', 'xb-', s), [s]];
      },
      () => {
        const s = secret(40, 90);
        return [j('sk-', 'ant-api03-', s), [s]];
      },
      () => {
        const s = secret(40, 60);
        return [j('sk-', 'proj-', s), [s]];
      },
      () => {
        const s = secret(36, 36);
        return [j('gh', 'p_', s), [s]];
      },
      () => {
        const s = secret(24, 99);
        return [j('sk', '_live_', s), [s]];
      },
      () => {
        const s = secret(35, 35);
        return [j('AI', 'za', s), [s]];
      },
      () => {
        const s = secret(16, 16, 'ABCDEFGHIJKLMNOPQRSTUVW0123456789');
        return [j('AK', 'IA', s), [s]];
      },
      () => {
        const s = secret(20, 60);
        return [`Authorization: Bearer ${s}`, [s]];
      },
      () => {
        const s = secret(8, 20);
        const encoded = Buffer.from(`svc:${s}`).toString('base64');
        return [`Authorization: Basic ${encoded}`, [encoded]];
      },
      () => {
        const s = `${secret(86, 86)}==`;
        return [`AccountKey=${s};EndpointSuffix=core.windows.net`, [s]];
      },
      () => {
        const rest = `eyJ${base64url(30)}.${base64url(43)}`;
        return [`${JWT_HEADER}.${rest}`, [rest]];
      },
      () => {
        const lines = [secret(64, 64), secret(64, 64), secret(20, 40)];
        return [pem(pick(['PRIVATE KEY', 'RSA PRIVATE KEY', 'OPENSSH PRIVATE KEY']), lines), lines];
      },
      () => {
        const s = j('https://hooks.slack.com/', 'services/T0123ABCD/B0456EFGH/', secret(24, 24));
        return [s, [s.slice(-24)]];
      },
    ];
    const safe = [
      'password: str',
      'Depends(get_password_hash)',
      'DATABASE_URL=os.environ["DATABASE_URL"]',
      `SECRET_KEY=\${SECRET_KEY}`,
      'token = create_access_token({"sub": user.email})',
      'return {"access_token": token, "token_type": "bearer"}',
      'https://fastapi.tiangolo.com/tutorial/',
      'git@github.com:org/repo.git',
      'postgresql://app@db/prod',
      UUID,
      GIT_SHA,
      'Why does my dependency run twice?',
      'I use Bearer authentication',
      'max_tokens=1024',
      'id = Column(Integer, primary_key=True)',
      '```',
      'FIRST_SUPERUSER_PASSWORD=changethis',
      '@app.get("/items/{item_id}")',
      'async def read_items(skip: int = 0, limit: int = 10):',
      'the password: it must be 8 chars',
      '<@U024BE7LH> thanks!',
      'password=form_data.password',
      'ssl_keyfile="/etc/ssl/private/key.pem"',
    ];
    const joiners = [' ', '\n', '\n\n', ' — ', '\n```\n', ', '];
    const noise = (): string => {
      const parts: string[] = [];
      for (let n = int(0, 4); n > 0; n--) parts.push(pick(safe));
      return parts.join(pick(joiners));
    };

    for (let round = 0; round < 300; round++) {
      const planted: string[] = [];
      const parts: string[] = [noise()];
      for (let n = int(1, 4); n > 0; n--) {
        const [text, values] = pick(planters)();
        parts.push(text, noise());
        planted.push(...values);
      }
      const input = parts.join(pick(joiners));
      const result = redactSecrets(input);
      for (const value of planted) expect(result.text, input).not.toContain(value);
      expect(redactSecrets(result.text).text, input).toBe(result.text);

      const clean = noise();
      expect(redactSecrets(clean), clean).toEqual({ text: clean, redactions: [] });
    }

    // Random punctuation-heavy strings: whatever gets redacted, a second pass changes nothing and nothing throws.
    const alphabet = ':@/="\' \n=abcXYZ019-_.{}[]()<>$#&?;,|`\\';
    for (let round = 0; round < 500; round++) {
      let input = '';
      for (let n = int(0, 300); n > 0; n--) input += alphabet.charAt(Math.floor(random() * alphabet.length));
      if (random() < 0.3)
        input = input.replace(' ', ` ${pick(['password=', 'token: ', 'postgresql://a:', 'Bearer '])}`);
      const once = redactSecrets(input);
      expect(redactSecrets(once.text).text, JSON.stringify(input)).toBe(once.text);
    }
  });

  it('completes on hostile input and never throws', () => {
    const n = 100_000;
    const hostile = [
      ':'.repeat(n),
      '@'.repeat(n),
      '/'.repeat(n),
      '='.repeat(n),
      '"'.repeat(n),
      "'".repeat(n),
      ':@/="\''.repeat(n / 6),
      'a:'.repeat(n / 2),
      'password='.repeat(n / 9),
      'password="'.repeat(n / 10),
      '"password":'.repeat(n / 11),
      'token: str | '.repeat(n / 13),
      `postgresql://a:b@`.repeat(n / 17),
      `x://${'@'.repeat(n)}`,
      `x://a:${':'.repeat(n)}@h`,
      '-----BEGIN PRIVATE KEY-----'.repeat(n / 27),
      `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(n)}`,
      'eyJhbGciOi.'.repeat(n / 11),
      `eyJhbGciOiJ.eyJ${'a'.repeat(n)}`,
      'Bearer '.repeat(n / 7),
      `Bearer ${'a1'.repeat(n / 2)}[`,
      'Basic '.repeat(n / 6),
      'AKIA'.repeat(n / 4),
      `${AWS_ID} ${'A'.repeat(n)}`,
      'sk-'.repeat(n / 3),
      `sk-${'a-'.repeat(n / 2)}`,
      `PASSWORD=${'x'.repeat(n)}`,
      `password: ${'['.repeat(n)}`,
      `token: Optional${'['.repeat(n)}`,
      `"password": "${'\\'.repeat(n)}`,
      'hooks.slack.com/services/'.repeat(n / 25),
      'AccountKey='.repeat(n / 11),
      `auth=("u", "${'p'.repeat(n)}`,
      `${'a'.repeat(n)}:${'b'.repeat(n)}@`,
    ];
    for (const input of hostile) {
      const result = redactSecrets(input);
      expect(typeof result.text).toBe('string');
      expect(Array.isArray(result.redactions)).toBe(true);
    }
    expect(redactSecrets('')).toEqual({ text: '', redactions: [] });
    expect(redactSecrets('\uD800 password="\uDC00abc1"').text).toBe(`\uD800 password="${REDACTED}"`);
    // A JavaScript caller can still pass something else; the answer is empty rather than an exception.
    expect(redactSecrets(undefined as unknown as string)).toEqual({ text: '', redactions: [] });
  });

  it('reports only known kinds with positive counts', () => {
    const result = redactSecrets(SAMPLES.join('\n'));
    for (const redaction of result.redactions) {
      expect(REDACTION_KINDS).toContain(redaction.kind);
      expect(redaction.count).toBeGreaterThan(0);
    }
    expect(result.redactions.map((r) => r.kind)).not.toContain('redaction-failed');
  });
});
