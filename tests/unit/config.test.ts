import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, type Config, ConfigError, loadConfig } from '../../src/config/load.js';

// Recognisable fake secrets, so the tests can prove they never reach a message.
const BOT_TOKEN = 'xoxb-111-222-SECRETbot';
const SIGNING_SECRET = 'SECRETsigning0123456789';
const APP_TOKEN = 'xapp-1-A111-SECRETapp';
const API_KEY = 'sk-ant-SECRETkey';

const HTTP_ENV = {
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  ANTHROPIC_API_KEY: API_KEY,
};
const SOCKET_ENV = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, ANTHROPIC_API_KEY: API_KEY };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('loadConfig did not throw');
}

describe('loadConfig', () => {
  it('fills in every default in HTTP mode', () => {
    const expected: Config = {
      slack: {
        botToken: BOT_TOKEN,
        signingSecret: SIGNING_SECRET,
        appToken: undefined,
        mode: 'http',
        apiUrl: 'https://slack.com/api/',
      },
      anthropic: {
        apiKey: API_KEY,
        baseUrl: undefined,
        modelOverride: undefined,
        timeoutMs: 120_000,
        maxRetries: 2,
        maxAnswerTokens: 4096,
      },
      port: 3000,
      databasePath: './data/bot.db',
      databaseUrl: undefined,
      claimLeaseSeconds: 30,
      dataDir: './data',
      publicBaseUrl: 'http://localhost:3000',
      logLevel: 'info',
      agentsDir: './agents',
      agentName: undefined,
      historyTokenBudget: 30_000,
      maxConcurrentAnswers: 4,
      recordsLinkSecret: undefined,
      featureChannels: new Map(),
      adrApprovers: [],
      allowedChannels: [],
      allowedUsers: [],
      userQuestionsPerHour: 30,
      channelQuestionsPerHour: 120,
      dailyTokenBudget: 0,
      maxQuestionChars: 20_000,
      redactSecrets: true,
      retentionDays: 0,
      metricsToken: undefined,
      modelPrices: {},
      docs: {
        source: undefined,
        version: undefined,
        indexPath: './data/fastapi-docs.sqlite',
        refreshHours: 168,
      },
    };
    expect(loadConfig(HTTP_ENV)).toEqual(expected);
  });

  it('reads ADR approvers as user and user-group ids, and rejects names', () => {
    expect(loadConfig({ ...HTTP_ENV, ADR_APPROVERS: 'U0LEAD1, S0ARCH2 W0ENT3' }).adrApprovers).toEqual([
      'U0LEAD1',
      'S0ARCH2',
      'W0ENT3',
    ]);
    expect(problemsOf({ ...HTTP_ENV, ADR_APPROVERS: '@lead' })[0]).toMatch(/^ADR_APPROVERS entry "@lead"/);
  });

  it('binds channels to features, with an optional stage', () => {
    const config = loadConfig({
      ...HTTP_ENV,
      FEATURE_CHANNELS: 'C0123ABC=001-auth, G0456DEF=002-payments:plan',
    });
    expect([...config.featureChannels]).toEqual([
      ['C0123ABC', { feature: '001-auth', stage: 'misc' }],
      ['G0456DEF', { feature: '002-payments', stage: 'plan' }],
    ]);
  });

  it('rejects malformed feature bindings and short link secrets, without echoing the secret', () => {
    const problems = problemsOf({
      ...HTTP_ENV,
      FEATURE_CHANNELS: 'general=auth,C1=x:deploy',
      RECORDS_LINK_SECRET: 'hunter2',
    });
    expect(problems.filter((p) => p.startsWith('FEATURE_CHANNELS'))).toHaveLength(2);
    expect(problems.some((p) => p.startsWith('RECORDS_LINK_SECRET is too short'))).toBe(true);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('uses Socket Mode when SLACK_APP_TOKEN is set, with the signing secret optional', () => {
    const config = loadConfig(SOCKET_ENV);
    expect(config.slack).toMatchObject({ mode: 'socket', appToken: APP_TOKEN, signingSecret: undefined });
  });

  it('keeps a signing secret given in Socket Mode', () => {
    expect(loadConfig({ ...SOCKET_ENV, SLACK_SIGNING_SECRET: SIGNING_SECRET }).slack.signingSecret).toBe(
      SIGNING_SECRET,
    );
  });

  it('requires the signing secret in HTTP mode', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: BOT_TOKEN, ANTHROPIC_API_KEY: API_KEY })).toEqual([
      expect.stringMatching(/^SLACK_SIGNING_SECRET is missing: .*Basic Information.*SLACK_APP_TOKEN/),
    ]);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...SOCKET_ENV,
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:8888',
      CLAUDE_MODEL: 'opus',
      PORT: '0',
      DATABASE_PATH: '/tmp/x.db',
      DATA_DIR: '/tmp/data',
      PUBLIC_BASE_URL: 'https://bot.example.com//',
      LOG_LEVEL: 'debug',
      AGENTS_DIR: '/srv/agents',
      AGENT: 'fastapi-backend-expert',
      HISTORY_TOKEN_BUDGET: '1000',
      MAX_ANSWER_TOKENS: '64000',
      MAX_CONCURRENT_ANSWERS: '64',
      CLAUDE_TIMEOUT_MS: '1000',
      CLAUDE_MAX_RETRIES: '0',
    });
    expect(config).toMatchObject({
      slack: { apiUrl: 'http://127.0.0.1:9999/api/' },
      anthropic: {
        baseUrl: 'http://127.0.0.1:8888',
        modelOverride: 'opus',
        timeoutMs: 1000,
        maxRetries: 0,
        maxAnswerTokens: 64_000,
      },
      port: 0,
      databasePath: '/tmp/x.db',
      dataDir: '/tmp/data',
      publicBaseUrl: 'https://bot.example.com',
      logLevel: 'debug',
      agentsDir: '/srv/agents',
      agentName: 'fastapi-backend-expert',
      historyTokenBudget: 1000,
      maxConcurrentAnswers: 64,
    });
  });

  it('keeps a Slack API URL that already ends with a slash', () => {
    expect(loadConfig({ ...HTTP_ENV, SLACK_API_URL: 'https://slack-gov.com/api/' }).slack.apiUrl).toBe(
      'https://slack-gov.com/api/',
    );
  });

  it('derives the public base URL from PORT', () => {
    expect(loadConfig({ ...HTTP_ENV, PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig({
      ...SOCKET_ENV,
      SLACK_SIGNING_SECRET: '',
      PORT: '',
      CLAUDE_MODEL: ' ',
      AGENT: '',
    });
    expect(config.slack.signingSecret).toBeUndefined();
    expect(config.port).toBe(3000);
    expect(config.anthropic.modelOverride).toBeUndefined();
    expect(config.agentName).toBeUndefined();
    expect(problemsOf({ ...HTTP_ENV, SLACK_BOT_TOKEN: '' })).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN is missing/),
    ]);
  });

  it('says where to get each missing secret', () => {
    expect(problemsOf({})).toEqual([
      "SLACK_BOT_TOKEN is missing: the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page " +
        'at https://api.slack.com/apps',
      expect.stringMatching(
        /^SLACK_SIGNING_SECRET is missing: the Signing Secret from .*api\.slack\.com\/apps/,
      ),
      expect.stringMatching(/^ANTHROPIC_API_KEY is missing: .*console\.anthropic\.com/),
    ]);
  });

  it('lists every problem at once, missing and malformed together', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-user-SECRETtoken',
      SLACK_APP_TOKEN: 'xoxb-wrong-SECRETslot',
      SLACK_API_URL: 'ftp://slack.example.com',
      ANTHROPIC_BASE_URL: 'not a url',
      CLAUDE_MODEL: 'sonet',
      PORT: '65536',
      PUBLIC_BASE_URL: 'localhost:3000/x',
      LOG_LEVEL: 'verbose',
      HISTORY_TOKEN_BUDGET: '999',
      MAX_ANSWER_TOKENS: '255',
      MAX_CONCURRENT_ANSWERS: '0',
      CLAUDE_TIMEOUT_MS: '1.5e3',
      CLAUDE_MAX_RETRIES: '-1',
    });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'SLACK_API_URL',
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_BASE_URL',
      'CLAUDE_MODEL',
      'PORT',
      'PUBLIC_BASE_URL',
      'LOG_LEVEL',
      'HISTORY_TOKEN_BUDGET',
      'MAX_ANSWER_TOKENS',
      'MAX_CONCURRENT_ANSWERS',
      'CLAUDE_TIMEOUT_MS',
      'CLAUDE_MAX_RETRIES',
    ]);
    expect(problems).toContain(
      'SLACK_BOT_TOKEN does not start with "xoxb-" (it holds an xoxp- token): use the Bot User OAuth Token ' +
        "(xoxb-…) from your app's OAuth & Permissions page at https://api.slack.com/apps",
    );
    expect(problems).toContain('PORT is "65536": use a whole number from 0 to 65535 (default 3000)');
    expect(problems).toContain('LOG_LEVEL is "verbose": use one of debug, info, warn, error');
    expect(problems).toContain(
      'HISTORY_TOKEN_BUDGET is "999": use a whole number at least 1000 (default 30000)',
    );
  });

  it('puts every problem into the error message', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'abc' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Configuration has 4 problems:\n/);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'ANTHROPIC_API_KEY', 'PORT']) {
      expect(message).toContain(`\n  - ${name} `);
    }
  });

  it('never puts a secret value into a message', () => {
    const secrets = {
      SLACK_BOT_TOKEN: 'xapp-SECRETone',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_APP_TOKEN: 'xoxb-SECRETtwo',
      ANTHROPIC_API_KEY: API_KEY,
      ANTHROPIC_BASE_URL: 'https://user:SECRETpass@proxy.example.com/?key=SECRETquery',
      SLACK_API_URL: 'gopher://SECRETurl',
      PORT: 'x',
    };
    let error: unknown;
    try {
      loadConfig(secrets);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.length).toBeGreaterThanOrEqual(3);
    expect(`${(error as Error).message}\n${(error as ConfigError).problems.join('\n')}`).not.toContain(
      'SECRET',
    );
  });

  it('takes a postgres:// DATABASE_URL and never echoes it in a problem', () => {
    const url = 'postgres://bot:s3cret-pass@db.internal:5432/bot';
    expect(loadConfig({ ...HTTP_ENV, DATABASE_URL: url, CLAIM_LEASE_SECONDS: '5' })).toMatchObject({
      databaseUrl: url,
      claimLeaseSeconds: 5,
    });
    expect(loadConfig({ ...HTTP_ENV, DATABASE_URL: 'postgresql:///bot?host=/run/pg' }).databaseUrl).toBe(
      'postgresql:///bot?host=/run/pg',
    );
    for (const wrong of ['mysql://bot:s3cret-pass@db/bot', 'not a url s3cret-pass']) {
      const problems = problemsOf({ ...HTTP_ENV, DATABASE_URL: wrong }).join('\n');
      expect(problems).toMatch(/DATABASE_URL/);
      expect(problems).not.toContain('s3cret-pass');
    }
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig(HTTP_ENV);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.slack)).toBe(true);
    expect(Object.isFrozen(config.anthropic)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('is documented in .env.example, one variable each', () => {
    const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const example = readFileSync(resolve(repo, '.env.example'), 'utf8');
    const assigned = example.match(/^[A-Z_]+(?==)/gm) ?? [];
    expect(assigned).toEqual([...CONFIG_VARIABLES]);
    for (const secret of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_APP_TOKEN',
      'ANTHROPIC_API_KEY',
    ]) {
      expect(example).toMatch(new RegExp(`^${secret}=$`, 'm'));
    }
  });
});
