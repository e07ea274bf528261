import type { TestProject } from 'vitest/node';
import { type PostgresServer, startEmbeddedPostgres } from './embedded-postgres.js';

/** How tests reach the one PostgreSQL of this vitest run (see tests/helpers/postgres.ts). */
export type { PostgresServer };

declare module 'vitest' {
  interface ProvidedContext {
    postgres: PostgresServer;
  }
}

/**
 * Starts one throwaway PostgreSQL for the whole run (tests/helpers/embedded-postgres.ts); each test takes
 * its own database on it (freshDatabase).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const { server, stop } = await startEmbeddedPostgres();
  if (process.env.PG_TEST_TIMING) {
    console.log(`embedded PostgreSQL ready in ${Math.round(performance.now() - started)} ms`);
  }
  project.provide('postgres', server);
  return stop;
}
