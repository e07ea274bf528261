import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type NewTurn, slackTsOf } from '../../../src/store/conversation-store.js';
import { SqliteConversationStore } from '../../../src/store/conversation-store-sqlite.js';
import { openDatabase } from '../../../src/store/database.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
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

function store(now?: () => Date) {
  return new SqliteConversationStore(openDatabase(join(tempDir(), 'bot.db')), now);
}

describe('SqliteConversationStore', () => {
  it('reads a thread in Slack order, not in the order its turns were stored', async () => {
    const turns = store();
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
    const turns = store(() => now);
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
    const turns = store();
    expect(await turns.addTurn(turn({ text: '/fastapi question', questionId: 42 }))).toBe(true);
    expect(await turns.addTurn(turn({ text: '/fastapi question', questionId: 42 }))).toBe(false);
    expect(await turns.addTurn(turn({ text: 'another', questionId: 43 }))).toBe(true);
    expect((await turns.turns(thread)).map((t) => t.text)).toEqual(['/fastapi question', 'another']);
  });

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
