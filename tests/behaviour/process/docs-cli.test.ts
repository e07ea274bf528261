import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../../helpers/child-bot.js';
import { docsEntries } from '../../helpers/docs-archive.js';
import { tarGz } from '../../helpers/tar.js';
import { tempDir } from '../../helpers/temp.js';

// `npm run docs -- …` is `node dist/cli/docs.js …` after the build that `npm test` runs first.
describe('npm run docs', () => {
  it('syncs from FASTAPI_DOCS_SOURCE over loopback HTTP, then searches by argument and by stdin', async () => {
    const dir = tempDir();
    const archive = tarGz(docsEntries());
    const server = createServer((_request, response) => response.end(archive));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const env = {
      FASTAPI_DOCS_SOURCE: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fastapi.tar.gz`,
      DOCS_INDEX_PATH: join(dir, 'docs.sqlite'),
    };

    const sync = await runCli('docs', ['sync'], { cwd: dir, env });
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/^Indexed FastAPI 9\.9\.9: 6 pages, \d+ chunks, .* in [\d.]+ s/);
    expect(sync.stdout).toContain('1 reference stub(s) skipped');
    expect(sync.stderr).toContain('Reading http://127.0.0.1:');

    const one = await runCli('docs', ['search', '--json', '--limit', '2', 'CORS', 'blocked'], {
      cwd: dir,
      env,
    });
    expect(one.code).toBe(0);
    const results = JSON.parse(one.stdout) as Record<string, unknown>[];
    expect(results).toHaveLength(2);
    expect(Object.keys(results[0] ?? {}).sort()).toEqual([
      'heading',
      'page',
      'score',
      'snippet',
      'title',
      'url',
    ]);
    expect(results[0]?.page).toBe('tutorial/cors.md');

    const many = await runCli('docs', ['search', '--json'], {
      cwd: dir,
      env,
      input: 'startup hook\n\nbackground tasks after the response\n',
    });
    const lines = many.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect((JSON.parse(lines[0] ?? '') as { page: string }[])[0]?.page).toBe('advanced/events.md');
    expect(JSON.parse(lines[1] ?? '')).toEqual([]);
    expect((JSON.parse(lines[2] ?? '') as { page: string }[])[0]?.page).toBe('tutorial/background-tasks.md');

    const human = await runCli('docs', ['search', 'CORS'], { cwd: dir, env });
    expect(human.stdout).toContain('https://fastapi.tiangolo.com/tutorial/cors/');
  });

  it('refuses a hostile archive with a clear message and keeps no index', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'evil.tar.gz'),
      tarGz([
        ...docsEntries(),
        { name: 'fastapi-9.9.9/docs/en/docs/x.md', type: 'symlink', linkname: '/etc/passwd' },
      ]),
    );
    const env = { DOCS_INDEX_PATH: join(dir, 'docs.sqlite') };
    const sync = await runCli('docs', ['sync', '--source', join(dir, 'evil.tar.gz')], { cwd: dir, env });
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/docs sync failed: refused: the archive has a symlink/);
    const search = await runCli('docs', ['search', 'cors'], { cwd: dir, env });
    expect(search.code).toBe(1);
    expect(search.stderr).toMatch(/docs search failed/);
  });
});
