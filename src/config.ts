import { resolveModel, UnknownModelError } from './agents/models.js';
import { type ModelPrice, parsePriceOverrides } from './claude/prices.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './log.js';

/** Everything the process is configured with; built once by loadConfig and frozen. */
export interface Config {
  slack: {
    botToken: string;
    /** Required in HTTP mode; optional (unused by Bolt) in Socket Mode. */
    signingSecret: string | undefined;
    appToken: string | undefined;
    mode: 'http' | 'socket';
    /** Always ends with '/', as @slack/web-api joins method names onto it. */
    apiUrl: string;
  };
  anthropic: {
    apiKey: string;
    baseUrl: string | undefined;
    /** CLAUDE_MODEL as written (alias or id); it has been checked to resolve. */
    modelOverride: string | undefined;
    timeoutMs: number;
    maxRetries: number;
    maxAnswerTokens: number;
  };
  port: number;
  databasePath: string;
  dataDir: string;
  /** Never ends with '/'. */
  publicBaseUrl: string;
  logLevel: LogLevel;
  agentsDir: string;
  agentName: string | undefined;
  historyTokenBudget: number;
  maxConcurrentAnswers: number;
  /** Signs record links; when unset, a secret is generated on first start and kept in the database. */
  recordsLinkSecret: string | undefined;
  /** Channels bound to a Spec-Kit Plus feature: their PHRs go to history/prompts/<feature>/. */
  featureChannels: ReadonlyMap<string, { feature: string; stage: string }>;
  /** Slack user ids (U…, W…) and user-group ids (S…) who may accept or reject ADRs; empty: anyone. */
  adrApprovers: readonly string[];
  /** Where the bot answers: empty lists mean everywhere / everyone. */
  allowedChannels: readonly string[];
  allowedUsers: readonly string[];
  /** Questions per sliding hour; 0 turns a limit off. */
  userQuestionsPerHour: number;
  channelQuestionsPerHour: number;
  /** Input + output tokens per workspace per UTC day; 0 means no budget. */
  dailyTokenBudget: number;
  /** Longer questions are cut (and the asker told). */
  maxQuestionChars: number;
  redactSecrets: boolean;
  /** Turns, questions and PHRs older than this many days are deleted; 0 keeps everything. */
  retentionDays: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Overrides of the per-model price table used for cost estimates. */
  modelPrices: Readonly<Record<string, ModelPrice>>;
}

/** Every problem found in the environment, each a sentence that says how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: string[];

  constructor(problems: string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Configuration has ${count}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

const SLACK_APPS = 'https://api.slack.com/apps';

/** Where each value comes from; used in "is missing" messages. */
const WHERE = {
  SLACK_BOT_TOKEN: `the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page at ${SLACK_APPS}`,
  SLACK_SIGNING_SECRET:
    `the Signing Secret from your app's Basic Information page (App Credentials) at ${SLACK_APPS}; ` +
    'it is needed in HTTP mode, or set SLACK_APP_TOKEN to use Socket Mode instead',
  SLACK_APP_TOKEN:
    "an App-Level Token (xapp-…) with the connections:write scope, from your app's Basic Information page " +
    `(App-Level Tokens) at ${SLACK_APPS}`,
  ANTHROPIC_API_KEY: 'an API key from https://console.anthropic.com/settings/keys',
} as const;

/** Every environment variable the bot reads, in the order .env.example lists them. */
export const CONFIG_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'ANTHROPIC_API_KEY',
  'SLACK_API_URL',
  'ANTHROPIC_BASE_URL',
  'CLAUDE_MODEL',
  'PORT',
  'DATABASE_PATH',
  'DATA_DIR',
  'PUBLIC_BASE_URL',
  'LOG_LEVEL',
  'AGENTS_DIR',
  'AGENT',
  'HISTORY_TOKEN_BUDGET',
  'MAX_ANSWER_TOKENS',
  'MAX_CONCURRENT_ANSWERS',
  'CLAUDE_TIMEOUT_MS',
  'CLAUDE_MAX_RETRIES',
  'RECORDS_LINK_SECRET',
  'FEATURE_CHANNELS',
  'ADR_APPROVERS',
  'ALLOWED_CHANNELS',
  'ALLOWED_USERS',
  'USER_QUESTIONS_PER_HOUR',
  'CHANNEL_QUESTIONS_PER_HOUR',
  'DAILY_TOKEN_BUDGET',
  'MAX_QUESTION_CHARS',
  'REDACT_SECRETS',
  'RETENTION_DAYS',
  'METRICS_TOKEN',
  'MODEL_PRICES_JSON',
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

/**
 * Reads the configuration from `env` (process.env in main.ts, a literal in tests). Throws one ConfigError
 * listing every problem, so a first deployment is fixed in one round rather than one variable at a time.
 * Messages name variables and, for non-secret values, echo them; tokens, secrets and keys are never echoed.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: { requireSlack?: boolean; requireAnthropic?: boolean } = {},
): Config {
  // `npm run ask` talks to Claude only, so it runs without Slack credentials; `npm run backup`
  // touches only the database and needs neither.
  const requireSlack = options.requireSlack ?? true;
  const requireAnthropic = options.requireAnthropic ?? true;
  const problems: string[] = [];
  // Values are trimmed because a stray newline pasted into a .env file is never part of a token; a
  // blank value counts as unset so `FOO=` in a .env file means "use the default".
  const read = (name: ConfigVariable): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const botToken = read('SLACK_BOT_TOKEN') ?? (requireSlack ? undefined : '');
  if (botToken === undefined) {
    problems.push(`SLACK_BOT_TOKEN is missing: ${WHERE.SLACK_BOT_TOKEN}`);
  } else if (requireSlack && !botToken.startsWith('xoxb-')) {
    problems.push(
      `SLACK_BOT_TOKEN does not start with "xoxb-"${tokenKindHint(botToken)}: use ${WHERE.SLACK_BOT_TOKEN}`,
    );
  }

  const appToken = read('SLACK_APP_TOKEN');
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    problems.push(
      `SLACK_APP_TOKEN does not start with "xapp-"${tokenKindHint(appToken)}: use ${WHERE.SLACK_APP_TOKEN}; ` +
        'leave it unset to receive events over HTTP instead of Socket Mode',
    );
  }
  const mode = appToken === undefined ? 'http' : 'socket';

  const signingSecret = read('SLACK_SIGNING_SECRET');
  if (signingSecret === undefined && mode === 'http' && requireSlack) {
    problems.push(`SLACK_SIGNING_SECRET is missing: ${WHERE.SLACK_SIGNING_SECRET}`);
  }

  const apiUrl = url(read('SLACK_API_URL'), 'SLACK_API_URL', problems) ?? 'https://slack.com/api/';

  const apiKey = read('ANTHROPIC_API_KEY') ?? (requireAnthropic ? undefined : '');
  if (apiKey === undefined) problems.push(`ANTHROPIC_API_KEY is missing: ${WHERE.ANTHROPIC_API_KEY}`);

  const baseUrl = url(read('ANTHROPIC_BASE_URL'), 'ANTHROPIC_BASE_URL', problems);

  const modelOverride = read('CLAUDE_MODEL');
  if (modelOverride !== undefined) {
    try {
      resolveModel(modelOverride);
    } catch (error) {
      if (!(error instanceof UnknownModelError)) throw error;
      problems.push(`CLAUDE_MODEL has ${error.message}; leave it unset to use the agent file's model`);
    }
  }

  const port = integer(read('PORT'), 'PORT', { min: 0, max: 65_535, fallback: 3000 }, problems);

  let publicBaseUrl = url(read('PUBLIC_BASE_URL'), 'PUBLIC_BASE_URL', problems);
  publicBaseUrl =
    publicBaseUrl === undefined ? `http://localhost:${port}` : publicBaseUrl.replace(/\/+$/, '');

  const logLevelText = read('LOG_LEVEL') ?? 'info';
  let logLevel: LogLevel = 'info';
  if (isLogLevel(logLevelText)) {
    logLevel = logLevelText;
  } else {
    problems.push(`LOG_LEVEL is ${JSON.stringify(logLevelText)}: use one of ${LOG_LEVELS.join(', ')}`);
  }

  const historyTokenBudget = integer(
    read('HISTORY_TOKEN_BUDGET'),
    'HISTORY_TOKEN_BUDGET',
    { min: 1000, max: Number.MAX_SAFE_INTEGER, fallback: 30_000 },
    problems,
  );
  const maxAnswerTokens = integer(
    read('MAX_ANSWER_TOKENS'),
    'MAX_ANSWER_TOKENS',
    { min: 256, max: 64_000, fallback: 4096 },
    problems,
  );
  const maxConcurrentAnswers = integer(
    read('MAX_CONCURRENT_ANSWERS'),
    'MAX_CONCURRENT_ANSWERS',
    { min: 1, max: 64, fallback: 4 },
    problems,
  );
  const timeoutMs = integer(
    read('CLAUDE_TIMEOUT_MS'),
    'CLAUDE_TIMEOUT_MS',
    { min: 1000, max: Number.MAX_SAFE_INTEGER, fallback: 120_000 },
    problems,
  );
  const maxRetries = integer(
    read('CLAUDE_MAX_RETRIES'),
    'CLAUDE_MAX_RETRIES',
    { min: 0, max: 10, fallback: 2 },
    problems,
  );

  const recordsLinkSecret = read('RECORDS_LINK_SECRET');
  if (recordsLinkSecret !== undefined && recordsLinkSecret.length < 32) {
    problems.push(
      'RECORDS_LINK_SECRET is too short: use at least 32 random characters (e.g. `openssl rand -hex 32`), ' +
        'or leave it unset to have one generated and kept in the database',
    );
  }
  const featureChannels = parseFeatureChannels(read('FEATURE_CHANNELS'), problems);
  const adrApprovers = (read('ADR_APPROVERS') ?? '').split(/[\s,]+/).filter(Boolean);
  for (const id of adrApprovers) {
    if (!/^[UWS][A-Z0-9]{2,}$/.test(id)) {
      problems.push(
        `ADR_APPROVERS entry ${JSON.stringify(id)} is not a Slack user id (U…/W…) or user-group id (S…): ` +
          "find a user's id in their profile (⋮ → Copy member ID)",
      );
    }
  }

  const allowedChannels = idList(
    read('ALLOWED_CHANNELS'),
    'ALLOWED_CHANNELS',
    /^[CGD][A-Z0-9]{2,}$/,
    problems,
  );
  const allowedUsers = idList(read('ALLOWED_USERS'), 'ALLOWED_USERS', /^[UW][A-Z0-9]{2,}$/, problems);
  const userQuestionsPerHour = integer(
    read('USER_QUESTIONS_PER_HOUR'),
    'USER_QUESTIONS_PER_HOUR',
    { min: 0, max: 100_000, fallback: 30 },
    problems,
  );
  const channelQuestionsPerHour = integer(
    read('CHANNEL_QUESTIONS_PER_HOUR'),
    'CHANNEL_QUESTIONS_PER_HOUR',
    { min: 0, max: 1_000_000, fallback: 120 },
    problems,
  );
  const dailyTokenBudget = integer(
    read('DAILY_TOKEN_BUDGET'),
    'DAILY_TOKEN_BUDGET',
    { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 },
    problems,
  );
  const maxQuestionChars = integer(
    read('MAX_QUESTION_CHARS'),
    'MAX_QUESTION_CHARS',
    { min: 500, max: 200_000, fallback: 20_000 },
    problems,
  );
  const redactText = (read('REDACT_SECRETS') ?? 'true').toLowerCase();
  if (!['true', 'false'].includes(redactText))
    problems.push('REDACT_SECRETS must be true or false (default true)');
  const retentionDays = integer(
    read('RETENTION_DAYS'),
    'RETENTION_DAYS',
    { min: 0, max: 36_500, fallback: 0 },
    problems,
  );

  let modelPrices: Record<string, ModelPrice> = {};
  try {
    modelPrices = parsePriceOverrides(read('MODEL_PRICES_JSON') ?? '');
  } catch (error) {
    problems.push(`${(error as Error).message} (see the README's cost section for the format)`);
  }

  if (problems.length > 0 || botToken === undefined || apiKey === undefined) throw new ConfigError(problems);

  const config: Config = {
    slack: { botToken, signingSecret, appToken, mode, apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` },
    anthropic: { apiKey, baseUrl, modelOverride, timeoutMs, maxRetries, maxAnswerTokens },
    port,
    databasePath: read('DATABASE_PATH') ?? './data/bot.db',
    dataDir: read('DATA_DIR') ?? './data',
    publicBaseUrl,
    logLevel,
    agentsDir: read('AGENTS_DIR') ?? './agents',
    agentName: read('AGENT'),
    historyTokenBudget,
    maxConcurrentAnswers,
    recordsLinkSecret,
    featureChannels,
    adrApprovers: Object.freeze(adrApprovers),
    allowedChannels,
    allowedUsers,
    userQuestionsPerHour,
    channelQuestionsPerHour,
    dailyTokenBudget,
    maxQuestionChars,
    redactSecrets: redactText !== 'false',
    retentionDays,
    metricsToken: read('METRICS_TOKEN'),
    modelPrices,
  };
  Object.freeze(config.slack);
  Object.freeze(config.anthropic);
  return Object.freeze(config);
}

// Says which kind of Slack token was pasted into the wrong variable; the prefix alone is not secret.
function tokenKindHint(value: string): string {
  const prefix = /^(xox[a-z]|xapp)-/.exec(value)?.[1];
  return prefix === undefined ? '' : ` (it holds an ${prefix}- token)`;
}

// URLs are not echoed either: one may carry credentials in its user info or query.
function url(value: string | undefined, name: ConfigVariable, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    problems.push(`${name} is not a valid URL: use an absolute http:// or https:// URL`);
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    problems.push(`${name} must be an http:// or https:// URL, not ${parsed.protocol}`);
    return undefined;
  }
  return value;
}

function integer(
  value: string | undefined,
  name: ConfigVariable,
  range: { min: number; max: number; fallback: number },
  problems: string[],
): number {
  if (value === undefined) return range.fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    const bounds =
      range.max === Number.MAX_SAFE_INTEGER ? `at least ${range.min}` : `from ${range.min} to ${range.max}`;
    problems.push(
      `${name} is ${JSON.stringify(value)}: use a whole number ${bounds} (default ${range.fallback})`,
    );
    return range.fallback;
  }
  return number;
}

const FEATURE_STAGES = ['spec', 'plan', 'tasks', 'red', 'green', 'refactor', 'explainer', 'misc'];

/**
 * `C0123ABC=001-auth,C0456DEF=002-payments:plan`: a channel id, its feature folder name, and
 * optionally the Spec-Kit Plus stage its Q&A is filed under (default `misc`).
 */
function parseFeatureChannels(
  value: string | undefined,
  problems: string[],
): ReadonlyMap<string, { feature: string; stage: string }> {
  const map = new Map<string, { feature: string; stage: string }>();
  if (value === undefined) return map;
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([CGD][A-Z0-9]+)=([a-z0-9][a-z0-9-]*)(?::([a-z]+))?$/.exec(entry);
    const stage = match?.[3] ?? 'misc';
    if (!match || !FEATURE_STAGES.includes(stage)) {
      problems.push(
        `FEATURE_CHANNELS entry ${JSON.stringify(entry)} is not CHANNEL_ID=feature-name[:stage] ` +
          `(e.g. C0123ABC=001-auth:plan; stages ${FEATURE_STAGES.join(', ')})`,
      );
      continue;
    }
    map.set(match[1] as string, { feature: match[2] as string, stage });
  }
  return map;
}

function idList(
  value: string | undefined,
  name: ConfigVariable,
  shape: RegExp,
  problems: string[],
): readonly string[] {
  const ids = (value ?? '').split(/[\s,]+/).filter(Boolean);
  for (const id of ids) {
    if (!shape.test(id))
      problems.push(
        `${name} entry ${JSON.stringify(id)} is not a Slack id (e.g. ${name === 'ALLOWED_USERS' ? 'U0123ABCD' : 'C0123ABCD'})`,
      );
  }
  return Object.freeze(ids);
}
