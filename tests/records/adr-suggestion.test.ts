import { describe, expect, it } from 'vitest';
import {
  type AdrSuggestion,
  createAdrInstructionFilter,
  detectAdrSuggestions,
  MAX_TITLE_LENGTH,
  stripAdrInstructions,
} from '../../src/records/adr-suggestion.js';
import { seededRandom as seeded } from '../helpers/random.js';

const ANSWER_BODY = [
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

const CASES: Case[] = [
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

const NEGATIVES: { name: string; text: string }[] = [
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

describe('detectAdrSuggestions', () => {
  for (const c of CASES) {
    it(`finds ${c.name}`, () => {
      expect(detectAdrSuggestions(`${ANSWER_BODY}${c.text}`)).toEqual(c.expected);
      expect(detectAdrSuggestions(c.text)).toEqual(c.expected);
    });
  }

  for (const n of NEGATIVES) {
    it(`finds nothing in ${n.name}`, () => {
      expect(detectAdrSuggestions(`${ANSWER_BODY}${n.text}`)).toEqual([]);
    });
  }

  it('does not take "/adr" mentioned in passing as a suggestion', () => {
    expect(detectAdrSuggestions('In Claude Code you could run /adr later to write the record.')).toEqual([]);
  });

  it('uses the brief as the title when no command follows the header', () => {
    expect(
      detectAdrSuggestions(
        '📋 Architectural decision detected: Serve the OpenAPI docs only on the internal network.',
      ),
    ).toEqual([
      {
        brief: 'Serve the OpenAPI docs only on the internal network',
        title: 'Serve the OpenAPI docs only on the internal network',
      },
    ]);
  });

  it('takes the brief from the next line when the header line has none', () => {
    expect(
      detectAdrSuggestions(
        '**📋 Architectural decision detected:**\n> Use `BackgroundTasks` for e-mail, not Celery — Document reasoning and tradeoffs? Run `/sp.adr background-tasks-for-email`',
      ),
    ).toEqual([{ brief: 'Use BackgroundTasks for e-mail, not Celery', title: 'Background tasks for email' }]);
  });

  it('keeps snake_case identifiers in the brief', () => {
    expect(
      detectAdrSuggestions(
        '📋 Architectural decision detected: Derive tenant_id from the token, never from the body — Run `/sp.adr tenant-from-token`',
      ),
    ).toEqual([
      { brief: 'Derive tenant_id from the token, never from the body', title: 'Tenant from token' },
    ]);
  });

  it(`caps the title at ${MAX_TITLE_LENGTH} characters on a word boundary`, () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const [suggestion] = detectAdrSuggestions(`Architectural decision detected: X — Run \`/sp.adr ${long}\``);
    expect(suggestion?.title.length).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
    expect(long.startsWith((suggestion?.title ?? '').replace(/^W/, 'w'))).toBe(true);
    expect(suggestion?.title.endsWith(' ')).toBe(false);
  });
});

/** Lines outside fenced code, for "nothing of the command is left" checks. */
function outsideCode(text: string): string {
  return text.replace(/```[\s\S]*?(?:```|$)/g, '');
}

describe('stripAdrInstructions', () => {
  for (const c of CASES) {
    it(`removes the command from ${c.name}`, () => {
      const stripped = stripAdrInstructions(`${ANSWER_BODY}${c.text}`);
      expect(stripped).toBe(`${ANSWER_BODY}${c.stripped}`);
      expect(outsideCode(stripped)).not.toMatch(/\/sp\.adr|\/adr\s|\/adr$/m);
    });
  }

  for (const n of NEGATIVES) {
    it(`leaves ${n.name} alone`, () => {
      expect(stripAdrInstructions(`${ANSWER_BODY}${n.text}`)).toBe(`${ANSWER_BODY}${n.text}`);
    });
  }

  it('keeps the text after a backticked command, without the space before it', () => {
    expect(stripAdrInstructions('Worth recording? Run `/sp.adr use-redis` to keep the reasoning.')).toBe(
      'Worth recording? to keep the reasoning.',
    );
  });

  it('removes two commands on one line', () => {
    expect(stripAdrInstructions('Run `/sp.adr a` or `/adr b` later.')).toBe('or later.');
  });

  it('removes an unbackticked command to the end of its line only', () => {
    expect(stripAdrInstructions('Decided. Run: /sp.adr [Use Redis] now\nNext line stays.')).toBe(
      'Decided. \nNext line stays.',
    );
  });

  it('leaves a tilde fence and an unclosed fence alone', () => {
    const text = '~~~\nRun `/sp.adr x`\n~~~\nRun `/sp.adr y`\n```\nRun /adr z';
    expect(stripAdrInstructions(text)).toBe('~~~\nRun `/sp.adr x`\n~~~\n\n```\nRun /adr z');
  });
});

describe('createAdrInstructionFilter', () => {
  function streamed(parts: string[]): { out: string; outputs: string[] } {
    const filter = createAdrInstructionFilter();
    const outputs = parts.map((p) => filter.push(p));
    outputs.push(filter.end());
    return { out: outputs.join(''), outputs };
  }

  function split(text: string, random: () => number): string[] {
    const parts: string[] = [];
    let i = 0;
    while (i < text.length) {
      // Mostly small deltas like the model's, sometimes empty ones and single characters.
      const size = random() < 0.1 ? 0 : Math.ceil(random() * (random() < 0.5 ? 4 : 30));
      parts.push(text.slice(i, i + size));
      i += size;
    }
    return parts;
  }

  const FRAGMENTS = [
    'Run ',
    'Run `/sp.adr ',
    ' `/adr ',
    '`Run /adr ',
    '`run ',
    'Run /adr ',
    'run',
    'Run:',
    'R',
    'Ru',
    'Run  ',
    ' ',
    '\t',
    '`',
    '``',
    '```',
    '```py',
    '~~~',
    '/',
    '/sp.adr',
    '/sp.',
    '/adr',
    '/ad',
    '/adrs',
    'sp.adr',
    'adr',
    ' x',
    'use-postgres',
    '[Title]',
    '<T>',
    '"T"',
    '**',
    '_',
    '.',
    '?',
    '—',
    ' — ',
    '📋',
    'Architectural decision detected: ',
    'Document reasoning and tradeoffs? ',
    'word',
    'Rerun',
    'https://a/adr',
    '\n',
    '\n',
    '\n',
    '\r\n',
    '\r',
  ];

  it('equals stripAdrInstructions over random inputs and random split points', () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const random = seeded(seed);
      const count = Math.floor(random() * 40);
      let text = '';
      for (let k = 0; k < count; k++) text += FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] ?? '';
      const expected = stripAdrInstructions(text);
      const { out } = streamed(split(text, random));
      if (out !== expected) expect({ seed, text, out }).toEqual({ seed, text, out: expected });
    }
  });

  it('equals stripAdrInstructions on the realistic answers, split anywhere', () => {
    const random = seeded(42);
    for (const sample of [...CASES, ...NEGATIVES].map((c) => c.text)) {
      const text = `${ANSWER_BODY}${sample}\nThanks.`;
      for (let round = 0; round < 50; round++) {
        expect(streamed(split(text, random)).out).toBe(stripAdrInstructions(text));
      }
      expect(streamed(Array.from(text)).out).toBe(stripAdrInstructions(text));
    }
  });

  it('emits prose with no "R", "r", "/" or "`" at once', () => {
    const random = seeded(7);
    const alphabet = 'abcdefghijklmnopqstuvwxyz ABCDEFGHIJKLMNOPQSTUVWXYZ.,;:!?-—()\'"\n0123456789📋*_';
    for (let round = 0; round < 200; round++) {
      let text = '';
      const length = Math.floor(random() * 300);
      for (let k = 0; k < length; k++) text += alphabet.charAt(Math.floor(random() * alphabet.length));
      const parts = split(text, random);
      const filter = createAdrInstructionFilter();
      for (const part of parts) expect(filter.push(part)).toBe(part);
      expect(filter.end()).toBe('');
    }
  });

  it('emits an "r" inside a word and a "/" after a word at once', () => {
    const filter = createAdrInstructionFilter();
    expect(filter.push('Our routers and/or')).toBe('Our routers and/or');
    expect(filter.push(' services use ')).toBe(' services use ');
  });

  it('holds a possible instruction only until it is decided', () => {
    const filter = createAdrInstructionFilter();
    expect(filter.push('Then ')).toBe('Then ');
    expect(filter.push('R')).toBe('');
    expect(filter.push('un ')).toBe('');
    expect(filter.push('the migrations')).toBe('Run the migrations');
    expect(filter.push(' via `')).toBe(' via ');
    // The closing backtick could open "`/sp.adr" until the next character arrives.
    expect(filter.push('alembic`')).toBe('`alembic');
    expect(filter.end()).toBe('`');
  });

  it('holds a confirmed instruction until its line ends', () => {
    const filter = createAdrInstructionFilter();
    expect(filter.push('Document reasoning and tradeoffs? Run `/sp')).toBe(
      'Document reasoning and tradeoffs? ',
    );
    expect(filter.push('.adr use-')).toBe('');
    expect(filter.push('postgres` ')).toBe('');
    expect(filter.push('if useful.\nNext')).toBe('if useful.\nNext');
    expect(filter.end()).toBe('');
  });

  it('tracks fenced code across deltas and passes it through at once', () => {
    const filter = createAdrInstructionFilter();
    expect(filter.push('Example:\n``')).toBe('Example:\n');
    expect(filter.push('`bash\nRun `/sp.')).toBe('```bash\nRun `/sp.');
    expect(filter.push('adr x`\n``')).toBe('adr x`\n``');
    expect(filter.push('`\nRun /adr y')).toBe('`\n');
    expect(filter.end()).toBe('');
  });

  it('flushes a held candidate at the end', () => {
    expect(streamed(['Answer ends with `', '/sp']).out).toBe('Answer ends with `/sp');
    expect(streamed(['Answer ends with `', '/sp.adr']).out).toBe('Answer ends with ');
    expect(streamed(['Answer ends with R']).out).toBe('Answer ends with R');
  });

  it('refuses push after end', () => {
    const filter = createAdrInstructionFilter();
    filter.end();
    expect(() => filter.push('x')).toThrow();
    expect(filter.end()).toBe('');
  });
});
