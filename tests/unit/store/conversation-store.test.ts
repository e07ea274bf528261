import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type ConversationStore, type NewTurn, slackTsOf } from '../../../src/store/conversation-store.js';
import { PostgresConversationStore } from '../../../src/store/conversation-store-postgres.js';
import { SqliteConversationStore } from '../../../src/store/conversation-store-sqlite.js';
import { openDatabase } from '../../../src/store/database.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { BACKENDS, type Backend } from '../../helpers/backends.js';
import { twoReplicas } from '../../helpers/replicas.js';
import { tempDir } from '../../helpers/temp.js';

const thread = { channelId: 'C1', threadTs: '1700000000.000100' };

function turn(overrides: Partial<NewTurn>): NewTurn {
  return {
    ...thread,
    role: 'user',
    userId: 'U1',
    userName: 'ana',
    text: 'text',
    messageTs: null,
    ...overrides,
  };
}

describe.each(BACKENDS)('ConversationStore on $name', (backend: Backend) => {
  async function store(now?: () => Date): Promise<ConversationStore> {
    const opened = await backend.open();
    return opened.kind === 'sqlite'
      ? new SqliteConversationStore(opened.db, now)
      : new PostgresConversationStore(opened.pool, now);
  }

  it('reads a thread in Slack order, not in the order its turns were stored', async () => {
    const turns = await store();
    await turns.addTurn(turn({ text: 'question', messageTs: '1700000000.000100' }));
    // A side message posted while the answer was streaming is stored before the answer is.
    await turns.addTurn(turn({ text: 'side remark', messageTs: '1700000005.000000' }));
    await turns.addTurn(
      turn({ role: 'assistant', userId: null, text: 'answer', messageTs: '1700000001.000000' }),
    );
    expect((await turns.turns(thread)).map((t) => t.text)).toEqual(['question', 'answer', 'side remark']);
  });

  it('places a turn without a message at the time it was stored', async () => {
    let now = new Date('2023-11-14T22:13:21.500Z'); // 1700000001.500000
    const turns = await store(() => now);
    await turns.addTurn(turn({ text: 'later message', messageTs: '1700000002.000000' }));
    await turns.addTurn(turn({ text: 'slash question', messageTs: null, questionId: 7 }));
    now = new Date('2023-11-14T22:13:23.000Z');
    await turns.addTurn(turn({ role: 'assistant', text: 'cli answer', messageTs: null }));
    expect((await turns.turns(thread)).map((t) => t.text)).toEqual([
      'slash question',
      'later message',
      'cli answer',
    ]);
    expect(slackTsOf(new Date('2023-11-14T22:13:21.500Z'))).toBe('1700000001.500000');
  });

  it('stores the asking turn of a question once, however often the question is answered', async () => {
    const turns = await store();
    expect(await turns.addTurn(turn({ text: '/fastapi question', questionId: 42 }))).toBe(true);
    expect(await turns.addTurn(turn({ text: '/fastapi question', questionId: 42 }))).toBe(false);
    expect(await turns.addTurn(turn({ text: 'another', questionId: 43 }))).toBe(true);
    expect((await turns.turns(thread)).map((t) => t.text)).toEqual(['/fastapi question', 'another']);
  });

  it('stores a Slack message once and maps every column of a turn back', async () => {
    const turns = await store();
    const message = turn({ text: 'hello', messageTs: '1700000001.000000' });
    expect(await turns.addTurn(message)).toBe(true);
    expect(await turns.addTurn({ ...message, text: 'seen again' })).toBe(false);
    expect(await turns.addTurn(turn({ role: 'assistant', userId: null, userName: null, text: 'hi' }))).toBe(
      true,
    );
    const stored = await turns.turns(thread);
    expect(stored.map(({ id: _id, ...rest }) => rest)).toEqual([
      { role: 'user', userId: 'U1', userName: 'ana', text: 'hello', messageTs: '1700000001.000000' },
      { role: 'assistant', userId: null, userName: null, text: 'hi', messageTs: null },
    ]);
    expect(stored[1]?.id).toBeGreaterThan(stored[0]?.id ?? Number.POSITIVE_INFINITY);
    expect(await turns.turns({ channelId: 'C1', threadTs: 'other' })).toEqual([]);
  });

  it('knows its threads and tells whether one was new', async () => {
    const turns = await store();
    expect(await turns.hasThread(thread)).toBe(false);
    expect(await turns.addThread({ ...thread, teamId: 'T1' })).toBe(true);
    expect(await turns.addThread({ ...thread, teamId: 'T1' })).toBe(false);
    expect(await turns.hasThread(thread)).toBe(true);
    expect(await turns.hasThread({ ...thread, channelId: 'C2' })).toBe(false);
  });

  it('finds the thread with the newest turn of a channel and deletes turns by age', async () => {
    let now = new Date('2026-01-01T10:00:00Z');
    const turns = await store(() => now);
    expect(await turns.latestThread('C1')).toBeUndefined();
    await turns.addTurn(turn({ threadTs: '1.000001', text: 'old' }));
    now = new Date('2026-01-02T10:00:00Z');
    await turns.addTurn(turn({ threadTs: '2.000001', text: 'new' }));
    await turns.addTurn(turn({ channelId: 'C2', threadTs: '3.000001', text: 'elsewhere' }));
    expect(await turns.latestThread('C1')).toBe('2.000001');
    expect(await turns.deleteTurnsBefore(new Date('2026-01-02T00:00:00Z'))).toBe(1);
    expect(await turns.turns({ channelId: 'C1', threadTs: '1.000001' })).toEqual([]);
    expect(await turns.deleteTurnsBefore(new Date('2026-01-02T00:00:00Z'))).toBe(0);
  });

  it('remembers display names and when they were fetched', async () => {
    let now = new Date('2026-01-01T10:00:00Z');
    const turns = await store(() => now);
    expect(await turns.userName('U1')).toBeUndefined();
    await turns.saveUserName('U1', 'ana');
    now = new Date('2026-01-03T10:00:00Z');
    await turns.saveUserName('U1', 'Ana B.');
    expect(await turns.userName('U1')).toEqual({ name: 'Ana B.', fetchedAt: now });
  });
});

describe('PostgresConversationStore across replicas', () => {
  it('stores turns two replicas append to one thread at once, with distinct ids; a later turn has a higher id', async () => {
    const [poolA, poolB] = await twoReplicas();
    const a = new PostgresConversationStore(poolA);
    const b = new PostgresConversationStore(poolB);
    const added = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).addTurn(
          turn({ text: `t${i}`, messageTs: `1700000001.${String(i).padStart(6, '0')}` }),
        ),
      ),
    );
    expect(added.every(Boolean)).toBe(true);
    const stored = await a.turns(thread);
    expect(stored.map((t) => t.text)).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`));
    expect(new Set(stored.map((t) => t.id)).size).toBe(20);
    await a.addTurn(turn({ text: 'later', messageTs: '1700000009.000000' }));
    const later = (await b.turns(thread)).at(-1);
    expect(later?.id).toBeGreaterThan(Math.max(...stored.map((t) => t.id)));
  });
});

describe('SqliteConversationStore', () => {
  it('keeps the order of turns stored before turns had a sort key', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'old.db');
    const old = new Database(path);
    for (const [version, sql] of MIGRATIONS.slice(0, 6).entries()) {
      old.exec(sql);
      old.pragma(`user_version = ${version + 1}`);
    }
    const insert =
      old.prepare(`INSERT INTO turns (channel_id, thread_ts, id, role, text, message_ts, created_at)
      VALUES ('C1', '1700000000.000100', ?, 'user', ?, ?, ?)`);
    insert.run(1, 'slash question', null, '2023-11-14T22:13:20.250Z');
    insert.run(2, 'reply at 22:13:25', '1700000005.000000', '2023-11-14T22:13:25.000Z');
    insert.run(3, 'reply at 22:13:22', '1700000002.000000', '2023-11-14T22:13:26.000Z');
    old.close();
    const turns = new SqliteConversationStore(openDatabase(path));
    expect((await turns.turns(thread)).map((t) => t.text)).toEqual([
      'slash question',
      'reply at 22:13:22',
      'reply at 22:13:25',
    ]);
  });
});
