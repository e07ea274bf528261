// Load generator, run as its own process (`child_process.fork`, like Slack's senders are not in the bot's or
// the fakes' process): the fake Slack and Anthropic servers in the bench process never delay a request's
// start or the reading of its response, and the bench's garbage collections and event loop are not the
// load generator's. One undici Pool per target keeps its keep-alive connections between runs, so a measured
// run does not pay for TCP handshakes. Messages go over the IPC channel with the `advanced` serialization
// (structured clone), so NaN latencies survive.
import { createHmac } from 'node:crypto';
import { Pool } from 'undici';
import { exposedGc } from '../src/housekeeping/idle-collection.js';

const collectGarbage = exposedGc();

export interface LoadJob {
  type: 'run';
  id: number;
  origin: string;
  path: string;
  secret: string;
  /** Raw JSON bodies, sent in this order by `lanes` concurrent loops. */
  bodies: string[];
  lanes: number;
}

export interface LoadResult {
  type: 'result';
  id: number;
  /** Per body: milliseconds from sending to the end of the response body (NaN when it failed). */
  latenciesMs: number[];
  /** Per body: HTTP status, 0 when the request failed. */
  statuses: number[];
  /** Epoch ms (see nowMs) of the first send and of the last response. */
  startedAt: number;
  endedAt: number;
  errors: string[];
}

/** `collect`: a full garbage collection now, so none of the previous runs' lands inside the next one. */
export type LoadRequest = LoadJob | { type: 'close'; id: number } | { type: 'collect'; id: number };
export type LoadReply =
  | LoadResult
  | { type: 'closed'; id: number }
  | { type: 'collected'; id: number }
  | { type: 'failed'; id: number; error: string };

const send = process.send?.bind(process);
if (!send) throw new Error('load-process.js runs as a child process with an IPC channel (fork)');
const reply = (message: LoadReply) => send(message);
// The bench went away (finished, failed or was killed): so does the load generator.
process.on('disconnect', () => process.exit(0));

const pools = new Map<string, Pool>();

function poolFor(origin: string, lanes: number): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    // One request per connection at a time, like Slack's delivery: no pipelining.
    pool = new Pool(origin, { connections: lanes, pipelining: 1 });
    pools.set(origin, pool);
  }
  return pool;
}

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

async function run(job: LoadJob): Promise<LoadResult> {
  const pool = poolFor(job.origin, job.lanes);
  const latenciesMs = new Array<number>(job.bodies.length).fill(Number.NaN);
  const statuses = new Array<number>(job.bodies.length).fill(0);
  const errors: string[] = [];
  let next = 0;
  let startedAt = 0;
  let endedAt = 0;
  const lane = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      const body = job.bodies[index];
      if (body === undefined) return;
      // Signed at send time, as Slack does; the HMAC is the client's cost and stays outside the timing.
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = `v0=${createHmac('sha256', job.secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
      const headers = {
        'content-type': 'application/json',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signature,
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      };
      const started = performance.now();
      if (startedAt === 0) startedAt = performance.timeOrigin + started;
      try {
        const response = await pool.request({ path: job.path, method: 'POST', headers, body });
        await response.body.dump();
        statuses[index] = response.statusCode;
        latenciesMs[index] = performance.now() - started;
      } catch (error) {
        if (errors.length < 10) errors.push(error instanceof Error ? error.message : String(error));
      }
      endedAt = epochNow();
    }
  };
  await Promise.all(Array.from({ length: job.lanes }, () => lane()));
  return { type: 'result', id: job.id, latenciesMs, statuses, startedAt, endedAt, errors };
}

process.on('message', (message: LoadRequest) => {
  if (message.type === 'collect') {
    collectGarbage?.();
    reply({ type: 'collected', id: message.id });
    return;
  }
  if (message.type === 'close') {
    Promise.all([...pools.values()].map((pool) => pool.close())).then(
      () => reply({ type: 'closed', id: message.id }),
      (error: unknown) => reply({ type: 'failed', id: message.id, error: String(error) }),
    );
    return;
  }
  run(message).then(reply, (error: unknown) =>
    reply({ type: 'failed', id: message.id, error: String(error) }),
  );
});
