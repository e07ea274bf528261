import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readArchive, readFolder, requireDocs, UnsafeSourceError } from '../../../src/docs/source-files.js';
import { inPieces, type TestEntry, tar, tarGz } from '../../helpers/tar.js';
import { tempDir } from '../../helpers/temp.js';

const GOOD: TestEntry[] = [
  { name: 'fastapi-1.2.3/', type: 'directory' },
  { name: 'fastapi-1.2.3/docs/en/docs/index.md', content: '# Home\n' },
  { name: 'fastapi-1.2.3/docs/en/docs/tutorial/cors.md', content: '# CORS { #cors }\n' },
  { name: 'fastapi-1.2.3/docs/en/docs/img/logo.png', content: 'PNG' },
  { name: 'fastapi-1.2.3/docs/de/docs/index.md', content: '# Start\n' },
  { name: 'fastapi-1.2.3/docs_src/cors/tutorial001_py310.py', content: 'app = FastAPI()\n' },
  { name: 'fastapi-1.2.3/fastapi/__init__.py', content: '__version__ = "1.2.3"\n' },
  { name: `fastapi-1.2.3/docs/en/docs/${'deep/'.repeat(30)}page.md`, content: '# Deep\n' },
  { name: 'fastapi-1.2.3/README.md', content: 'readme' },
];

const read = (entries: TestEntry[], limits?: Parameters<typeof readArchive>[1]) =>
  readArchive(inPieces(tarGz(entries), 700), limits);

describe('readArchive', () => {
  it('keeps the English pages, docs_src and the Python package, below the top folder', async () => {
    const source = await read(GOOD);
    expect([...source.files.keys()].sort()).toEqual([
      `docs/en/docs/${'deep/'.repeat(30)}page.md`,
      'docs/en/docs/index.md',
      'docs/en/docs/tutorial/cors.md',
      'docs_src/cors/tutorial001_py310.py',
      'fastapi/__init__.py',
    ]);
    expect(source.files.get('fastapi/__init__.py')).toBe('__version__ = "1.2.3"\n');
  });

  it.each([
    ['not gzip', Buffer.from('PK\u0003\u0004 a zip file'), /not a gzip archive/],
    ['gzip of something that is not tar', gzipSync(Buffer.alloc(2048, 'x')), /not a tar archive/],
    ['truncated gzip', tarGz(GOOD).subarray(0, 200), /not valid gzip|truncated/],
    ['empty', Buffer.alloc(0), /empty/],
  ])('refuses %s', async (_name, bytes, message) => {
    await expect(readArchive(inPieces(bytes))).rejects.toThrow(message);
  });

  it.each<[string, TestEntry, RegExp]>([
    ['a ../ name', { name: 'fastapi-1.2.3/../../etc/cron.d/x', content: 'x' }, /'\.\.'/],
    ['a ../ name in a pax header', { name: 'fastapi-1.2.3/docs/../../x', content: 'x', pax: true }, /'\.\.'/],
    ['an absolute name', { name: '/etc/passwd', content: 'x' }, /absolute/],
    [
      'a symlink among the pages',
      { name: 'fastapi-1.2.3/docs/en/docs/evil.md', type: 'symlink', linkname: '/etc/passwd' },
      /symlink/,
    ],
    [
      'a symlink pointing out of the archive',
      { name: 'fastapi-1.2.3/scripts/x', type: 'symlink', linkname: '../../../etc/passwd' },
      /symlink/,
    ],
    [
      'a hardlink among the pages',
      { name: 'fastapi-1.2.3/docs_src/a.py', type: 'hardlink', linkname: 'fastapi-1.2.3/README.md' },
      /hardlink/,
    ],
    ['a fifo among the pages', { name: 'fastapi-1.2.3/docs/en/docs/p.md', type: 'fifo' }, /special file/],
    ['a second top folder', { name: 'other/docs/en/docs/x.md', content: '# X' }, /more than one top folder/],
  ])('refuses an archive with %s', async (_name, entry, message) => {
    const error = await read([...GOOD, entry]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeSourceError);
    expect((error as Error).message).toMatch(message);
  });

  it('ignores a harmless symlink outside the parts it reads', async () => {
    const source = await read([
      ...GOOD,
      { name: 'fastapi-1.2.3/docs/README.md', type: 'symlink', linkname: '../README.md' },
    ]);
    expect(source.skippedLinks).toBe(1);
  });

  it('stops a decompression bomb at the size cap', async () => {
    const bomb = tarGz([...GOOD, { name: 'fastapi-1.2.3/zeros.bin', content: Buffer.alloc(20_000_000) }]);
    expect(bomb.length).toBeLessThan(100_000);
    await expect(
      readArchive(inPieces(bomb), { maxTotalBytes: 1_000_000, maxEntries: 100, maxFileBytes: 1_000_000 }),
    ).rejects.toThrow(/unpacks to more than 1000000 bytes/);
  });

  it('caps the number of entries and the size of a kept file', async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ name: `fastapi-1.2.3/f${i}`, content: '' }));
    await expect(
      read([...GOOD, ...many], { maxTotalBytes: 1e9, maxEntries: 40, maxFileBytes: 1e6 }),
    ).rejects.toThrow(/more than 40 entries/);
    await expect(read(GOOD, { maxTotalBytes: 1e9, maxEntries: 100, maxFileBytes: 10 })).rejects.toThrow(
      /larger than 10 bytes/,
    );
  });

  it('refuses an archive without English pages', async () => {
    const source = await readArchive(inPieces(tarGz([{ name: 'x-1/README.md', content: 'hi' }])));
    expect(() => requireDocs(source, 'x.tar.gz')).toThrow(/no docs\/en\/docs\/ folder/);
  });

  it('reads an uncompressed tar only if gzip-wrapped', async () => {
    await expect(readArchive(inPieces(tar(GOOD)))).rejects.toThrow(/not a gzip archive/);
  });
});

describe('readFolder', () => {
  it('reads a checkout without following links', () => {
    const root = tempDir();
    mkdirSync(join(root, 'docs/en/docs/tutorial'), { recursive: true });
    mkdirSync(join(root, 'docs_src'), { recursive: true });
    writeFileSync(join(root, 'docs/en/docs/index.md'), '# Home\n');
    writeFileSync(join(root, 'docs_src/a.py'), 'x = 1\n');
    symlinkSync('/etc/passwd', join(root, 'docs/en/docs/tutorial/evil.md'));
    const source = readFolder(root);
    expect([...source.files.keys()].sort()).toEqual(['docs/en/docs/index.md', 'docs_src/a.py']);
    expect(source.skippedLinks).toBe(1);
  });
});
