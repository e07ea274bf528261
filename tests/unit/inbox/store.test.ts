import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InboxStore, type NewQuestion } from '../../../src/inbox/store.js';
import { openDatabase } from '../../../src/store/database.js';
import { tempDir } from '../../helpers/temp.js';

function question(overrides: Partial<NewQuestion> = {}): NewQuestion {
  return {
    source: 'mention',
    teamId: 'T1',
    channelId: 'C1',
    messageKey: '1700000000.000100',
    threadTs: '1700000000.000100',
    userId: 'U1',
    text: 'How do I paginate?',
    ...overrides,
  };
}

function inbox() {
  return new InboxStore(openDatabase(join(tempDir(), 'bot.db')));
}

describe('InboxStore', () => {
  it('accepts a question once per event id', () => {
    const store = inbox();
    expect(store.accept('Ev1', question())).toMatchObject({ accepted: true });
    expect(store.accept('Ev1', question())).toEqual({ accepted: false, reason: 'retry' });
  });

  it('collapses the app_mention and message twins of one message', () => {
    const store = inbox();
    expect(store.accept('Ev1', question())).toMatchObject({ accepted: true });
    expect(store.accept('Ev2', question({ source: 'thread' }))).toEqual({ accepted: false, reason: 'twin' });
    expect(store.openCount()).toBe(1);
  });

  it('claims oldest first and one question per thread at a time', () => {
    const store = inbox();
    store.accept('Ev1', question({ messageKey: '1.1', threadTs: 'T' }));
    store.accept('Ev2', question({ messageKey: '1.2', threadTs: 'T' }));
    store.accept('Ev3', question({ messageKey: '1.3', threadTs: '1.3' }));
    expect(store.claimNext()?.messageKey).toBe('1.1');
    // 1.2 waits for 1.1, which is still being answered in the same thread.
    expect(store.claimNext()?.messageKey).toBe('1.3');
    expect(store.claimNext()).toBeUndefined();
  });

  it('puts questions interrupted by a stop back in the queue, keeping their partial answer ts', () => {
    const store = inbox();
    const accepted = store.accept('Ev1', question());
    if (!accepted.accepted) throw new Error('not accepted');
    const claimed = store.claimNext();
    store.setPartial(accepted.id, '1700000001.000100');
    expect(claimed?.attempts).toBe(1);
    expect(store.requeueInterrupted()).toBe(1);
    const again = store.claimNext();
    expect(again).toMatchObject({ id: accepted.id, attempts: 2, partialTs: '1700000001.000100' });
    store.finish(accepted.id, { state: 'answered', answerTs: '1700000001.000100' });
    expect(store.openCount()).toBe(0);
    expect(store.get(accepted.id)?.state).toBe('answered');
  });

  it('forgets old event ids', () => {
    const store = inbox();
    store.markEventSeen('Ev1');
    expect(store.forgetEventsBefore(new Date(Date.now() + 1000))).toBe(1);
    expect(store.markEventSeen('Ev1')).toBe(true);
  });
});
