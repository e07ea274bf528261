// Redaction cases for URLs with a password in the user info: what is redacted and what is kept.

import { REDACTED } from '../../../../../src/security/redact.js';
import type { Category } from '../fixtures.js';

export const URLS: Category = {
  redacts: [
    [
      'DATABASE_URL=postgresql://app:s3cret@db/prod',
      `DATABASE_URL=postgresql://app:${REDACTED}@db/prod`,
      'database-url-password',
    ],
    [
      'postgresql+asyncpg://app:s3cr%40t%2F1@db.internal:5432/prod?sslmode=require',
      `postgresql+asyncpg://app:${REDACTED}@db.internal:5432/prod?sslmode=require`,
      'database-url-password',
    ],
    [
      'mysql://root:Pa55word!@127.0.0.1:3306/app',
      `mysql://root:${REDACTED}@127.0.0.1:3306/app`,
      'database-url-password',
    ],
    [
      'MONGO_URI="mongodb+srv://admin:Xy9zQ2wV@cluster0.ab1cd.mongodb.net/?retryWrites=true"',
      `MONGO_URI="mongodb+srv://admin:${REDACTED}@cluster0.ab1cd.mongodb.net/?retryWrites=true"`,
      'database-url-password',
    ],
    ['redis://:r3disPass@cache:6379/0', `redis://:${REDACTED}@cache:6379/0`, 'database-url-password'],
    [
      'broker_url = "amqp://guest:gu3st-pw@rabbit:5672//"',
      `broker_url = "amqp://guest:${REDACTED}@rabbit:5672//"`,
      'database-url-password',
    ],
    // An unencoded `@` in the password: the last `@` ends the user info, as in URL parsers.
    ['postgresql://app:p@ss@db/prod', `postgresql://app:${REDACTED}@db/prod`, 'database-url-password'],
    [
      'git clone https://deploy:tok3nValue@git.example.com/org/repo.git',
      `git clone https://deploy:${REDACTED}@git.example.com/org/repo.git`,
      'url-password',
    ],
    // Slack wraps links as <url|label>, repeating the URL.
    [
      '<https://admin:hunter22@example.com/x|https://admin:hunter22@example.com/x>',
      `<https://admin:${REDACTED}@example.com/x|https://admin:${REDACTED}@example.com/x>`,
      'url-password',
    ],
  ],
  keeps: [
    'https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/',
    'http://localhost:8000/docs#/default/login_token_post',
    'ssh://git@github.com/org/repo.git',
    'git@github.com:org/repo.git',
    'postgresql://app@db/prod',
    'postgresql://app:@db/prod',
    'sqlalchemy.url = driver://user:pass@localhost/dbname',
    'postgresql://user:password@localhost/dbname',
    `postgresql://app:\${DB_PASSWORD}@db/prod`,
    'f"postgresql://{user}:{password}@{host}/{db}"',
    'postgresql://app:<password>@db/prod',
    'email me at dev@example.com or see https://example.com/@team',
  ],
};
