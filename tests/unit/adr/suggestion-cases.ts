// Model answers with and without ADR suggestions, shared by the suggestion and instruction-filter tests.

import type { AdrSuggestion } from '../../../src/adr/suggestion.js';

export const ANSWER_BODY = [
  'Use a dedicated table and `SELECT ... FOR UPDATE SKIP LOCKED` so workers never take the same job:',
  '',
  '```python',
  'async def claim_job(session: AsyncSession) -> Job | None:',
  '    return await session.scalar(select(Job).with_for_update(skip_locked=True).limit(1))',
  '```',
  '',
].join('\n');

interface Case {
  name: string;
  /** The suggestion part of a model answer; tests put ANSWER_BODY in front of it. */
  text: string;
  expected: AdrSuggestion[];
  /** stripAdrInstructions(text). */
  stripped: string;
}

export const CASES: Case[] = [
  {
    name: 'the exact prompt form',
    text: '📋 Architectural decision detected: Use PostgreSQL as the background job queue instead of Redis — Document reasoning and tradeoffs? Run `/sp.adr use-postgres-for-jobs`',
    expected: [
      {
        brief: 'Use PostgreSQL as the background job queue instead of Redis',
        title: 'Use postgres for jobs',
      },
    ],
    stripped:
      '📋 Architectural decision detected: Use PostgreSQL as the background job queue instead of Redis — Document reasoning and tradeoffs? ',
  },
  {
    name: 'the second sentence on the next line',
    text: "📋 Architectural decision detected: Split the monolith's auth into a separate OAuth2 service\nDocument reasoning and tradeoffs? Run `/sp.adr separate-auth-service`\n",
    expected: [
      { brief: "Split the monolith's auth into a separate OAuth2 service", title: 'Separate auth service' },
    ],
    stripped:
      "📋 Architectural decision detected: Split the monolith's auth into a separate OAuth2 service\nDocument reasoning and tradeoffs? \n",
  },
  {
    name: 'a title in square brackets',
    text: '📋 Architectural decision detected: Adopt one async SQLAlchemy session per request — Document reasoning and tradeoffs? Run `/sp.adr [Async SQLAlchemy session per request]`',
    expected: [
      {
        brief: 'Adopt one async SQLAlchemy session per request',
        title: 'Async SQLAlchemy session per request',
      },
    ],
    stripped:
      '📋 Architectural decision detected: Adopt one async SQLAlchemy session per request — Document reasoning and tradeoffs? ',
  },
  {
    name: 'the older "Architecture decisions identified … Run /adr" form',
    text: 'Architecture decisions identified. Cache user profiles in Redis with a 5-minute TTL. Run /adr cache-user-profiles-in-redis',
    expected: [
      { brief: 'Cache user profiles in Redis with a 5-minute TTL', title: 'Cache user profiles in redis' },
    ],
    stripped: 'Architecture decisions identified. Cache user profiles in Redis with a 5-minute TTL. ',
  },
  {
    name: 'the older form with the whole instruction in backticks',
    text: 'Architecture decisions identified. Use Postgres advisory locks for the scheduler. `Run /adr postgres-advisory-locks`',
    expected: [{ brief: 'Use Postgres advisory locks for the scheduler', title: 'Postgres advisory locks' }],
    stripped: 'Architecture decisions identified. Use Postgres advisory locks for the scheduler. ',
  },
  {
    name: 'no emoji, an en dash and a quoted title',
    text: 'Architectural decision detected: Version the public API with /v2 path prefixes – Document reasoning and tradeoffs? Run `/sp.adr "URL path API versioning"`',
    expected: [{ brief: 'Version the public API with /v2 path prefixes', title: 'URL path API versioning' }],
    stripped:
      'Architectural decision detected: Version the public API with /v2 path prefixes – Document reasoning and tradeoffs? ',
  },
  {
    name: 'inside a bullet, bold, "--" and an angle-bracketed slug',
    text: '- **📋 Architectural decision detected:** Use JWT access tokens with rotating refresh tokens -- Document reasoning and tradeoffs? Run `/sp.adr <jwt-with-refresh-rotation>`',
    expected: [
      { brief: 'Use JWT access tokens with rotating refresh tokens', title: 'Jwt with refresh rotation' },
    ],
    stripped:
      '- **📋 Architectural decision detected:** Use JWT access tokens with rotating refresh tokens -- Document reasoning and tradeoffs? ',
  },
  {
    name: 'a quote, italics, "-" and a snake_case slug',
    text: '> _Architecture decision detected: Move file uploads to S3 presigned URLs - Document reasoning and tradeoffs? Run `/sp.adr s3_presigned_uploads`_',
    expected: [{ brief: 'Move file uploads to S3 presigned URLs', title: 'S3 presigned uploads' }],
    stripped:
      '> _Architecture decision detected: Move file uploads to S3 presigned URLs - Document reasoning and tradeoffs? _',
  },
  {
    name: 'the emoji after the header, a brief starting with "Run", an unbackticked title in words',
    text: 'Architectural decision detected 📋: Run Celery workers apart from the API containers. Document reasoning and tradeoffs? Run /sp.adr Separate Celery worker deployment',
    expected: [
      {
        brief: 'Run Celery workers apart from the API containers',
        title: 'Separate Celery worker deployment',
      },
    ],
    stripped:
      'Architectural decision detected 📋: Run Celery workers apart from the API containers. Document reasoning and tradeoffs? ',
  },
  {
    name: 'plural header, lowercase "run", the whole line in bold',
    text: '**Architecture decisions detected: Keep the tenant ID in a request-scoped ContextVar — document reasoning and tradeoffs? run `/sp.adr tenant-context-var`**',
    expected: [{ brief: 'Keep the tenant ID in a request-scoped ContextVar', title: 'Tenant context var' }],
    stripped:
      '**Architecture decisions detected: Keep the tenant ID in a request-scoped ContextVar — document reasoning and tradeoffs? **',
  },
  {
    name: 'the older form with the command after a blank line, unbackticked and bold',
    text: 'Architecture decision identified: Treat Alembic autogenerate output as a draft that is always reviewed.\n\n**Run /adr alembic-review-policy**',
    expected: [
      {
        brief: 'Treat Alembic autogenerate output as a draft that is always reviewed',
        title: 'Alembic review policy',
      },
    ],
    // The emphasis that wrapped only the command is left as '****': the opening '**' was sent before the
    // command could be recognised.
    stripped:
      'Architecture decision identified: Treat Alembic autogenerate output as a draft that is always reviewed.\n\n****',
  },
  {
    name: 'a bare backticked command, text after it on the line',
    text: '📋 Architectural decision detected: Rate-limit at the gateway, not in FastAPI middleware — `/sp.adr gateway-rate-limiting` documents the tradeoffs.',
    expected: [
      {
        brief: 'Rate-limit at the gateway, not in FastAPI middleware',
        title: 'Gateway rate limiting',
      },
    ],
    stripped:
      '📋 Architectural decision detected: Rate-limit at the gateway, not in FastAPI middleware — documents the tradeoffs.',
  },
  {
    name: 'the prompt placeholder left in: the brief gives the title',
    text: '📋 Architectural decision detected: Use Pydantic settings for all configuration — Document reasoning and tradeoffs? Run `/sp.adr <decision-title>`',
    expected: [
      {
        brief: 'Use Pydantic settings for all configuration',
        title: 'Use Pydantic settings for all configuration',
      },
    ],
    stripped:
      '📋 Architectural decision detected: Use Pydantic settings for all configuration — Document reasoning and tradeoffs? ',
  },
  {
    name: 'no header, but the /sp.adr command and its second sentence',
    text: '📋 Use gRPC between internal services — Document reasoning and tradeoffs? Run `/sp.adr grpc-between-internal-services`',
    expected: [{ brief: 'Use gRPC between internal services', title: 'Grpc between internal services' }],
    stripped: '📋 Use gRPC between internal services — Document reasoning and tradeoffs? ',
  },
  {
    name: 'several suggestions, numbered, one of them two-line',
    text: [
      '1. 📋 Architectural decision detected: Use PostgreSQL for jobs — Document reasoning and tradeoffs? Run `/sp.adr use-postgres-for-jobs`',
      '2. 📋 Architectural decision detected: Put the outbox in the same database',
      '   Document reasoning and tradeoffs? Run `/sp.adr transactional-outbox`',
      '3. **Architecture decision detected:** Use Redis streams for fan-out. Run `/adr [Redis streams for fan-out]`.',
    ].join('\n'),
    expected: [
      { brief: 'Use PostgreSQL for jobs', title: 'Use postgres for jobs' },
      { brief: 'Put the outbox in the same database', title: 'Transactional outbox' },
      { brief: 'Use Redis streams for fan-out', title: 'Redis streams for fan-out' },
    ],
    stripped: [
      '1. 📋 Architectural decision detected: Use PostgreSQL for jobs — Document reasoning and tradeoffs? ',
      '2. 📋 Architectural decision detected: Put the outbox in the same database',
      '   Document reasoning and tradeoffs? ',
      '3. **Architecture decision detected:** Use Redis streams for fan-out. ',
    ].join('\n'),
  },
  {
    name: 'Windows line endings',
    text: '📋 Architectural decision detected: Use PostgreSQL for jobs\r\nDocument reasoning and tradeoffs? Run `/sp.adr use-postgres-for-jobs`\r\nThanks!\r\n',
    expected: [{ brief: 'Use PostgreSQL for jobs', title: 'Use postgres for jobs' }],
    stripped:
      '📋 Architectural decision detected: Use PostgreSQL for jobs\r\nDocument reasoning and tradeoffs? \r\nThanks!\r\n',
  },
];

export const NEGATIVES: { name: string; text: string }[] = [
  {
    name: 'an ordinary answer',
    text: 'Add `Depends(get_db)` to the route and yield the session from the dependency; close it in `finally`.',
  },
  {
    name: 'commands inside a fenced code block',
    text: [
      'In a Spec-Kit Plus repository you would record it like this:',
      '',
      '```bash',
      '# 📋 Architectural decision detected: Use Postgres',
      'Run `/sp.adr use-postgres`',
      '/adr use-postgres',
      '```',
      '',
      'That is all.',
    ].join('\n'),
  },
  {
    name: 'the word architecture in prose, and a denied header',
    text: 'A layered architecture keeps routers thin; the architecture decision is yours to make.\nNo architectural decisions identified in this change.',
  },
  {
    name: '"Run the migrations"',
    text: 'Run the migrations with `alembic upgrade head`, then run `pytest -q` and ReRun the smoke tests.',
  },
  {
    name: 'paths and URLs that contain "adr"',
    text: 'The route is `GET /adr/{adr_id}`; see https://example.com/adr and the /adrs listing, or /admin.',
  },
];
