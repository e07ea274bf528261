// How the ADR service numbers decisions: on PostgreSQL from the database alone (each replica's files
// are a mirror of the shared rows), on SQLite from the folder and the database, never overwriting.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAdrService } from '../../../src/adr/service.js';
import type { Claude } from '../../../src/claude/claude.js';
import { silentLogger } from '../../../src/log.js';
import { numberingFor } from '../../../src/records/numbered-files.js';
import type { ConversationStore } from '../../../src/store/conversation-store.js';
import { BACKENDS, type Backend } from '../../helpers/backends.js';
import { adrStoreOn, phrStoreOn } from '../../helpers/stores.js';
import { tempDir } from '../../helpers/temp.js';

const DRAFT = `## Context
Deep pages of \`/items\` are slow.

## Decision
Use keyset pagination.

## Consequences
### Positive
- Constant-time pages
### Negative
- No jumping to page N

## Alternatives Considered
- **Offset pagination**: slow on deep pages
`;

async function serviceOn(backend: Backend, dataDir: string) {
  const opened = await backend.open();
  return createAdrService({
    adrs: adrStoreOn(opened),
    phrStore: phrStoreOn(opened),
    conversations: { turns: async () => [] } as unknown as ConversationStore,
    claude: { complete: async () => ({ text: DRAFT }) } as unknown as Claude,
    model: 'claude-test',
    dataDir,
    publicBaseUrl: 'http://localhost',
    linkSecret: Buffer.alloc(32, 7),
    featureChannels: new Map(),
    logger: silentLogger,
    numbering: numberingFor(opened.kind),
  });
}

type Service = Awaited<ReturnType<typeof serviceOn>>;

async function document(service: Service, title: string): Promise<number | undefined> {
  const suggestion = await service.suggest({
    source: 'command',
    teamId: 'T1',
    channelId: 'C1',
    threadTs: `${Math.random()}`,
    phrPublicId: null,
    brief: 'A brief.',
    title,
    suggestedBy: 'U1',
  });
  const claimed = await service.claimForDrafting(suggestion.publicId, 'U1');
  if (!claimed.ok) return undefined;
  const drafted = await service.draft(claimed.suggestion, { userId: 'U1', userName: 'Ada', permalink: null });
  return drafted.ok ? drafted.adr.number : undefined;
}

const byName = (name: string) => BACKENDS.find((backend) => backend.name === name) as Backend;

describe('ADR numbering', () => {
  it('on postgres, numbers from the database alone: a stray higher file and an orphan change nothing', async () => {
    const dataDir = tempDir();
    const folder = join(dataDir, 'history', 'adr');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '0009-stray.md'), 'stray\n');
    writeFileSync(join(folder, '0001-use-keyset-pagination.md'), 'orphan of a failed commit\n');
    const service = await serviceOn(byName('postgres'), dataDir);

    const numbers = [];
    for (const title of ['Use keyset pagination', 'Use a job queue', 'Use structured logs'])
      numbers.push(await document(service, title));

    expect(numbers).toEqual([1, 2, 3]);
    expect(readdirSync(folder).sort()).toEqual([
      '0001-use-keyset-pagination.md',
      '0002-use-a-job-queue.md',
      '0003-use-structured-logs.md',
      '0009-stray.md',
    ]);
    expect(readFileSync(join(folder, '0001-use-keyset-pagination.md'), 'utf8')).toMatch(/^# ADR-0001: /);
  });

  it('on sqlite, counts the folder and never overwrites a file', async () => {
    const dataDir = tempDir();
    const folder = join(dataDir, 'history', 'adr');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '0002-copied-in.md'), 'kept\n');
    const service = await serviceOn(byName('sqlite'), dataDir);

    expect(await document(service, 'Use keyset pagination')).toBe(3);
    expect(readFileSync(join(folder, '0002-copied-in.md'), 'utf8')).toBe('kept\n');
  });
});
