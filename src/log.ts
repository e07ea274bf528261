import { type Logger as PinoLogger, pino } from 'pino';
import { prettyFactory } from 'pino-pretty';

/**
 * Structured logging through pino: one JSON object per line, with fields that name Slack ids, sizes
 * and durations. Message text and secrets never belong in `info` fields; put text at `debug` only.
 * This is a thin adapter that keeps the bot's `log.info(msg, fields)` call shape.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. a correlation id). */
  child(fields: LogFields): Logger;
  readonly level: LogLevel;
}

export const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as string[]).includes(value);
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go (without their newline); stdout by default. Tests pass a collector. */
  write?: (line: string) => void;
  now?: () => Date;
  /** `pretty` for a person at a terminal (`npm start` locally); JSON lines otherwise. */
  format?: 'json' | 'pretty';
}

/**
 * Credentials under these keys are replaced, should one ever reach a log call. Errors are reduced to
 * `describeError`'s fields, so an SDK error's request headers or config never reach a line at all.
 */
const REDACT = ['token', 'authorization', 'cookie', 'password', 'secret', 'apiKey', 'api_key'].flatMap(
  (key) => [key, `*.${key}`, `headers.${key}`, `*.headers.${key}`],
);

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const now = options.now ?? (() => new Date());
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const pretty = options.format === 'pretty';
  const prettify = pretty
    ? prettyFactory({
        translateTime: 'UTC:HH:MM:ss',
        singleLine: true,
        ...(options.write ? { colorize: false } : {}),
      })
    : undefined;
  const root = pino(
    {
      level: options.level,
      base: undefined,
      // JSON lines carry `"level":"info"` and an ISO time; pino-pretty reads its own numeric levels.
      timestamp: pretty ? () => `,"time":${now().getTime()}` : () => `,"time":"${now().toISOString()}"`,
      formatters: {
        ...(pretty ? {} : { level: (label: string) => ({ level: label }) }),
        log: (fields: LogFields) => serialiseFields(fields),
      },
      redact: { paths: REDACT, censor: '[REDACTED]' },
    },
    { write: (line: string) => write((prettify ? prettify(line) : line).replace(/\n$/, '')) },
  );
  return adapt(root.child(bound), options.level);
}

function adapt(log: PinoLogger, level: LogLevel): Logger {
  return {
    level,
    debug: (msg, fields) => log.debug(fields ?? {}, msg),
    info: (msg, fields) => log.info(fields ?? {}, msg),
    warn: (msg, fields) => log.warn(fields ?? {}, msg),
    error: (msg, fields) => log.error(fields ?? {}, msg),
    child: (fields) => adapt(log.child(fields), level),
  };
}

/** Errors, under any key, become `describeError`'s fields. */
function serialiseFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? describeError(value) : value;
  }
  return out;
}

/** Errors become `{name, message, code}` plus their cause chain; stacks only at the source. */
export function describeError(error: unknown, depth = 0): LogFields {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: LogFields = { name: error.name, message: error.message };
  const extra = error as Error & { code?: unknown; status?: unknown; data?: { error?: unknown } };
  if (extra.code !== undefined) fields.code = extra.code;
  if (typeof extra.status === 'number') fields.status = extra.status;
  if (extra.data && typeof extra.data.error === 'string') fields.slackError = extra.data.error;
  if (error.cause !== undefined && depth < 3) fields.cause = describeError(error.cause, depth + 1);
  return fields;
}

/** A logger that drops everything: for tools and tests that do not care. */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => {} });
