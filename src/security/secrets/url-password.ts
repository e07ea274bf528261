// Passwords in the user info of URLs, such as database connection strings.

import { isPlaceholder } from './placeholders.js';
import { collect, REDACTED, type Rule } from './rule.js';

const URL_SCHEME_RE = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,31}):\/\//g;
/** Characters that end an authority, including Slack's `<url|label>` wrapping and JSON escapes. */
const AUTHORITY_STOPS = new Set([...' \t\r\n/?#"\'`<>|\\']);
const MAX_AUTHORITY = 2048;
/** Connection strings for databases, caches and brokers; the `+driver` suffix (SQLAlchemy) is ignored. */
const DATABASE_SCHEMES: ReadonlySet<string> = new Set([
  'postgres',
  'postgresql',
  'pgsql',
  'psql',
  'mysql',
  'mariadb',
  'mssql',
  'sqlserver',
  'oracle',
  'cockroachdb',
  'clickhouse',
  'mongodb',
  'couchdb',
  'cassandra',
  'neo4j',
  'bolt',
  'redis',
  'rediss',
  'valkey',
  'memcached',
  'amqp',
  'amqps',
  'nats',
  'kafka',
  'elasticsearch',
]);

/** `postgresql://app:s3cret@db/prod` -> `postgresql://app:[REDACTED]@db/prod`; user, host and path stay. */
export const urlPasswordRule: Rule = (text) =>
  collect(text, URL_SCHEME_RE, (m) => {
    const start = m.index + m[0].length;
    const limit = Math.min(text.length, start + MAX_AUTHORITY);
    let end = start;
    while (end < limit && !AUTHORITY_STOPS.has(text.charAt(end))) end++;
    const authority = text.slice(start, end);
    // The last `@` ends the user info, so an unencoded `@` in a password (`p@ss@host`) is still covered.
    const at = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    if (at === -1 || colon === -1 || colon > at) return undefined;
    if (isPlaceholder(authority.slice(colon + 1, at))) return undefined;
    const scheme = (m[1] ?? '').toLowerCase().split('+')[0] ?? '';
    const kind = DATABASE_SCHEMES.has(scheme) ? 'database-url-password' : 'url-password';
    return { start: start + colon + 1, end: start + at, replacement: REDACTED, kinds: [kind] };
  });
