// Topic labels for records, from a fixed vocabulary of FastAPI backend topics matched by keywords.

import { stripSlackReferences } from './title.js';

/** The topic vocabulary, in output order. Patterns run case-insensitively on the text with Slack markup kept. */
const TOPICS: ReadonlyArray<readonly [label: string, pattern: RegExp]> = [
  [
    'api-design',
    /\b(?:rest(?:ful)?|endpoints?|routes?|routers?|api design|versioning|status codes?|openapi|idempoten\w*|http methods?|response_model)\b/i,
  ],
  [
    'pagination',
    /\b(?:paginat\w*|page[ _-]?(?:size|number)|per[ _-]page|offset|keyset|cursor[ -]based|next[ _-]page|infinite scroll)\b/i,
  ],
  [
    'database',
    /\b(?:databases?|db|quer(?:y|ies)|postgres(?:ql)?|mysql|sqlite|mongo(?:db)?|orm|transactions?|indexe?s|connection pool\w*|asyncpg|psycopg\d?)\b/i,
  ],
  [
    'sqlalchemy',
    /\b(?:sqlalchemy|sqlmodel|async_?session\w*|sessionmaker|declarative_base|mapped_column)\b/i,
  ],
  ['migrations', /\b(?:migrations?|migrate|alembic|schema changes?)\b/i],
  [
    'auth',
    /\b(?:auth\w*|log ?in|sign ?in|oauth2?|passwords?|rbac|permissions?|roles?|sso|oidc|api[ _-]?keys?|access tokens?|refresh tokens?|session cookies?)\b/i,
  ],
  ['jwt', /\b(?:jwts?|json web tokens?|bearer|python-jose|pyjwt)\b/i],
  [
    'security',
    /\b(?:security|secure|csrf|cors|xss|injection|rate[ -]?limit\w*|secrets?|vulnerab\w*|hash\w*|bcrypt|argon2|https|tls)\b/i,
  ],
  [
    'pydantic',
    /\b(?:pydantic|basemodel|field_validator|model_validator|model_dump|validator|pydantic-settings)\b/i,
  ],
  ['validation', /\b(?:validat\w*|422|constraints?|unprocessable)\b/i],
  ['dependencies', /\b(?:depends|dependency injection|dependenc(?:y|ies)|di container)\b/i],
  ['middleware', /\b(?:middlewares?|basehttpmiddleware)\b/i],
  [
    'async',
    /\b(?:async\w*|await|asyncio|event loop|concurren\w*|blocking|threadpool|run_in_threadpool|gil)\b/i,
  ],
  [
    'performance',
    /\b(?:performance|perf|latency|slow\w*|faster|optimi[sz]\w*|throughput|n\+1|bottlenecks?|profil\w*|benchmark\w*|scal(?:e|ing|able|ability)|p9\d)\b/i,
  ],
  ['caching', /\b(?:cach\w*|redis|memcached?|etags?|lru_cache)\b/i],
  [
    'background-tasks',
    /\b(?:background ?tasks?|backgroundtasks|celery|arq|dramatiq|task queues?|job queues?|workers? queues?|cron\w*|scheduled jobs?)\b/i,
  ],
  ['websockets', /\b(?:websockets?|web sockets?|server-sent events|sse|real-?time)\b/i],
  [
    'testing',
    /\b(?:tests?|testing|pytest|testclient|mock\w*|fixtures?|coverage|unit tests?|integration tests?)\b/i,
  ],
  [
    'errors',
    /\b(?:errors?|exceptions?|httpexception|exception_handler|tracebacks?|stack traces?|500s?|crash\w*|debug\w*|bugs?)\b/i,
  ],
  [
    'observability',
    /\b(?:observab\w*|logging|logs?|loggers?|monitor\w*|metrics|tracing|traces|opentelemetry|otel|prometheus|grafana|sentry|structlog)\b/i,
  ],
  [
    'deployment',
    /\b(?:deploy\w*|production|prod|uvicorn|gunicorn|kubernetes|k8s|helm|ci\/cd|heroku|aws|lambda|nginx|hosting)\b/i,
  ],
  ['docker', /\b(?:docker\w*|containers?|container image|docker-compose)\b/i],
  ['configuration', /\b(?:config\w*|settings|env(?:ironment)? var\w*|dotenv|basesettings)\b/i],
  ['file-uploads', /\b(?:uploads?|uploadfile|multipart|file storage)\b/i],
];

const MAX_LABELS = 5;

/**
 * Topic labels from the text, from a fixed vocabulary of FastAPI backend topics matched by keywords. When more
 * than 5 match, the ones with the most keyword hits win; the result is always in vocabulary order.
 */
export function topicLabels(text: string): string[] {
  // Code stays in (a pasted `Depends(...)` is evidence); link targets go, or every https URL would be "security".
  const prose = stripSlackReferences(text).replace(/\bhttps?:\/\/\S+/g, ' ');
  const scored = TOPICS.map(([label, pattern], order) => {
    const global = new RegExp(pattern.source, 'gi');
    return { label, order, hits: prose.match(global)?.length ?? 0 };
  }).filter((topic) => topic.hits > 0);
  return scored
    .sort((a, b) => b.hits - a.hits || a.order - b.order)
    .slice(0, MAX_LABELS)
    .sort((a, b) => a.order - b.order)
    .map((topic) => topic.label);
}
