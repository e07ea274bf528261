import { PHR_STAGES } from '../phr/phr.js';

/**
 * The settings table: every environment variable the bot reads, with the bounds and defaults of those
 * that have them. Data only; src/config/load.ts reads the environment with it.
 */

const SLACK_APPS = 'https://api.slack.com/apps';

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
  'DATABASE_URL',
  'CLAIM_LEASE_SECONDS',
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
  'FASTAPI_DOCS_SOURCE',
  'FASTAPI_DOCS_VERSION',
  'DOCS_INDEX_PATH',
  'DOCS_REFRESH_HOURS',
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

/** Where each secret comes from; used in "is missing" messages. */
export const SOURCES = {
  SLACK_BOT_TOKEN: `the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page at ${SLACK_APPS}`,
  SLACK_SIGNING_SECRET:
    `the Signing Secret from your app's Basic Information page (App Credentials) at ${SLACK_APPS}; ` +
    'it is needed in HTTP mode, or set SLACK_APP_TOKEN to use Socket Mode instead',
  SLACK_APP_TOKEN:
    "an App-Level Token (xapp-…) with the connections:write scope, from your app's Basic Information page " +
    `(App-Level Tokens) at ${SLACK_APPS}`,
  ANTHROPIC_API_KEY: 'an API key from https://console.anthropic.com/settings/keys',
} as const satisfies Partial<Record<ConfigVariable, string>>;

export interface IntegerRange {
  min: number;
  max: number;
  fallback: number;
}

/** Whole-number settings: accepted range and default. */
export const INTEGER_SETTINGS = {
  PORT: { min: 0, max: 65_535, fallback: 3000 },
  HISTORY_TOKEN_BUDGET: { min: 1000, max: Number.MAX_SAFE_INTEGER, fallback: 30_000 },
  MAX_ANSWER_TOKENS: { min: 256, max: 64_000, fallback: 4096 },
  MAX_CONCURRENT_ANSWERS: { min: 1, max: 64, fallback: 4 },
  CLAUDE_TIMEOUT_MS: { min: 1000, max: Number.MAX_SAFE_INTEGER, fallback: 120_000 },
  CLAUDE_MAX_RETRIES: { min: 0, max: 10, fallback: 2 },
  USER_QUESTIONS_PER_HOUR: { min: 0, max: 100_000, fallback: 30 },
  CHANNEL_QUESTIONS_PER_HOUR: { min: 0, max: 1_000_000, fallback: 120 },
  DAILY_TOKEN_BUDGET: { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 },
  MAX_QUESTION_CHARS: { min: 500, max: 200_000, fallback: 20_000 },
  RETENTION_DAYS: { min: 0, max: 36_500, fallback: 0 },
  CLAIM_LEASE_SECONDS: { min: 5, max: 3600, fallback: 30 },
} as const satisfies Partial<Record<ConfigVariable, IntegerRange>>;

export type IntegerSetting = keyof typeof INTEGER_SETTINGS;

/** Defaults of text settings that have one (PUBLIC_BASE_URL's is derived from PORT). */
export const TEXT_DEFAULTS = {
  SLACK_API_URL: 'https://slack.com/api/',
  DATABASE_PATH: './data/bot.db',
  DATA_DIR: './data',
  LOG_LEVEL: 'info',
  AGENTS_DIR: './agents',
} as const satisfies Partial<Record<ConfigVariable, string>>;

/** REDACT_SECRETS: true or false. */
export const REDACT_SECRETS_DEFAULT = true;

/** RECORDS_LINK_SECRET, when set, is at least this long. */
export const LINK_SECRET_MIN_LENGTH = 32;

export interface IdListRule {
  shape: RegExp;
  /** Ends the message `<NAME> entry "<id>" …`. */
  notAnId: string;
}

/** Lists of Slack ids, separated by commas or spaces. */
export const ID_LISTS = {
  ADR_APPROVERS: {
    shape: /^[UWS][A-Z0-9]{2,}$/,
    notAnId:
      'is not a Slack user id (U…/W…) or user-group id (S…): ' +
      "find a user's id in their profile (⋮ → Copy member ID)",
  },
  ALLOWED_CHANNELS: { shape: /^[CGD][A-Z0-9]{2,}$/, notAnId: 'is not a Slack id (e.g. C0123ABCD)' },
  ALLOWED_USERS: { shape: /^[UW][A-Z0-9]{2,}$/, notAnId: 'is not a Slack id (e.g. U0123ABCD)' },
} as const satisfies Partial<Record<ConfigVariable, IdListRule>>;

/**
 * Spec-Kit Plus stages a FEATURE_CHANNELS entry may name (`misc` when it names none): the PHR stages
 * that belong to a feature, so not `constitution` or `general`.
 */
export const FEATURE_STAGES: readonly string[] = PHR_STAGES.filter(
  (stage) => stage !== 'constitution' && stage !== 'general',
);
export const DEFAULT_FEATURE_STAGE = 'misc';
