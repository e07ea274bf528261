import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ANTHROPIC_KEY, BOT_TOKEN, SIGNING_SECRET } from '../../helpers/bot-harness.js';
import { childEnv, ROOT, runCli, startChild } from '../../helpers/child-bot.js';
import { docsEntries } from '../../helpers/docs-archive.js';
import { FakeAnthropic } from '../../helpers/fake-anthropic.js';
import { FakeSlack } from '../../helpers/fake-slack.js';
import { appMentionEnvelope, nextTs, sendEvent } from '../../helpers/slack-requests.js';
import { tarGz } from '../../helpers/tar.js';
import { tempDir } from '../../helpers/temp.js';

describe('the built bot as a process', () => {
  it('starts, answers a signed mention, and exits 0 on SIGTERM', async () => {
    const slack = await FakeSlack.start({ token: BOT_TOKEN });
    const anthropic = await FakeAnthropic.start();
    onTestFinished(async () => {
      await anthropic.close();
      await slack.close();
    });
    const dir = tempDir();
    const child = startChild(childEnv(slack, anthropic, dir));
    const port = await child.started;
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const ts = nextTs();
    anthropic.enqueue({ kind: 'text', text: 'Hello from the built bot.' });
    const res = await sendEvent(
      url,
      SIGNING_SECRET,
      appMentionEnvelope({ text: '<@UBOT> are you there?', ts }),
    );
    expect(res.status).toBe(200);
    await slack.waitFor(() =>
      slack.messages('C0001', ts).some((m) => m.text === 'Hello from the built bot.'),
    );

    child.process.kill('SIGTERM');
    const [code] = await once(child.process, 'exit');
    expect(code).toBe(0);
    const logs = child.output();
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain(SIGNING_SECRET);
    expect(logs).not.toContain(ANTHROPIC_KEY);
    // At info level the logs carry ids and sizes, never what people wrote or what the bot answered.
    expect(logs).not.toContain('are you there?');
    expect(logs).not.toContain('Hello from the built bot.');
    expect(logs).toContain('"msg":"question accepted"');
  });

  it('refuses to start with one message listing every configuration problem, without a stack trace', async () => {
    const child = startChild({ SLACK_BOT_TOKEN: 'xoxp-wrong-kind', PORT: 'eighty' });
    const [code] = await once(child.process, 'exit');
    expect(code).toBe(1);
    const output = child.output();
    expect(output).toContain('The bot could not start.');
    for (const variable of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'ANTHROPIC_API_KEY', 'PORT']) {
      expect(output).toContain(variable);
    }
    expect(output).toContain('https://api.slack.com/apps');
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain('xoxp-wrong-kind');
  });

  it('says in one sentence that PORT is taken when another process listens there', async () => {
    const slack = await FakeSlack.start({ token: BOT_TOKEN });
    const anthropic = await FakeAnthropic.start();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(async () => {
      taken.close();
      await anthropic.close();
      await slack.close();
    });
    const port = (taken.address() as AddressInfo).port;
    const child = startChild({ ...childEnv(slack, anthropic, tempDir()), PORT: String(port) });
    const [code] = await once(child.process, 'exit');
    expect(code).toBe(1);
    const output = child.output();
    expect(output).toContain(`The bot could not start.\nPort ${port} is already in use`);
    expect(output).toContain('set PORT to a free port');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('npm run ask streams one answer to stdout through the same conversation service, without Slack', async () => {
    const anthropic = await FakeAnthropic.start();
    onTestFinished(() => anthropic.close());
    anthropic.enqueue({ kind: 'text', text: ['Use ', 'keyset ', 'pagination.'] });
    const dir = tempDir();
    const { code, stdout, stderr } = await runCli('ask', ['How do I paginate?'], {
      cwd: dir,
      env: {
        AGENTS_DIR: join(ROOT, 'agents'),
        ANTHROPIC_API_KEY: ANTHROPIC_KEY,
        ANTHROPIC_BASE_URL: anthropic.baseUrl,
        DATABASE_PATH: join(dir, 'bot.db'),
        DATA_DIR: dir,
      },
    });
    expect(code).toBe(0);
    expect(stdout).toContain('Use keyset pagination.');
    // The PHR is written and its absolute path confirmed, as the agent prompt asks.
    const path = /PHR-0001 \(general\) written to (\S+)/.exec(stderr)?.[1] ?? '';
    expect(path.startsWith(join(dir, 'history', 'prompts', 'general', '0001-'))).toBe(true);
    expect(readFileSync(path, 'utf8')).toMatch(/^surface: cli$/m);
    const system = anthropic.requests[0]?.body.system as { text: string }[];
    expect(system[0]?.text.startsWith('You are a Senior Backend Architect')).toBe(true);
  });

  it('npm run ask answers from the docs index once npm run docs -- sync has built one', async () => {
    const anthropic = await FakeAnthropic.start();
    onTestFinished(() => anthropic.close());
    const dir = tempDir();
    const archive = join(dir, 'fastapi.tar.gz');
    writeFileSync(archive, tarGz(docsEntries()));
    const env = {
      AGENTS_DIR: join(ROOT, 'agents'),
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      DATABASE_PATH: join(dir, 'bot.db'),
      DATA_DIR: dir,
      DOCS_INDEX_PATH: join(dir, 'docs.sqlite'),
    };
    expect((await runCli('docs', ['sync', '--source', archive], { cwd: dir, env })).code).toBe(0);
    const cors = 'https://fastapi.tiangolo.com/tutorial/cors/#use-corsmiddleware';
    anthropic.enqueue(
      { kind: 'text', text: '', toolUse: { name: 'search_fastapi_docs', input: { query: 'CORS' } } },
      {
        kind: 'text',
        text: 'Add CORSMiddleware.',
        citations: [{ source: cors, title: 'CORS', cited_text: 'x' }],
      },
    );
    const { code, stdout, stderr } = await runCli('ask', ['How do I allow my frontend?'], { cwd: dir, env });
    expect(code).toBe(0);
    expect(stderr).toContain('Searching the FastAPI docs for “CORS”');
    expect(stdout).toContain(`Add CORSMiddleware.\n\n**Sources:** [CORS](${cors})`);
    expect(JSON.stringify(anthropic.requests[1]?.body.messages)).toContain('"type":"search_result"');
  });

  it('npm run backup copies the database online, to a file that opens and holds the data', async () => {
    const dir = tempDir();
    const source = join(dir, 'bot.db');
    const seeded = new Database(source);
    seeded.exec("CREATE TABLE probe (v TEXT); INSERT INTO probe VALUES ('kept')");
    const target = join(dir, 'copies', 'copy.db');
    const { code, stdout } = await runCli('backup', [target], {
      cwd: dir,
      env: { DATABASE_PATH: source, DATA_DIR: dir },
    });
    seeded.close();
    expect(code).toBe(0);
    expect(stdout).toContain(`Backed up the database to ${target}`);
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare('SELECT v FROM probe').get()).toEqual({ v: 'kept' });
    copy.close();
  });
});
