import { resolveModel, UnknownModelError } from '../agents/models.js';
import { type ModelPrice, parsePriceOverrides } from '../claude/prices.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '../log.js';
import {
  DEFAULT_FEATURE_STAGE,
  FEATURE_STAGES,
  type IdListRule,
  type IntegerRange,
  LINK_SECRET_MIN_LENGTH,
} from './settings.js';

/*
 * Parsing and validation of one setting each. A bad value adds a sentence saying how to fix it to
 * `problems` and yields the default, so loadConfig can report every problem at once. `name` is only
 * used in messages. Tokens, secrets, keys and URLs are never echoed.
 */

// Says which kind of Slack token was pasted into the wrong variable; the prefix alone is not secret.
export function tokenKindHint(value: string): string {
  const prefix = /^(xox[a-z]|xapp)-/.exec(value)?.[1];
  return prefix === undefined ? '' : ` (it holds an ${prefix}- token)`;
}

// URLs are not echoed either: one may carry credentials in its user info or query.
export function url(value: string | undefined, name: string, problems: string[]): string | undefined {
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

/**
 * A PostgreSQL connection URL, checked for its scheme only: the driver parses the rest (including
 * forms a WHATWG URL refuses, such as a socket folder in `?host=`). Never echoed: it usually carries a
 * password.
 */
export function postgresUrl(value: string | undefined, name: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (!/^postgres(ql)?:\/\//i.test(value)) {
    problems.push(
      `${name} must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/database ` +
        '(unset it to use the SQLite file at DATABASE_PATH)',
    );
    return undefined;
  }
  return value;
}

export function integer(
  value: string | undefined,
  name: string,
  range: IntegerRange,
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

/** A secret signing record links: long enough to resist guessing. Never echoed. */
export function linkSecret(value: string | undefined, name: string, problems: string[]): string | undefined {
  if (value !== undefined && value.length < LINK_SECRET_MIN_LENGTH) {
    problems.push(
      `${name} is too short: use at least ${LINK_SECRET_MIN_LENGTH} random characters ` +
        '(e.g. `openssl rand -hex 32`), or leave it unset to have one generated and kept in the database',
    );
  }
  return value;
}

/** `true` or `false`, in any case. */
export function boolean(
  value: string | undefined,
  name: string,
  fallback: boolean,
  problems: string[],
): boolean {
  const text = (value ?? String(fallback)).toLowerCase();
  if (!['true', 'false'].includes(text)) problems.push(`${name} must be true or false (default ${fallback})`);
  return text !== 'false';
}

export function logLevel(value: string, name: string, problems: string[]): LogLevel {
  if (isLogLevel(value)) return value;
  problems.push(`${name} is ${JSON.stringify(value)}: use one of ${LOG_LEVELS.join(', ')}`);
  return 'info';
}

/** A model alias or id as written, once it is known to resolve. */
export function modelName(value: string | undefined, name: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  try {
    resolveModel(value);
  } catch (error) {
    if (!(error instanceof UnknownModelError)) throw error;
    problems.push(`${name} has ${error.message}; leave it unset to use the agent file's model`);
  }
  return value;
}

export function prices(value: string | undefined, problems: string[]): Record<string, ModelPrice> {
  try {
    return parsePriceOverrides(value ?? '');
  } catch (error) {
    problems.push(`${(error as Error).message} (see the README's cost section for the format)`);
    return {};
  }
}

/**
 * `C0123ABC=001-auth,C0456DEF=002-payments:plan`: a channel id, its feature folder name, and
 * optionally the Spec-Kit Plus stage its Q&A is filed under (default `misc`).
 */
export function featureChannels(
  value: string | undefined,
  name: string,
  problems: string[],
): ReadonlyMap<string, { feature: string; stage: string }> {
  const map = new Map<string, { feature: string; stage: string }>();
  if (value === undefined) return map;
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([CGD][A-Z0-9]+)=([a-z0-9][a-z0-9-]*)(?::([a-z]+))?$/.exec(entry);
    const stage = match?.[3] ?? DEFAULT_FEATURE_STAGE;
    if (!match || !FEATURE_STAGES.includes(stage)) {
      problems.push(
        `${name} entry ${JSON.stringify(entry)} is not CHANNEL_ID=feature-name[:stage] ` +
          `(e.g. C0123ABC=001-auth:plan; stages ${FEATURE_STAGES.join(', ')})`,
      );
      continue;
    }
    map.set(match[1] as string, { feature: match[2] as string, stage });
  }
  return map;
}

/** Slack ids separated by commas or spaces; frozen. */
export function idList(
  value: string | undefined,
  name: string,
  rule: IdListRule,
  problems: string[],
): readonly string[] {
  const ids = (value ?? '').split(/[\s,]+/).filter(Boolean);
  for (const id of ids) {
    if (!rule.shape.test(id)) problems.push(`${name} entry ${JSON.stringify(id)} ${rule.notAnId}`);
  }
  return Object.freeze(ids);
}
