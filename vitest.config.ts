import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One real PostgreSQL for the run, reached over a UNIX socket; tests take a database each.
    globalSetup: ['tests/helpers/postgres-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests start loopback servers and SQLite files; two workers match the 2-core machines.
    maxWorkers: 2,
  },
});
