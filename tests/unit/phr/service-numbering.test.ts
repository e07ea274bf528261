// How the PHR service numbers records: from the folder and the database on SQLite, from the database
// alone on PostgreSQL (where each replica's files are only a mirror of the shared rows).

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { createPhrService, type Exchange } from '../../../src/phr/service.js';
import { numberingFor } from '../../../src/records/numbered-files.js';
import { BACKENDS } from '../../helpers/backends.js';
import { phrStoreOn } from '../../helpers/stores.js';
import { tempDir } from '../../helpers/temp.js';

const postgres = BACKENDS.find((backend) => backend.name === 'postgres');
const sqlite = BACKENDS.find((backend) => backend.name === 'sqlite');

function exchange(prompt: string): Exchange {
  return {
    surface: 'cli',
    command: 'npm run ask',
    userName: 'Ada',
    userId: null,
    teamId: null,
    channelId: 'C1',
    threadTs: '1.0',
    messageTs: null,
    permalink: null,
    prompt,
    response: 'An answer.',
    model: 'claude-test',
    usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
    latencyMs: 1,
    costUsd: 0,
    agentName: 'test',
    failureModes: [],
  };
}

async function serviceOn(backend: NonNullable<typeof postgres>, dataDir: string) {
  const opened = await backend.open();
  return createPhrService({
    phrStore: phrStoreOn(opened),
    dataDir,
    publicBaseUrl: 'http://localhost',
    linkSecret: Buffer.alloc(32, 7),
    featureChannels: new Map(),
    logger: silentLogger,
    numbering: numberingFor(opened.kind),
  });
}

const titles = [
  'Pagination of items endpoint',
  'Background tasks with retries',
  'Dependency injection scopes',
];

describe('PHR numbering on postgres', () => {
  it('numbers from the database alone: a stray higher file and an orphan of a failed commit change nothing', async () => {
    const dataDir = tempDir();
    const folder = join(dataDir, 'history', 'prompts', 'general');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '0042-stray.general.prompt.md'), 'stray\n');
    // What a replica left when its INSERT did not commit: the mirror of a row that never existed.
    writeFileSync(join(folder, '0001-pagination-items-endpoint.general.prompt.md'), 'orphan\n');
    const service = await serviceOn(postgres as NonNullable<typeof postgres>, dataDir);

    const refs = [];
    for (const title of titles) refs.push(await service.record(exchange(title)));

    expect(refs.map((ref) => ref?.label)).toEqual([
      'PHR-0001 (general)',
      'PHR-0002 (general)',
      'PHR-0003 (general)',
    ]);
    const files = [
      '0001-pagination-items-endpoint.general.prompt.md',
      '0002-background-tasks-retries.general.prompt.md',
      '0003-dependency-injection-scopes.general.prompt.md',
    ];
    expect(readdirSync(folder).sort()).toEqual([...files, '0042-stray.general.prompt.md']);
    expect(refs.map((ref) => ref?.path)).toEqual(
      files.map((name) => join('history', 'prompts', 'general', name)),
    );
    const first = readFileSync(join(folder, files[0] as string), 'utf8');
    expect(first).toContain('id: "0001"\n');
    expect(first).not.toContain('orphan');
  });
});

describe('PHR numbering on sqlite', () => {
  it('still counts the folder and never overwrites a file', async () => {
    const dataDir = tempDir();
    const folder = join(dataDir, 'history', 'prompts', 'general');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '0002-copied-in.general.prompt.md'), 'kept\n');
    const service = await serviceOn(sqlite as NonNullable<typeof sqlite>, dataDir);

    const ref = await service.record(exchange(titles[0] as string));

    expect(ref?.label).toBe('PHR-0003 (general)');
    expect(readFileSync(join(folder, '0002-copied-in.general.prompt.md'), 'utf8')).toBe('kept\n');
  });
});
