import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { ANTHROPIC_KEY, BOT_TOKEN, SIGNING_SECRET } from './bot-harness.js';
import { FakeAnthropic, lastUserText } from './fake-anthropic.js';
import { FakeSlack } from './fake-slack.js';
import { tempDir } from './temp.js';

// The built bot, started the way `npm start` and the Dockerfile start it: `node dist/main.js`.
// `npm test` compiles dist/ first.
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = join(ROOT, 'dist', 'main.js');

export interface Child {
  process: ChildProcess;
  output: () => string;
  /** Resolves with the port once the bot logs that it started. */
  started: Promise<number>;
}

/** Starts `node dist/main.js` with exactly `env` (plus PATH and the repo's agents), killed after the test. */
export function startChild(env: Record<string, string>): Child {
  const child = spawn(process.execPath, [MAIN], {
    cwd: tempDir(),
    env: { PATH: process.env.PATH ?? '', AGENTS_DIR: join(ROOT, 'agents'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const started = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^\{.*"msg":"bot started".*\}$/m.exec(output)?.[0];
      const port = line === undefined ? undefined : (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port === 'number') resolve(port);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`bot exited with ${code} before starting:\n${output}`)));
  });
  started.catch(() => {});
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { process: child, output: () => output, started };
}

/** The environment of a child bot wired to the loopback fakes, keeping its files in `dir`. */
export function childEnv(
  slack: FakeSlack,
  anthropic: FakeAnthropic,
  dir: string,
  extra: Record<string, string> = {},
) {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    PORT: '0',
    DATABASE_PATH: join(dir, 'bot.db'),
    DATA_DIR: dir,
    // No docs unless a test brings an archive: the sync finds nothing there and never reaches the network.
    FASTAPI_DOCS_SOURCE: join(dir, 'no-fastapi-docs.tar.gz'),
    DOCS_INDEX_PATH: join(dir, 'fastapi-docs.sqlite'),
    ...extra,
  };
}

/** Runs one of the built command-line tools (`dist/cli/<name>.js`) to completion. */
export async function runCli(
  name: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; input?: string },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', `${name}.js`), ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * Loopback Slack and a model that answers every question in several chunks `tokenDelayMs` apart, ending
 * with the question's last line (so a test can match answers to questions), closed after the test. The
 * chunks make "while streaming" a window a kill can land in; the second fills a stream batch (256
 * characters), so an append goes out early, mid-answer.
 */
export async function startAnsweringFakes(
  tokenDelayMs: number,
): Promise<{ slack: FakeSlack; anthropic: FakeAnthropic }> {
  const slack = await FakeSlack.start({ token: BOT_TOKEN });
  const anthropic = await FakeAnthropic.start({
    defaultReply: (req) => {
      const question = lastUserText(req.body).split('\n').at(-1) ?? '';
      const preamble = `${'Some reasoning first. '.repeat(12)}\n\n`;
      return {
        kind: 'text',
        text: ['Thinking. ', preamble, 'Complete ', 'answer ', 'to: ', question],
        tokenDelayMs,
      };
    },
  });
  onTestFinished(async () => {
    await anthropic.close();
    await slack.close();
  });
  return { slack, anthropic };
}
