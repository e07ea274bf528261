// Child processes (the built bot, the bare Bolt app, the load generator), their ports and memory.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sleep } from './common.js';
import type { LoadJob, LoadReply, LoadResult } from './load-process.js';

export interface ChildHandle {
  name: string;
  process: ChildProcess;
  pid: number;
  /** The last 64 KiB of stdout + stderr. */
  output(): string;
  /** Log lines at warn/error, counted by message (the bot logs JSON lines). */
  problems(): Map<string, number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs: number): Promise<number | null>;
}

const OUTPUT_KEEP = 64 * 1024;

export function spawnChild(
  name: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; ipc?: boolean },
): ChildHandle {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  let output = '';
  let partial = '';
  const problems = new Map<string, number>();
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-OUTPUT_KEEP);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const match = /"level":"(warn|error)".*?"msg":"([^"]*)"/.exec(line);
      if (match) {
        const key = `${match[1]}: ${match[2]}`;
        problems.set(key, (problems.get(key) ?? 0) + 1);
      } else if (/error/i.test(line) && !line.startsWith('{')) {
        const key = `stderr: ${line.slice(0, 160)}`;
        problems.set(key, (problems.get(key) ?? 0) + 1);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    name,
    process: child,
    pid: child.pid,
    output: () => output,
    problems: () => problems,
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * TCP ports a process listens on, from /proc: the bot logs its port only at `info`, and the bench runs it
 * at LOG_LEVEL=warn, so its listening socket is found by inode instead.
 */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // The descriptor was closed between listing and reading it.
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      const local = columns[1];
      const inode = columns[9];
      // State 0A is LISTEN.
      if (columns[3] === '0A' && local && inode && inodes.has(inode)) {
        ports.push(Number.parseInt(local.split(':')[1] ?? '', 16));
      }
    }
  }
  return ports;
}

export async function waitForPort(child: ChildHandle, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(
        `${child.name} exited (${child.process.exitCode ?? child.process.signalCode}):\n${child.output()}`,
      );
    }
    const port = listeningPorts(child.pid)[0];
    if (port !== undefined) return port;
    await sleep(25);
  }
  throw new Error(`${child.name} did not listen within ${timeoutMs} ms:\n${child.output()}`);
}

export async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not accepting connections yet.
    }
    await sleep(50);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/**
 * A field of /proc/<pid>/status in KiB (VmRSS: now, VmHWM: peak so far, RssAnon: heap and other private
 * memory, RssFile: mapped files such as the node binary); NaN once the process is gone.
 */
export function statusKib(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match?.[1] ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Samples VmRSS every `everyMs` and keeps the highest value. */
export class RssSampler {
  #maxKib = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    everyMs = 50,
  ) {
    this.#timer = setInterval(() => {
      const kib = statusKib(pid, 'VmRSS');
      if (kib > this.#maxKib) this.#maxKib = kib;
    }, everyMs);
    this.#timer.unref();
  }

  get maxKib(): number {
    return this.#maxKib;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** The bench's side of load-process.js: a forked child process, spoken to over IPC. */
export class LoadClient {
  readonly #child: ChildProcess;
  readonly #exited: Promise<unknown>;
  readonly #pending = new Map<
    number,
    { resolve: (reply: LoadReply) => void; reject: (error: Error) => void }
  >();
  #nextId = 1;

  constructor() {
    this.#child = fork(fileURLToPath(new URL('./load-process.js', import.meta.url)), [], {
      // Structured clone over the IPC channel: NaN latencies of failed requests survive.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Only the load generator's own flags; not the bench's (nor a profiler meant for the bot).
      execArgv: [],
    });
    this.#exited = once(this.#child, 'exit');
    this.#child.on('message', (reply: LoadReply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.type === 'failed') pending?.reject(new Error(`load process: ${reply.error}`));
      else pending?.resolve(reply);
    });
    this.#child.on('error', (error) => this.#failAll(error));
    this.#child.on('exit', (code, signal) =>
      this.#failAll(new Error(`load process exited with ${code ?? signal}`)),
    );
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  #send(request: Omit<LoadJob, 'id'> | { type: 'close' } | { type: 'collect' }): Promise<LoadReply> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...request, id }, (error) => {
        if (error) {
          this.#pending.delete(id);
          reject(error);
        }
      });
    });
  }

  async run(job: Omit<LoadJob, 'id' | 'type'>): Promise<LoadResult> {
    const reply = await this.#send({ type: 'run', ...job });
    if (reply.type !== 'result') throw new Error(`load process answered ${reply.type}`);
    return reply;
  }

  /** A full garbage collection in the load process, answered once it is done. */
  async collect(): Promise<void> {
    const reply = await this.#send({ type: 'collect' });
    if (reply.type !== 'collected') throw new Error(`load process answered ${reply.type}`);
  }

  /** Closes the pools, then the process (SIGKILL if it has not gone within 2 s). */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    try {
      await Promise.race([this.#send({ type: 'close' }), sleep(2_000)]);
    } catch {
      // It is going away anyway.
    }
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 2_000);
    await this.#exited;
    clearTimeout(timer);
  }
}

/** CPU time and run-queue wait of one thread, from /proc/<pid>/task/<tid>/schedstat (nanoseconds). */
interface ThreadTimes {
  name: string;
  cpuNs: number;
  waitNs: number;
}

/** Every thread of `pid` by tid; empty once the process is gone. */
export function threadTimes(pid: number): Map<number, ThreadTimes> {
  const threads = new Map<number, ThreadTimes>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const [cpu, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/);
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      threads.set(Number(tid), { name, cpuNs: Number(cpu), waitNs: Number(wait) });
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return threads;
}

export interface CpuShare {
  /** CPU milliseconds over the window: the main thread, and every other thread by name. */
  mainCpuMs: number;
  otherCpuMs: Record<string, number>;
  /** Milliseconds the main thread was runnable but waited for a core (competition from anything). */
  mainWaitMs: number;
}

/** Starts measuring the processes' CPU use; the returned function ends the window. */
export function cpuWindow(pids: Record<string, number>): () => Record<string, CpuShare> {
  const before = new Map(Object.entries(pids).map(([name, pid]) => [name, threadTimes(pid)]));
  return () => {
    const out: Record<string, CpuShare> = {};
    for (const [name, pid] of Object.entries(pids)) {
      const start = before.get(name) ?? new Map<number, ThreadTimes>();
      const share: CpuShare = { mainCpuMs: 0, otherCpuMs: {}, mainWaitMs: 0 };
      for (const [tid, now] of threadTimes(pid)) {
        const then = start.get(tid) ?? { name: now.name, cpuNs: 0, waitNs: 0 };
        const cpuMs = (now.cpuNs - then.cpuNs) / 1e6;
        if (tid === pid) {
          share.mainCpuMs = cpuMs;
          share.mainWaitMs = (now.waitNs - then.waitNs) / 1e6;
        } else if (cpuMs > 0) {
          share.otherCpuMs[now.name] = (share.otherCpuMs[now.name] ?? 0) + cpuMs;
        }
      }
      out[name] = share;
    }
    return out;
  };
}

/** Garbage collections by kind (`major`, `minor`, `incremental`, `weakcb`): how many, and their total pause. */
export type GcTotals = Record<string, { count: number; ms: number }>;

/**
 * The bot's garbage collections so far, from its own `/metrics`: prom-client's default metrics include
 * `nodejs_gc_duration_seconds` by kind (observed with perf_hooks, as any deployment would scrape them).
 */
export async function gcTotals(origin: string): Promise<GcTotals> {
  const response = await fetch(`${origin}/metrics`);
  if (!response.ok) throw new Error(`the bot's /metrics answered ${response.status}`);
  const text = await response.text();
  const totals: GcTotals = {};
  const line = /^\w*nodejs_gc_duration_seconds_(count|sum)\{kind="(\w+)"\} ([0-9.e+-]+)$/gm;
  for (const [, field, kind = '', value] of text.matchAll(line)) {
    const entry = (totals[kind] ??= { count: 0, ms: 0 });
    if (field === 'count') entry.count = Number(value);
    else entry.ms = Number(value) * 1000;
  }
  // Every process has scavenged by the time it serves a request: no minor line means the metric moved.
  if (!totals.minor) throw new Error("no nodejs_gc_duration_seconds{kind=\"minor\"} in the bot's /metrics");
  return totals;
}

/** The collections between two readings of `gcTotals`. */
export function gcSince(before: GcTotals, after: GcTotals): GcTotals {
  const since: GcTotals = {};
  for (const [kind, total] of Object.entries(after)) {
    since[kind] = { count: total.count - (before[kind]?.count ?? 0), ms: total.ms - (before[kind]?.ms ?? 0) };
  }
  return since;
}
