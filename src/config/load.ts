import type { ModelPrice } from '../claude/prices.js';
import { type DocsConfig, DocsConfigError, loadDocsConfig } from '../docs/settings.js';
import type { LogLevel } from '../log.js';
import {
  boolean,
  featureChannels,
  idList,
  integer,
  linkSecret,
  logLevel,
  modelName,
  postgresUrl,
  prices,
  tokenKindHint,
  url,
} from './parse.js';
import {
  type ConfigVariable,
  ID_LISTS,
  INTEGER_SETTINGS,
  type IntegerSetting,
  REDACT_SECRETS_DEFAULT,
  SOURCES,
  TEXT_DEFAULTS,
} from './settings.js';

export { CONFIG_VARIABLES, type ConfigVariable } from './settings.js';

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
  /**
   * DATABASE_URL (postgres:// or postgresql://): several replicas share this PostgreSQL instead of the
   * SQLite file at databasePath. Never logged: it may carry a password.
   */
  databaseUrl: string | undefined;
  /** How long a replica's claim on a question lasts without renewal before another replica may take it. */
  claimLeaseSeconds: number;
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
  /** Where the FastAPI docs come from and where their search index is kept. */
  docs: DocsConfig;
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
  const int = (name: IntegerSetting) => integer(read(name), name, INTEGER_SETTINGS[name], problems);
  const ids = (name: keyof typeof ID_LISTS) => idList(read(name), name, ID_LISTS[name], problems);

  // Read in this order so problems are listed in it: Slack, Anthropic, the server, answering, records, access.
  const slack = readSlack(read, requireSlack, problems);
  const apiKey = read('ANTHROPIC_API_KEY') ?? (requireAnthropic ? undefined : '');
  if (apiKey === undefined) problems.push(`ANTHROPIC_API_KEY is missing: ${SOURCES.ANTHROPIC_API_KEY}`);
  const baseUrl = url(read('ANTHROPIC_BASE_URL'), 'ANTHROPIC_BASE_URL', problems);
  const modelOverride = modelName(read('CLAUDE_MODEL'), 'CLAUDE_MODEL', problems);
  const port = int('PORT');
  const databaseUrl = postgresUrl(read('DATABASE_URL'), 'DATABASE_URL', problems);
  const publicBaseUrl =
    url(read('PUBLIC_BASE_URL'), 'PUBLIC_BASE_URL', problems)?.replace(/\/+$/, '') ??
    `http://localhost:${port}`;
  const level = logLevel(read('LOG_LEVEL') ?? TEXT_DEFAULTS.LOG_LEVEL, 'LOG_LEVEL', problems);
  const historyTokenBudget = int('HISTORY_TOKEN_BUDGET');
  const maxAnswerTokens = int('MAX_ANSWER_TOKENS');
  const maxConcurrentAnswers = int('MAX_CONCURRENT_ANSWERS');
  const timeoutMs = int('CLAUDE_TIMEOUT_MS');
  const maxRetries = int('CLAUDE_MAX_RETRIES');
  const recordsLinkSecret = linkSecret(read('RECORDS_LINK_SECRET'), 'RECORDS_LINK_SECRET', problems);
  const channels = featureChannels(read('FEATURE_CHANNELS'), 'FEATURE_CHANNELS', problems);
  const adrApprovers = ids('ADR_APPROVERS');
  const allowedChannels = ids('ALLOWED_CHANNELS');
  const allowedUsers = ids('ALLOWED_USERS');
  const userQuestionsPerHour = int('USER_QUESTIONS_PER_HOUR');
  const channelQuestionsPerHour = int('CHANNEL_QUESTIONS_PER_HOUR');
  const dailyTokenBudget = int('DAILY_TOKEN_BUDGET');
  const maxQuestionChars = int('MAX_QUESTION_CHARS');
  const redact = boolean(read('REDACT_SECRETS'), 'REDACT_SECRETS', REDACT_SECRETS_DEFAULT, problems);
  const retentionDays = int('RETENTION_DAYS');
  const modelPrices = prices(read('MODEL_PRICES_JSON'), problems);
  const docs = readDocs(env, problems);

  if (problems.length > 0 || slack === undefined || apiKey === undefined) throw new ConfigError(problems);

  const config: Config = {
    slack,
    anthropic: { apiKey, baseUrl, modelOverride, timeoutMs, maxRetries, maxAnswerTokens },
    port,
    databasePath: read('DATABASE_PATH') ?? TEXT_DEFAULTS.DATABASE_PATH,
    databaseUrl,
    claimLeaseSeconds: int('CLAIM_LEASE_SECONDS'),
    dataDir: read('DATA_DIR') ?? TEXT_DEFAULTS.DATA_DIR,
    publicBaseUrl,
    logLevel: level,
    agentsDir: read('AGENTS_DIR') ?? TEXT_DEFAULTS.AGENTS_DIR,
    agentName: read('AGENT'),
    historyTokenBudget,
    maxConcurrentAnswers,
    recordsLinkSecret,
    featureChannels: channels,
    adrApprovers,
    allowedChannels,
    allowedUsers,
    userQuestionsPerHour,
    channelQuestionsPerHour,
    dailyTokenBudget,
    maxQuestionChars,
    redactSecrets: redact,
    retentionDays,
    metricsToken: read('METRICS_TOKEN'),
    modelPrices,
    docs: docs ?? loadDocsConfig({}),
  };
  Object.freeze(config.slack);
  Object.freeze(config.anthropic);
  return Object.freeze(config);
}

/** The docs settings, their problems listed with the rest. */
function readDocs(
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): DocsConfig | undefined {
  try {
    return Object.freeze(loadDocsConfig(env));
  } catch (error) {
    if (!(error instanceof DocsConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/** The Slack tokens and mode (Socket Mode when an app token is set); undefined when the bot token is missing. */
function readSlack(
  read: (name: ConfigVariable) => string | undefined,
  requireSlack: boolean,
  problems: string[],
): Config['slack'] | undefined {
  const botToken = read('SLACK_BOT_TOKEN') ?? (requireSlack ? undefined : '');
  if (botToken === undefined) {
    problems.push(`SLACK_BOT_TOKEN is missing: ${SOURCES.SLACK_BOT_TOKEN}`);
  } else if (requireSlack && !botToken.startsWith('xoxb-')) {
    problems.push(
      `SLACK_BOT_TOKEN does not start with "xoxb-"${tokenKindHint(botToken)}: use ${SOURCES.SLACK_BOT_TOKEN}`,
    );
  }

  const appToken = read('SLACK_APP_TOKEN');
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    problems.push(
      `SLACK_APP_TOKEN does not start with "xapp-"${tokenKindHint(appToken)}: use ${SOURCES.SLACK_APP_TOKEN}; ` +
        'leave it unset to receive events over HTTP instead of Socket Mode',
    );
  }
  const mode = appToken === undefined ? 'http' : 'socket';

  const signingSecret = read('SLACK_SIGNING_SECRET');
  if (signingSecret === undefined && mode === 'http' && requireSlack) {
    problems.push(`SLACK_SIGNING_SECRET is missing: ${SOURCES.SLACK_SIGNING_SECRET}`);
  }

  const apiUrl = url(read('SLACK_API_URL'), 'SLACK_API_URL', problems) ?? TEXT_DEFAULTS.SLACK_API_URL;
  if (botToken === undefined) return undefined;
  return { botToken, signingSecret, appToken, mode, apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` };
}
