import type { PgPool } from '../store/postgres/connect.js';
import type { RateWindows, Taken } from './admission.js';

/** Rows older than an hour are never counted again; every this many takes, they are deleted. */
const PRUNE_EVERY = 200;

// One statement: the counts, the first limit reached (in the order given) and, when none is, the
// new rows. On the database's clock, so no replica's clock decides. A message is counted once: its
// twin or retry at another replica, still on its way to being dropped as a duplicate, is judged as
// the message itself was and adds nothing (and its undo takes nothing back).
const TAKE = `
  WITH limits AS (
    SELECT key, per_hour, position FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS l(key, per_hour, position)
  ), reached AS (
    SELECT key FROM limits
    WHERE (SELECT count(*) FROM rate_events e
           WHERE e.key = limits.key AND e.at > now() - interval '1 hour' AND e.message <> $3)
          >= per_hour
    ORDER BY position LIMIT 1
  ), counted AS (
    INSERT INTO rate_events (key, at, message)
    SELECT key, now(), $3 FROM limits WHERE NOT EXISTS (SELECT 1 FROM reached)
    ON CONFLICT (key, message) DO NOTHING
    RETURNING id
  )
  SELECT (SELECT key FROM reached) AS over, ARRAY(SELECT id FROM counted) AS ids`;

/**
 * The sliding-hour counts in PostgreSQL, shared by every replica. Two replicas taking the same
 * asker's last allowed question in the same instant may both get it (each statement sees the other's
 * rows only once committed): one question over a limit meant against runaway use.
 */
export function postgresRateWindows(pool: PgPool): RateWindows {
  let takes = 0;
  return {
    async take(limits, message): Promise<Taken> {
      if (++takes % PRUNE_EVERY === 0) {
        await pool.query("DELETE FROM rate_events WHERE at <= now() - interval '1 hour'");
      }
      const { rows } = await pool.query<{ over: string | null; ids: number[] }>(TAKE, [
        limits.map((limit) => limit.key),
        limits.map((limit) => limit.perHour),
        message,
      ]);
      const row = rows[0];
      if (row?.over) return { over: row.over };
      const ids = row?.ids ?? [];
      return {
        undo: async () => {
          // Only while no question of that message is stored: the twin whose row counted the message
          // may lose the race to store it, and the question that won must stay counted.
          await pool.query(
            `DELETE FROM rate_events e WHERE e.id = ANY($1::bigint[]) AND NOT EXISTS (
               SELECT 1 FROM questions q
               WHERE q.channel_id = split_part(e.message, ' ', 1) AND q.message_key = split_part(e.message, ' ', 2))`,
            [ids],
          );
        },
      };
    },
  };
}
