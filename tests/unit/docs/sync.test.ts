import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDocsIndex } from '../../../src/docs/search.js';
import { loadDocsConfig } from '../../../src/docs/settings.js';
import { archiveUrl, latestRelease, PINNED_RELEASE, syncDocs } from '../../../src/docs/sync.js';
import { DOCS_FILES, docsEntries } from '../../helpers/docs-archive.js';
import { tarGz } from '../../helpers/tar.js';
import { tempDir } from '../../helpers/temp.js';

/** A loopback server answering every request with `body` (and recording the paths asked for). */
async function serve(body: Buffer | string, status = 200): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const server: Server = createServer((request, response) => {
    paths.push(request.url ?? '');
    response.writeHead(status).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

function setup() {
  const dir = tempDir();
  const archive = join(dir, 'fastapi.tar.gz');
  writeFileSync(archive, tarGz(docsEntries()));
  const config = loadDocsConfig({ DOCS_INDEX_PATH: join(dir, 'index', 'docs.sqlite') });
  return { dir, archive, config };
}

describe('syncDocs', () => {
  it('builds a searchable index from an archive file and records the release and counts', async () => {
    const { archive, config } = setup();
    const lines: string[] = [];
    const now = new Date('2030-02-03T04:05:06Z');
    const summary = await syncDocs({
      config,
      source: archive,
      progress: (l) => lines.push(l),
      now: () => now,
    });
    expect(summary).toMatchObject({
      release: '9.9.9',
      pages: 6,
      stubsResolved: 1,
      stubsSkipped: 1,
      missingIncludes: 1,
    });
    expect(lines.join('\n')).toContain('Reading');
    const index = openDocsIndex(config.indexPath);
    onTestFinished(() => index.close());
    expect(index.meta()).toMatchObject({ release: '9.9.9', pages: 6, chunks: summary.chunks, syncedAt: now });
    const [first] = index.search('our react app on localhost:3000 gets blocked by CORS');
    expect(first).toMatchObject({ page: 'tutorial/cors.md', title: 'CORS (Cross-Origin Resource Sharing)' });
    expect(index.search('how do I run code at startup?')[0]?.page).toBe('advanced/events.md');
    expect(index.search('BackgroundTasks after the response')[0]?.page).toBe('tutorial/background-tasks.md');
  });

  it('downloads from a loopback HTTP server', async () => {
    const { config } = setup();
    const server = await serve(tarGz(docsEntries()));
    const summary = await syncDocs({ config, source: `${server.url}/fastapi.tar.gz` });
    expect(summary.release).toBe('9.9.9');
    expect(server.paths).toEqual(['/fastapi.tar.gz']);
  });

  it('looks up the newest release, and falls back to the pinned one when the lookup fails', async () => {
    const api = await serve(JSON.stringify({ tag_name: '1.2.3' }));
    expect(await latestRelease(fetch, `${api.url}/latest`)).toBe('1.2.3');
    const broken = await serve('nope', 500);
    expect(await latestRelease(fetch, `${broken.url}/latest`)).toBeUndefined();
    const asked: string[] = [];
    const archive = tarGz(docsEntries());
    const fakeFetch = (async (input: string | URL | Request) => {
      asked.push(String(input));
      if (String(input).startsWith(broken.url)) return fetch(input);
      return new Response(archive);
    }) as typeof fetch;
    const { config } = setup();
    await syncDocs({ config, fetch: fakeFetch, releasesApi: `${broken.url}/latest` });
    expect(asked).toEqual([`${broken.url}/latest`, archiveUrl(PINNED_RELEASE)]);
    expect(archiveUrl('0.141.1')).toBe(
      'https://codeload.github.com/fastapi/fastapi/tar.gz/refs/tags/0.141.1',
    );
  });

  it('keeps the previous index serving when a sync fails, and writes nothing else', async () => {
    const { dir, archive, config } = setup();
    await syncDocs({ config, source: archive });
    const before = readFileSync(config.indexPath);
    const hostile = join(dir, 'hostile.tar.gz');
    writeFileSync(
      hostile,
      tarGz([...docsEntries(), { name: 'fastapi-9.9.9/../../escape.md', content: 'x' }]),
    );
    await expect(syncDocs({ config, source: hostile })).rejects.toThrow(/'\.\.'/);
    const notGzip = await serve('<html>not found</html>');
    await expect(syncDocs({ config, source: `${notGzip.url}/x.tar.gz` })).rejects.toThrow(
      /not a gzip archive/,
    );
    const missing = await serve('gone', 404);
    await expect(syncDocs({ config, source: `${missing.url}/x.tar.gz` })).rejects.toThrow(/HTTP 404/);
    const noDocs = join(dir, 'nodocs.tar.gz');
    writeFileSync(noDocs, tarGz(docsEntries({ 'README.md': 'hi' })));
    await expect(syncDocs({ config, source: noDocs })).rejects.toThrow(/no docs\/en\/docs\/ folder/);
    expect(readFileSync(config.indexPath).equals(before)).toBe(true);
    expect(readdirSync(join(dir, 'index'))).toEqual(['docs.sqlite']);
    expect(readdirSync(dir).sort()).toEqual(['fastapi.tar.gz', 'hostile.tar.gz', 'index', 'nodocs.tar.gz']);
  });

  it('reads an unpacked checkout folder', async () => {
    const { dir, config } = setup();
    const { mkdirSync } = await import('node:fs');
    for (const [path, content] of Object.entries(DOCS_FILES)) {
      mkdirSync(join(dir, 'checkout', path, '..'), { recursive: true });
      writeFileSync(join(dir, 'checkout', path), content);
    }
    const summary = await syncDocs({ config, source: join(dir, 'checkout') });
    expect(summary).toMatchObject({ release: '9.9.9', pages: 6 });
  });
});

describe('search', () => {
  it('puts release notes first only for "which version" questions', async () => {
    const { archive, config } = setup();
    await syncDocs({ config, source: archive });
    const index = openDocsIndex(config.indexPath);
    onTestFinished(() => index.close());
    expect(index.search('lifespan state')[0]?.page).toBe('advanced/events.md');
    const [first] = index.search('which version added lifespan state?');
    expect(first).toMatchObject({ page: 'release-notes.md', heading: '9.9.9 (2030-01-02)' });
    expect(first?.url).toBe('https://fastapi.tiangolo.com/release-notes/#999-2030-01-02');
    expect(index.search('the of and')).toEqual([]);
    expect(index.search('"; DROP TABLE chunks; -- OR NEAR(')).toBeInstanceOf(Array);
  });
});
