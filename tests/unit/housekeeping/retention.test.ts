// RETENTION_DAYS over the record files: the rows' files, a replica's mirror, and paths a row must not reach.

import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRetention } from '../../../src/housekeeping/retention.js';
import type { InboxStore } from '../../../src/inbox/store.js';
import { createLogger, type LogFields } from '../../../src/log.js';
import type { PhrStore } from '../../../src/phr/store.js';
import type { ConversationStore } from '../../../src/store/conversation-store.js';
import { tempDir } from '../../helpers/temp.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

function file(dataDir: string, path: string, ageDays: number): string {
  const full = join(dataDir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, 'record\n');
  const at = new Date(NOW.getTime() - ageDays * DAY);
  utimesSync(full, at, at);
  return full;
}

function retention(dataDir: string, deletedFiles: string[], mirror?: boolean) {
  const logs: LogFields[] = [];
  const run = createRetention({
    days: 5,
    conversations: { deleteTurnsBefore: async () => 0 } as unknown as ConversationStore,
    inbox: { deleteClosedBefore: async () => 0 } as unknown as InboxStore,
    phrStore: { deletePhrsBefore: async () => deletedFiles } as unknown as PhrStore,
    dataDir,
    ...(mirror === undefined ? {} : { mirror }),
    logger: createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line) as LogFields) }),
    now: () => NOW,
  });
  return { run: () => run.run(), logs };
}

describe('retention of PHR files', () => {
  it('on a replica (mirror), deletes old PHR files whose rows another replica deleted, keeping newer ones and ADRs', async () => {
    const dataDir = tempDir();
    const old = file(dataDir, 'history/prompts/general/0001-old.general.prompt.md', 10);
    const oldFeature = file(dataDir, 'history/prompts/001-auth/0001-old.explainer.prompt.md', 6);
    const recent = file(dataDir, 'history/prompts/general/0002-recent.general.prompt.md', 1);
    const adr = file(dataDir, 'history/adr/0001-use-postgres.md', 30);

    const { run, logs } = retention(dataDir, [], true);
    await run();

    expect(existsSync(old)).toBe(false);
    expect(existsSync(oldFeature)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(adr)).toBe(true);
    expect(logs.find((l) => l.msg === 'retention applied')).toMatchObject({ phrs: 0, mirrorFiles: 2 });
  });

  it('on SQLite, deletes only the files of the rows it deleted', async () => {
    const dataDir = tempDir();
    const deleted = file(dataDir, 'history/prompts/general/0001-a.general.prompt.md', 10);
    const copiedIn = file(dataDir, 'history/prompts/general/0007-b.general.prompt.md', 10);

    await retention(dataDir, ['history/prompts/general/0001-a.general.prompt.md']).run();

    expect(existsSync(deleted)).toBe(false);
    expect(existsSync(copiedIn)).toBe(true);
  });

  it('refuses a stored path outside DATA_DIR/history/prompts/, and logs it', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    const outside = file(root, 'outside.md', 10);
    const adr = file(dataDir, 'history/adr/0001-use-postgres.md', 10);
    const config = file(dataDir, 'bot.md', 10);
    const stored = [
      '../outside.md',
      outside,
      'history/adr/0001-use-postgres.md',
      'bot.md',
      'history/prompts/../../bot.md',
    ];

    for (const mirror of [false, true]) {
      const { run, logs } = retention(dataDir, stored, mirror);
      await run();
      expect(
        logs.filter((l) => l.msg === 'PHR file not deleted: stored path is outside history/prompts'),
      ).toHaveLength(stored.length);
    }
    expect(existsSync(outside)).toBe(true);
    expect(existsSync(adr)).toBe(true);
    expect(existsSync(config)).toBe(true);
  });
});
