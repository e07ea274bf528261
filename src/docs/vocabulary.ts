/**
 * How people ask in Slack versus how the FastAPI docs say it. Keys are lower-case words or phrases
 * of a question; values are what the docs call it (words, phrases, identifiers), searched alongside.
 */
export const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  startup: ['lifespan', 'on_event', 'lifespan events'],
  boot: ['lifespan', 'startup'],
  boots: ['lifespan', 'startup'],
  shutdown: ['lifespan', 'on_event'],
  teardown: ['lifespan', 'shutdown'],
  di: ['dependencies', 'Depends', 'dependency injection'],
  'dependency injection': ['dependencies', 'Depends'],
  inject: ['dependencies', 'Depends'],
  auth: ['security', 'OAuth2', 'authentication'],
  authentication: ['security', 'OAuth2'],
  authorization: ['security', 'OAuth2', 'scopes'],
  authn: ['security', 'authentication'],
  authz: ['security', 'scopes'],
  login: ['OAuth2PasswordRequestForm', 'password', 'security'],
  bearer: ['OAuth2PasswordBearer', 'token'],
  jwt: ['token', 'OAuth2 JWT', 'PyJWT'],
  'cross origin': ['CORS', 'CORSMiddleware'],
  cors: ['CORSMiddleware', 'origins'],
  env: ['settings', 'environment variables', 'BaseSettings'],
  'env vars': ['settings', 'environment variables'],
  dotenv: ['settings', '.env'],
  config: ['settings', 'BaseSettings'],
  db: ['database', 'sql databases', 'Session'],
  sqlalchemy: ['SQLModel', 'sql databases'],
  orm: ['SQLModel', 'sql databases'],
  postgres: ['database', 'SQLModel'],
  email: ['BackgroundTasks', 'background tasks'],
  celery: ['BackgroundTasks', 'background tasks'],
  'after returning': ['BackgroundTasks', 'background tasks'],
  'after the response': ['BackgroundTasks', 'background tasks'],
  upload: ['UploadFile', 'File', 'request files'],
  routers: ['APIRouter', 'bigger applications', 'include_router'],
  router: ['APIRouter', 'include_router'],
  'multiple files': ['bigger applications', 'APIRouter'],
  '201': ['status_code', 'response status code'],
  '204': ['status_code', 'response status code'],
  'status code': ['status_code'],
  swap: ['dependency_overrides', 'overriding'],
  mock: ['dependency_overrides', 'overriding'],
  override: ['dependency_overrides', 'overriding'],
  pytest: ['testing', 'TestClient'],
  'unit test': ['testing', 'TestClient'],
  ws: ['WebSocket', 'websockets'],
  websocket: ['WebSockets'],
  sse: ['server sent events', 'EventSourceResponse'],
  'server sent events': ['EventSourceResponse', 'ServerSentEvent'],
  static: ['StaticFiles'],
  gunicorn: ['workers', 'server workers', 'uvicorn'],
  workers: ['server workers', 'uvicorn'],
  processes: ['workers', 'replication'],
  dockerfile: ['Docker', 'container image'],
  docker: ['container image', 'Dockerfile'],
  kubernetes: ['containers', 'replication'],
  k8s: ['containers', 'replication'],
  hide: ['response_model', 'exclude'],
  exclude: ['response_model', 'response_model_exclude'],
  cookie: ['cookies', 'set_cookie'],
  html: ['HTMLResponse', 'templates'],
  jinja: ['Jinja2Templates', 'templates'],
  template: ['Jinja2Templates', 'templates'],
  flask: ['WSGIMiddleware', 'WSGI'],
  django: ['WSGIMiddleware', 'WSGI'],
  nginx: ['proxy', 'behind a proxy', 'root_path'],
  traefik: ['proxy', 'behind a proxy', 'root_path'],
  'reverse proxy': ['behind a proxy', 'root_path'],
  prefix: ['root_path', 'proxy'],
  'basic auth': ['HTTPBasic', 'HTTP Basic Auth'],
  'api key': ['APIKeyHeader', 'security'],
  async: ['concurrency', 'async def', 'await'],
  'typescript client': ['generate clients', 'OpenAPI'],
  sdk: ['generate clients', 'OpenAPI'],
  swagger: ['docs UI', 'OpenAPI', 'openapi_url'],
  redoc: ['docs UI', 'OpenAPI'],
  patch: ['body updates', 'exclude_unset', 'partial updates'],
  partial: ['exclude_unset', 'partial updates'],
  form: ['Form', 'form data'],
  'form data': ['Form'],
  permissions: ['scopes', 'Security'],
  roles: ['scopes', 'Security'],
  paginate: ['skip', 'limit', 'query parameters'],
  pagination: ['skip', 'limit', 'query parameters'],
  examples: ['json_schema_extra', 'examples'],
  stream: ['StreamingResponse', 'streaming'],
  streaming: ['StreamingResponse'],
  download: ['FileResponse', 'StreamingResponse'],
  'raw request': ['Request', 'using the request directly'],
  'request object': ['Request', 'using the request directly'],
  '404': ['HTTPException', 'handling errors'],
  exception: ['HTTPException', 'exception_handler', 'handling errors'],
  '422': ['RequestValidationError', 'handling errors'],
  'validation error': ['RequestValidationError', 'handling errors'],
  regex: ['pattern', 'Query', 'validations'],
  'max length': ['max_length', 'Query', 'validations'],
  tags: ['openapi_tags', 'metadata'],
  global: ['global dependencies', 'dependencies'],
  cleanup: ['yield', 'dependencies with yield'],
  'close the db': ['yield', 'dependencies with yield'],
  graphql: ['GraphQL', 'Strawberry'],
  pydantic: ['BaseModel'],
  'background job': ['BackgroundTasks', 'background tasks'],
  'background task': ['BackgroundTasks'],
  timeout: ['middleware'],
};

/** Words that say nothing about the topic in a Slack question. */
export const STOPWORDS = new Set(
  `a about above after again all also am an and any anyone anybody are as at be been being but by can
  could did do does doing done each else for from get gets getting got had has have having hello hey
  hi how i i'm if in into is it it's its just know let like me mine my need needs no not of on or our
  ours please pls possible right set should so some someone something tell than thanks thank thx that
  the their them then there these they this those to too try trying up us use used using want wants
  way we well what what's whats when where which while who why will with without would you your
  fastapi folks guys team anyone's instead only every way ways best correct proper properly simple
  simply do i'd i've we're there's is there`.split(/\s+/),
);

/** A question about when something changed: release notes are searched first, not last. */
export const VERSION_QUESTION =
  /\b(when (did|was|were|does|do)|which (version|release)|what (version|release)|since (which|what)|(added|introduced|deprecated|removed|dropped|changed) in|changelog|release notes?|\d+\.\d+\.\d+)\b/i;

/** Words that only say "which version" in a version question; the topic is in the other words. */
export const VERSION_WORDS = new Set(
  'version versions release released releases added add introduced changed change removed dropped drop deprecated support supported since ago'.split(
    ' ',
  ),
);
