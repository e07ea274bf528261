/**
 * Titles, slugs and topic labels for records, made locally: a PHR is written for every answer, and a model call
 * per record would cost more than the record is worth.
 */

const MIN_TITLE_WORDS = 3;
const MAX_TITLE_WORDS = 7;
const MAX_SLUG_LENGTH = 60;

/** Appended in this order when a question has too few words of its own (e.g. "hi"). */
const TITLE_FALLBACK_WORDS = ['FastAPI', 'Question', 'Help', 'Backend', 'Topic'];

/**
 * Spellings kept as written instead of Title Casing them, keyed by their lowercase form. Titles end up in file
 * names and Slack lines, where "Sqlalchemy" or "Jwt" would read as typos.
 */
const KNOWN_SPELLINGS: ReadonlyMap<string, string> = new Map(
  [
    'API',
    'APIs',
    'APIRouter',
    'FastAPI',
    'SQLAlchemy',
    'SQLModel',
    'JWT',
    'JWTs',
    'OAuth',
    'OAuth2',
    'Pydantic',
    'Depends',
    'HTTP',
    'HTTPS',
    'HTTPX',
    'HTTPException',
    'REST',
    'JSON',
    'CORS',
    'CSRF',
    'CRUD',
    'ORM',
    'SQL',
    'DB',
    'ID',
    'IDs',
    'UUID',
    'URL',
    'URLs',
    'CI',
    'TLS',
    'SSL',
    'SSO',
    'OIDC',
    'RBAC',
    'S3',
    'AWS',
    'GCP',
    'K8s',
    'CPU',
    'IO',
    'GraphQL',
    'gRPC',
    'OpenAPI',
    'WebSocket',
    'WebSockets',
    'PostgreSQL',
    'Postgres',
    'MySQL',
    'SQLite',
    'MongoDB',
    'Redis',
    'Celery',
    'Docker',
    'Kubernetes',
    'Uvicorn',
    'Gunicorn',
    'Starlette',
    'Alembic',
    'Pytest',
    'TestClient',
    'BaseModel',
    'BackgroundTasks',
    'OpenTelemetry',
    'Prometheus',
    'Sentry',
    'asyncio',
    'asyncpg',
    'N+1',
  ].map((word) => [word.toLowerCase(), word]),
);

/** Words that open a question without saying what it is about; dropped only at the start of the text. */
const LEADING_FILLER: readonly string[][] = [
  'what is the best way to',
  "what's the best way to",
  'whats the best way to',
  'what is the right way to',
  "what's the right way to",
  'is there a way to',
  'is it possible to',
  'good morning',
  'good afternoon',
  'good evening',
  'quick question',
  'hey team',
  'hi team',
  'hello team',
  'hey all',
  'hi all',
  'hey everyone',
  'hi everyone',
  'hello everyone',
  'hey folks',
  'hi folks',
  'hi there',
  'hey there',
  'hello there',
  'how do i',
  'how do we',
  'how can i',
  'how can we',
  'how should i',
  'how should we',
  'how would i',
  'how to',
  'tell me',
  'show me',
  'help me',
  'can you',
  'could you',
  'would you',
  'can someone',
  'could someone',
  'please',
  'pls',
  'hi',
  'hey',
  'hello',
  'yo',
  'hiya',
  'morning',
  'thanks',
  'team',
].map((phrase) => phrase.split(' '));

/**
 * Words that carry no topic: function words, question words, generic verbs. "add" and "use" are here because
 * "How do I add X" and "Should I use X" are about X.
 */
const STOP_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'and',
  'or',
  'but',
  'nor',
  'so',
  'to',
  'of',
  'in',
  'on',
  'at',
  'by',
  'for',
  'from',
  'with',
  'without',
  'into',
  'onto',
  'about',
  'as',
  'via',
  'vs',
  'versus',
  'between',
  'than',
  'then',
  'if',
  'is',
  'are',
  'was',
  'were',
  'be',
  'been',
  'being',
  'am',
  'do',
  'does',
  'did',
  'done',
  'have',
  'has',
  'had',
  'can',
  'could',
  'should',
  'would',
  'will',
  'shall',
  'may',
  'might',
  'must',
  'i',
  "i'm",
  'im',
  "i've",
  "i'd",
  'me',
  'my',
  'mine',
  'we',
  "we're",
  'us',
  'our',
  'ours',
  'you',
  'your',
  'yours',
  'he',
  'she',
  'they',
  'them',
  'their',
  'it',
  "it's",
  'its',
  'this',
  'that',
  'these',
  'those',
  'there',
  'here',
  'what',
  "what's",
  'whats',
  'which',
  'who',
  'whom',
  'whose',
  'why',
  'when',
  'where',
  'how',
  'any',
  'some',
  'all',
  'each',
  'every',
  'just',
  'also',
  'really',
  'very',
  'actually',
  'basically',
  'currently',
  'please',
  'pls',
  'thanks',
  'thank',
  'hi',
  'hey',
  'hello',
  'ok',
  'okay',
  'not',
  'no',
  "don't",
  'dont',
  "doesn't",
  "can't",
  "isn't",
  'yes',
  'way',
  'best',
  'good',
  'right',
  'new',
  'add',
  'adding',
  'use',
  'using',
  'make',
  'making',
  'get',
  'getting',
  'want',
  'need',
  'needs',
  'try',
  'trying',
  'know',
  'help',
  'tell',
  'show',
  'someone',
  'anyone',
  'something',
  'anything',
  'thing',
  'things',
  'one',
  'question',
]);

/** Slack's angle-bracket syntax: mentions and channel references go, a link keeps only its label. */
function stripSlackReferences(text: string): string {
  return text
    .replace(/<[@!#][^>]*>/g, ' ')
    .replace(/<[^>|]+\|([^>]*)>/g, ' $1 ')
    .replace(/<[^>]*>/g, ' ');
}

/** Removes Slack mrkdwn that is not prose: mentions, channel and link syntax, code blocks, emoji codes. */
function stripSlackMarkup(text: string): string {
  return (
    // Code blocks are examples, not the subject; keeping them would fill the title with identifiers.
    stripSlackReferences(text.replace(/```[\s\S]*?(?:```|$)/g, ' '))
      // Short code spans are usually the subject ("my `/items` endpoint"); long ones are pasted code.
      .replace(/`([^`]*)`/g, (_match, inner: string) => (inner.length <= 40 ? ` ${inner} ` : ' '))
      .replace(/:[a-z0-9_+-]+:/g, ' ')
      .replace(/&(?:amp|lt|gt);/g, ' ')
  );
}

/** Word tokens in order; a hyphen, apostrophe, dot or underscore inside a word keeps it whole. */
function words(text: string): string[] {
  const found = text.match(/[\p{L}\p{N}]+(?:[-'’._+][\p{L}\p{N}]+)*\+*/gu) ?? [];
  return found.map((word) => word.replace(/’/g, "'").replace(/'s$/i, ''));
}

/** How many tokens at the start are greetings and filler ("hey team, how do I ..."). */
function leadingFillerLength(tokens: string[]): number {
  let start = 0;
  for (;;) {
    const phrase = LEADING_FILLER.find((candidate) =>
      candidate.every((part, offset) => tokens[start + offset]?.toLowerCase() === part),
    );
    if (!phrase) return start;
    start += phrase.length;
  }
}

function titleCaseWord(word: string): string {
  const known = KNOWN_SPELLINGS.get(word.toLowerCase());
  if (known) return known;
  // Mixed case, underscores and dots mark identifiers (response_model, HTTPException, app.state); keep them.
  if (/[_.]/.test(word) || /\p{Lu}/u.test(word.slice(1)) || /^v\d+$/.test(word)) return word;
  return word
    .split('-')
    .map((part) => (part === '' ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('-');
}

/**
 * A 3-7 word title for a question, made locally (no model call): Slack markup, greetings and filler are
 * dropped, the meaningful words kept in order and Title Cased (known acronyms and identifiers as written). Too
 * short questions are padded from their other words, then with "FastAPI" / "Question".
 */
export function phrTitle(question: string): string {
  const all = words(stripSlackMarkup(question));
  const fillerEnd = leadingFillerLength(all);

  const seen = new Set<string>();
  const candidates = all.map((word, index) => {
    const key = word.toLowerCase();
    const duplicate = seen.has(key);
    seen.add(key);
    const meaningful = index >= fillerEnd && !STOP_WORDS.has(key);
    return { word, duplicate, meaningful };
  });

  const chosen = candidates.filter((candidate) => candidate.meaningful && !candidate.duplicate);
  if (chosen.length < MIN_TITLE_WORDS) {
    // Other words join in their original position so the padded title still reads in question order.
    const extra = new Set(
      candidates
        .filter((candidate) => !candidate.meaningful && !candidate.duplicate)
        .slice(0, MIN_TITLE_WORDS - chosen.length),
    );
    chosen.splice(
      0,
      chosen.length,
      ...candidates.filter((c) => !c.duplicate && (c.meaningful || extra.has(c))),
    );
  }

  const title = chosen.slice(0, MAX_TITLE_WORDS).map((candidate) => titleCaseWord(candidate.word));
  for (const fallback of TITLE_FALLBACK_WORDS) {
    if (title.length >= MIN_TITLE_WORDS) break;
    if (!title.some((word) => word.toLowerCase() === fallback.toLowerCase())) title.push(fallback);
  }
  return title.join(' ');
}

/**
 * records-format slug: lowercase, every run of chars outside a-z0-9 becomes one '-', trimmed of '-'; never
 * empty ('untitled'); at most 60 chars, cut at a '-' boundary. Accents are folded first ("café" -> "cafe")
 * so Latin-script titles keep their words instead of losing letters to dashes.
 */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') return 'untitled';
  if (slug.length <= MAX_SLUG_LENGTH) return slug;
  const head = slug.slice(0, MAX_SLUG_LENGTH + 1);
  const cut = head.lastIndexOf('-');
  // A single word longer than the limit has no boundary to cut at.
  return (cut > 0 ? head.slice(0, cut) : slug.slice(0, MAX_SLUG_LENGTH)).replace(/-+$/, '');
}

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
