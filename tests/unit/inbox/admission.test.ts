import { afterEach, describe, expect, it } from 'vitest';
import {
  type Admission,
  type Asker,
  createAdmission,
  memoryRateWindows,
  type RateWindows,
} from '../../../src/inbox/admission.js';
import { postgresRateWindows } from '../../../src/inbox/store-rates-postgres.js';
import { closePostgres, openPostgres } from '../../../src/store/postgres/connect.js';
import { migratedDatabase } from '../../helpers/postgres.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

const LIMITS = { allowedChannels: [], allowedUsers: [], userQuestionsPerHour: 3, channelQuestionsPerHour: 5 };
const ada = { userId: 'U1', channelId: 'C1', direct: false };
let messages = 0;

/** Each kind of counts, with a way to let an hour go by. */
const KINDS: { name: string; open(): Promise<{ windows: RateWindows; hourPasses(): Promise<void> }> }[] = [
  {
    name: 'memory',
    async open() {
      let now = 1_000_000;
      return {
        windows: memoryRateWindows(() => now),
        hourPasses: async () => {
          now += 60 * 60 * 1000 + 1;
        },
      };
    },
  },
  {
    name: 'postgres',
    async open() {
      const database = await migratedDatabase();
      cleanup.push(database.close);
      return {
        windows: postgresRateWindows(database.pool),
        hourPasses: async () => {
          await database.pool.query("UPDATE rate_events SET at = at - interval '61 minutes'");
        },
      };
    },
  },
];

/** The refusal, or null when the question was counted; and how to give the count back. */
async function ask(admission: Admission, asker: Omit<Asker, 'messageKey'>, messageKey = `${++messages}.0`) {
  const admitted = await admission.admit({ ...asker, messageKey });
  return {
    refusal: admitted.refusal,
    uncount: admitted.refusal === null ? admitted.uncount : async () => {},
  };
}

describe.each(KINDS)('admission with $name counts', (kind) => {
  it('refuses past the hourly limit, counts a taken-back question as never asked, and forgives after an hour', async () => {
    const { windows, hourPasses } = await kind.open();
    const admission = createAdmission({ ...LIMITS, windows });
    expect((await ask(admission, ada)).refusal).toBeNull();
    expect((await ask(admission, ada)).refusal).toBeNull();
    const third = await ask(admission, ada);
    expect(third.refusal).toBeNull();
    // A refused question is not counted: giving back the third frees exactly one place.
    expect((await ask(admission, ada)).refusal).toBe('user_rate_limited');
    await third.uncount();
    expect((await ask(admission, ada)).refusal).toBeNull();
    expect((await ask(admission, ada)).refusal).toBe('user_rate_limited');
    // Another person in the same channel meets the channel's limit (5) after two.
    const grace = { ...ada, userId: 'U2' };
    expect((await ask(admission, grace)).refusal).toBeNull();
    expect((await ask(admission, grace)).refusal).toBeNull();
    expect((await ask(admission, grace)).refusal).toBe('channel_rate_limited');
    // Direct messages count against the person only.
    expect((await ask(admission, { ...grace, direct: true })).refusal).toBeNull();
    await hourPasses();
    expect((await ask(admission, ada)).refusal).toBeNull();
    expect((await ask(admission, grace)).refusal).toBeNull();
  });
});

describe('admission on PostgreSQL', () => {
  it('holds the limit across replicas', async () => {
    const database = await migratedDatabase();
    cleanup.push(database.close);
    const other = openPostgres(database.url);
    cleanup.push(() => closePostgres(other));
    const a = createAdmission({ ...LIMITS, windows: postgresRateWindows(database.pool) });
    const b = createAdmission({ ...LIMITS, windows: postgresRateWindows(other) });
    expect((await ask(a, ada)).refusal).toBeNull();
    expect((await ask(b, ada)).refusal).toBeNull();
    expect((await ask(a, ada)).refusal).toBeNull();
    expect((await ask(b, ada)).refusal).toBe('user_rate_limited');
    expect((await ask(a, ada)).refusal).toBe('user_rate_limited');
  });

  it('counts a message once however many replicas its twins reach, and judges a twin as the message', async () => {
    const database = await migratedDatabase();
    cleanup.push(database.close);
    const other = openPostgres(database.url);
    cleanup.push(() => closePostgres(other));
    const a = createAdmission({ ...LIMITS, windows: postgresRateWindows(database.pool) });
    const b = createAdmission({ ...LIMITS, windows: postgresRateWindows(other) });
    await ask(a, ada, '1.1');
    await ask(a, ada, '1.2');
    // The third, the last allowed, and its twin at the other replica a moment later: both let through,
    // counted once; the twin's undo (it is dropped as a twin) gives back nothing.
    expect((await ask(a, ada, '1.3')).refusal).toBeNull();
    const twin = await ask(b, ada, '1.3');
    expect(twin.refusal).toBeNull();
    await twin.uncount();
    expect((await ask(b, ada, '1.4')).refusal).toBe('user_rate_limited');
    const { rows } = await database.pool.query(
      "SELECT count(*)::int AS n FROM rate_events WHERE key = 'u:U1'",
    );
    expect(rows[0]?.n).toBe(3);
  });

  it('keeps the count of a stored question when the twin that counted it is dropped', async () => {
    const database = await migratedDatabase();
    cleanup.push(database.close);
    const admission = createAdmission({ ...LIMITS, windows: postgresRateWindows(database.pool) });
    // The twin's check came first and counted the message; then the other delivery stored it.
    const twin = await ask(admission, ada, '1.1');
    await database.pool.query(
      `INSERT INTO questions (source, team_id, channel_id, message_key, user_id, text, created_at, updated_at)
       VALUES ('mention', 'T1', 'C1', '1.1', 'U1', 'q', 'x', 'x')`,
    );
    await twin.uncount();
    const { rows } = await database.pool.query('SELECT count(*)::int AS n FROM rate_events');
    expect(rows[0]?.n).toBe(2);
    // A question that was never stored gives its count back.
    const failed = await ask(admission, ada, '1.2');
    await failed.uncount();
    const after = await database.pool.query('SELECT count(*)::int AS n FROM rate_events');
    expect(after.rows[0]?.n).toBe(2);
  });
});

describe('admission with memory counts', () => {
  it('decides at once, without a promise, so a burst sees its own counts', () => {
    const admission = createAdmission({ ...LIMITS, userQuestionsPerHour: 1 });
    expect(admission.admit({ ...ada, messageKey: '1.1' })).toMatchObject({ refusal: null });
    expect(admission.admit({ ...ada, messageKey: '1.2' })).toEqual({ refusal: 'user_rate_limited' });
  });
});
