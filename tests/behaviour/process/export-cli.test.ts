import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdrStore, NewAdr } from '../../../src/adr/store.js';
import type { FeedbackStore } from '../../../src/feedback/store.js';
import type { NewPhrRow, PhrStore } from '../../../src/phr/store.js';
import { openDatabase } from '../../../src/store/database.js';
import type { Opened } from '../../helpers/backends.js';
import { runCli } from '../../helpers/child-bot.js';
import { type MigratedDatabase, migratedDatabase, postgresServer } from '../../helpers/postgres.js';
import { adrStoreOn, feedbackStoreOn, phrStoreOn } from '../../helpers/stores.js';
import { tempDir } from '../../helpers/temp.js';

const PHR_MARKDOWN = [
  '---',
  'id: "0001"',
  'title: Pick An ORM',
  '---',
  '',
  '## Prompt',
  '',
  '```text',
  'Which ORM?',
  '```',
  '',
  '## Response snapshot',
  '',
  '```markdown',
  'SQLAlchemy 2.',
  '```',
  '',
].join('\n');

function phr(overrides: Partial<NewPhrRow>): NewPhrRow {
  return {
    publicId: 'phr1',
    route: 'general',
    number: 1,
    stage: 'general',
    title: 'Pick An ORM',
    filePath: 'history/prompts/general/0001-pick-an-orm.general.prompt.md',
    teamId: 'T1',
    channelId: 'C1',
    threadTs: '1700000000.000100',
    userId: 'U1',
    model: 'claude-test',
    inputTokens: 1,
    outputTokens: 2,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    latencyMs: 5,
    costUsd: 0,
    markdown: PHR_MARKDOWN,
    createdAt: '2026-03-01T10:00:00.000Z',
    ...overrides,
  };
}

async function adr(adrs: AdrStore, publicId: string, overrides: Partial<NewAdr>): Promise<void> {
  await adrs.insertSuggestion({
    publicId: `s-${publicId}`,
    source: 'command',
    teamId: 'T1',
    channelId: 'C1',
    threadTs: '1700000000.000100',
    phrPublicId: null,
    brief: 'brief',
    title: 'Use PostgreSQL',
    suggestedBy: 'U1',
  });
  await adrs.move(`s-${publicId}`, 'pending', 'drafting', 'U1');
  const suggestionId = (await adrs.suggestion(`s-${publicId}`))?.id ?? 0;
  await adrs.insertNumbered(`s-${publicId}`, (max) => ({
    number: max + 1,
    publicId,
    suggestionId,
    title: 'Use PostgreSQL',
    status: 'Proposed',
    filePath: `history/adr/000${max + 1}-use-postgresql.md`,
    markdown: `# ADR-000${max + 1}: Use PostgreSQL\n\n- **Status:** Proposed\n`,
    channelId: 'C1',
    threadTs: '1700000000.000100',
    cardTs: null,
    proposedBy: 'U1',
    createdAt: '2026-03-01T11:00:00.000Z',
    ...overrides,
  }));
}

interface Seeded {
  phrs: PhrStore;
  adrs: AdrStore;
  feedback: FeedbackStore;
  env: Record<string, string>;
}

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

/** A migrated database of each kind, its stores (for seeding) and the environment that names it. */
const DATABASES = [
  {
    name: 'sqlite',
    async open(dir: string): Promise<Seeded> {
      const db = openDatabase(join(dir, 'bot.db'));
      closers.push(async () => {
        if (db.open) db.close();
      });
      return seeded({ kind: 'sqlite', db }, { DATABASE_PATH: join(dir, 'bot.db'), DATA_DIR: dir });
    },
  },
  {
    name: 'postgres',
    async open(dir: string): Promise<Seeded> {
      const database: MigratedDatabase = await migratedDatabase();
      closers.push(database.close);
      // DATABASE_PATH names no file: the tools must not fall back to SQLite.
      const env = { DATABASE_URL: database.url, DATABASE_PATH: join(dir, 'none.db'), DATA_DIR: dir };
      return seeded({ kind: 'postgres', pool: database.pool }, env);
    },
  },
] as const;

function seeded(opened: Opened, env: Record<string, string>): Seeded {
  return { phrs: phrStoreOn(opened), adrs: adrStoreOn(opened), feedback: feedbackStoreOn(opened), env };
}

function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

describe.each(DATABASES)('npm run export -- records on $name', (database) => {
  it('writes every PHR and ADR at its path, overwrites stale record files and keeps other files', async () => {
    const dir = tempDir();
    const db = await database.open(dir);
    await db.phrs.insertPhr(phr({}));
    // Its file write failed: exported under the name the service gives it.
    await db.phrs.insertPhr(
      phr({ publicId: 'phr2', route: '001-auth', stage: 'plan', title: 'Session Tokens', filePath: null }),
    );
    await adr(db.adrs, 'adr1', {});
    await adr(db.adrs, 'adr2', {
      filePath: null,
      title: 'Cache With Redis',
      markdown: '# ADR-0002: Redis\n',
    });
    const out = join(tempDir(), 'out');
    mkdirSync(join(out, 'history', 'prompts', 'general'), { recursive: true });
    writeFileSync(join(out, 'README.md'), 'mine\n');
    writeFileSync(join(out, 'history/prompts/general/0001-pick-an-orm.general.prompt.md'), 'stale\n');

    const result = await runCli('export', ['records', out], { cwd: dir, env: db.env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Exported 2 PHRs and 2 ADRs to ${out}\n`);
    expect(read(out, 'history/prompts/general/0001-pick-an-orm.general.prompt.md')).toBe(PHR_MARKDOWN);
    expect(read(out, 'history/prompts/001-auth/0001-session-tokens.plan.prompt.md')).toBe(PHR_MARKDOWN);
    expect(read(out, 'history/adr/0001-use-postgresql.md')).toContain('# ADR-0001: Use PostgreSQL');
    expect(read(out, 'history/adr/0002-cache-with-redis.md')).toBe('# ADR-0002: Redis\n');
    expect(read(out, '.adr-dir')).toBe('history/adr\n');
    expect(read(out, 'README.md')).toBe('mine\n');
    expect(readdirSync(join(out, 'history', 'adr')).sort()).toEqual([
      '0001-use-postgresql.md',
      '0002-cache-with-redis.md',
    ]);
  });

  it('keeps paths from the database inside DIR', async () => {
    const dir = tempDir();
    const db = await database.open(dir);
    const outside = join(tempDir(), 'nested');
    const out = join(outside, 'out');
    await db.phrs.insertPhr(phr({ filePath: '../escaped.prompt.md' }));
    await db.phrs.insertPhr(
      phr({ publicId: 'phr2', number: 2, filePath: resolve(outside, 'abs.prompt.md') }),
    );
    // A route that climbs out has no safe name at all.
    await db.phrs.insertPhr(phr({ publicId: 'phr3', number: 3, route: '../..', filePath: null }));
    await adr(db.adrs, 'adr1', { filePath: 'history/adr/../../../adr-escaped.md' });

    const result = await runCli('export', ['records', out], { cwd: dir, env: db.env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`Exported 2 PHRs and 1 ADRs to ${out}\n`);
    expect(result.stderr).toContain('PHR-0001 (general): stored path is outside history/prompts');
    expect(result.stderr).toContain('Not exported: PHR-0003 (../..): no safe file name');
    expect(existsSync(join(outside, 'escaped.prompt.md'))).toBe(false);
    expect(existsSync(join(outside, 'abs.prompt.md'))).toBe(false);
    expect(existsSync(join(dirname(outside), 'adr-escaped.md'))).toBe(false);
    expect(existsSync(join(outside, 'adr-escaped.md'))).toBe(false);
    expect(readdirSync(outside)).toEqual(['out']);
    expect(readdirSync(join(out, 'history', 'prompts', 'general')).sort()).toEqual([
      '0001-pick-an-orm.general.prompt.md',
      '0002-pick-an-orm.general.prompt.md',
    ]);
    expect(read(out, 'history/adr/0001-use-postgresql.md')).toContain('ADR-0001');
  });

  it('exports feedback from the configured database', async () => {
    const dir = tempDir();
    const db = await database.open(dir);
    await db.phrs.insertPhr(phr({}));
    await db.feedback.vote({ phrPublicId: 'phr1', userId: 'U2', teamId: 'T1', vote: 'negative' });
    await db.feedback.comment({ phrPublicId: 'phr1', userId: 'U2', teamId: 'T1', comment: 'too short' });

    const result = await runCli('export', ['feedback'], { cwd: dir, env: db.env });
    expect(result.stderr).toBe('Exported 1 answers with feedback\n');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      phr: 'phr1',
      question: 'Which ORM?',
      answer: 'SQLAlchemy 2.',
      votes: { positive: 0, negative: 1 },
      comments: ['too short'],
    });
  });
});

describe('npm run export and backup, by database', () => {
  it('export says what it needs when there is no SQLite file and no DATABASE_URL', async () => {
    const dir = tempDir();
    const env = { DATABASE_PATH: join(dir, 'missing.db'), DATA_DIR: dir };
    const result = await runCli('export', ['records', join(dir, 'out')], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no database at ${join(dir, 'missing.db')} (DATABASE_PATH)`);
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
    const usage = await runCli('export', ['records'], { cwd: dir, env });
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('npm run export -- records DIR');
  });

  it('backup refuses with DATABASE_URL set and points at pg_dump', async () => {
    const dir = tempDir();
    const database = await migratedDatabase();
    closers.push(database.close);
    const env = { DATABASE_URL: database.url, DATABASE_PATH: join(dir, 'bot.db'), DATA_DIR: dir };
    const result = await runCli('backup', [], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'npm run backup copies the SQLite file; with DATABASE_URL set, back up PostgreSQL with pg_dump\n',
    );
    expect(result.stderr).not.toContain(postgresServer().password);
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });
});
