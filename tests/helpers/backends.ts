import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type Db, openDatabase } from '../../src/store/database.js';
import type { PgPool } from '../../src/store/postgres/connect.js';
import { migratedDatabase } from './postgres.js';
import { tempDir } from './temp.js';

/**
 * The two databases every store runs on, for contract suites: `describe.each(BACKENDS)` runs the same
 * tests against a fresh, migrated SQLite file and a fresh, migrated PostgreSQL database.
 */
export type Opened = { kind: 'sqlite'; db: Db } | { kind: 'postgres'; pool: PgPool };

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh database, closed (and for PostgreSQL dropped) after the test. */
  open(): Promise<Opened>;
}

let opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of opened.reverse()) await close();
  opened = [];
});

export const BACKENDS: readonly Backend[] = [
  {
    name: 'sqlite',
    async open() {
      const db = openDatabase(join(tempDir(), 'bot.db'));
      opened.push(async () => {
        db.close();
      });
      return { kind: 'sqlite', db };
    },
  },
  {
    name: 'postgres',
    async open() {
      const database = await migratedDatabase();
      opened.push(database.close);
      return { kind: 'postgres', pool: database.pool };
    },
  },
];
