/**
 * Structured logging: one JSON object per line, with fields that name Slack ids, sizes and
 * durations. Message text and secrets never belong in `info` fields; put text at `debug` only.
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

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(RANK, value);
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; stdout by default. Tests pass a collector. */
  write?: (line: string) => void;
  now?: () => Date;
  /** `pretty` for a person at a terminal (`npm start` locally); JSON lines otherwise. */
  format?: 'json' | 'pretty';
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const threshold = RANK[options.level];

  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    const record: LogFields = { time: now().toISOString(), level, msg, ...bound };
    if (fields) {
      for (const [key, value] of Object.entries(fields)) record[key] = serialiseField(value);
    }
    write(options.format === 'pretty' ? pretty(record) : JSON.stringify(record));
  };

  return {
    level: options.level,
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** Errors become `{name, message, code}` plus their cause chain; stacks only at the source. */
function serialiseField(value: unknown): unknown {
  if (value instanceof Error) return describeError(value);
  return value;
}

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

const LEVEL_LABEL: Record<LogLevel, string> = {
  debug: 'DEBUG',
  info: 'INFO ',
  warn: 'WARN ',
  error: 'ERROR',
};

/** `10:40:12 INFO  question accepted  channel=C0001 question_id=1`: the same fields, readable. */
function pretty(record: LogFields): string {
  const { time, level, msg, ...fields } = record;
  const clock = String(time).slice(11, 19);
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${clock} ${LEVEL_LABEL[level as LogLevel] ?? String(level)} ${String(msg)}${rest ? `  ${rest}` : ''}`;
}
