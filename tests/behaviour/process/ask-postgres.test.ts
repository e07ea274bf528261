import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PostgresPhrStore } from '../../../src/phr/store-postgres.js';
import { ANTHROPIC_KEY } from '../../helpers/bot-harness.js';
import { ROOT, runCli } from '../../helpers/child-bot.js';
import { FakeAnthropic } from '../../helpers/fake-anthropic.js';
import { migratedDatabase } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp.js';

describe('npm run ask with DATABASE_URL', () => {
  it('records the PHR in PostgreSQL, and export -- records writes it from there', async () => {
    const anthropic = await FakeAnthropic.start();
    const database = await migratedDatabase();
    onTestFinished(async () => {
      await database.close();
      await anthropic.close();
    });
    anthropic.enqueue({ kind: 'text', text: 'Use keyset pagination.' });
    const dir = tempDir();
    const env = {
      AGENTS_DIR: join(ROOT, 'agents'),
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      DATABASE_URL: database.url,
      // No such file is created: the tools use PostgreSQL.
      DATABASE_PATH: join(dir, 'unused', 'bot.db'),
      DATA_DIR: dir,
    };
    const asked = await runCli('ask', ['How do I paginate?'], { cwd: dir, env });
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain('Use keyset pagination.');

    const [row] = await new PostgresPhrStore(database.pool).allPhrs();
    expect(row).toMatchObject({ route: 'general', number: 1 });
    expect(row?.markdown).toMatch(/^surface: cli$/m);

    const out = join(tempDir(), 'tree');
    const exported = await runCli('export', ['records', out], { cwd: dir, env });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe(`Exported 1 PHRs and 0 ADRs to ${out}\n`);
    expect(readFileSync(join(out, row?.filePath ?? 'missing'), 'utf8')).toBe(row?.markdown);
  });
});
