/**
 * Questions the way people ask in Slack, each with the pages (paths under docs/en/docs) that answer
 * it; a hit on any of them counts. The `heldOut` ones were written before the search was tuned and
 * were never looked at while tuning: they are the check that the tuning did not overfit.
 */
export interface EvalQuestion {
  question: string;
  pages: readonly string[];
  heldOut?: true;
}

export const EVAL_QUESTIONS: readonly EvalQuestion[] = [
  // Held out: written first, not used for tuning.
  {
    heldOut: true,
    question: 'how do i run something when the app boots, like opening a db pool?',
    pages: ['advanced/events.md'],
  },
  {
    heldOut: true,
    question: 'our frontend on localhost:3000 gets blocked by the browser calling the api, what do I set?',
    pages: ['tutorial/cors.md'],
  },
  {
    heldOut: true,
    question: 'can I kick off sending an email after returning the response?',
    pages: ['tutorial/background-tasks.md'],
  },
  {
    heldOut: true,
    question: 'how to swap out a dependency in pytest',
    pages: ['advanced/testing-dependencies.md'],
  },
  {
    heldOut: true,
    question: "what's the way to upload a file to an endpoint",
    pages: ['tutorial/request-files.md'],
  },
  {
    heldOut: true,
    question: 'split my app into multiple files with routers?',
    pages: ['tutorial/bigger-applications.md'],
  },
  {
    heldOut: true,
    question: 'how do I return a 201 instead of 200',
    pages: ['tutorial/response-status-code.md'],
  },
  {
    heldOut: true,
    question: 'jwt tokens with password hashing example?',
    pages: ['tutorial/security/oauth2-jwt.md'],
  },
  {
    heldOut: true,
    question: 'how do I read env vars / settings with pydantic',
    pages: ['advanced/settings.md'],
  },
  { heldOut: true, question: 'when did fastapi drop pydantic v1 support?', pages: ['release-notes.md'] },
  // Tuning set.
  { question: 'startup and shutdown hooks, is on_event deprecated?', pages: ['advanced/events.md'] },
  { question: 'how does DI work in fastapi', pages: ['tutorial/dependencies/index.md'] },
  {
    question: 'close the db session after the request with a yield dependency',
    pages: ['tutorial/dependencies/dependencies-with-yield.md'],
  },
  {
    question: 'auth with a bearer token, how do I get the current user?',
    pages: ['tutorial/security/get-current-user.md', 'tutorial/security/simple-oauth2.md'],
  },
  {
    question: 'validate a query param max length or regex',
    pages: ['tutorial/query-params-str-validations.md'],
  },
  { question: 'how to return a custom error json for a 404', pages: ['tutorial/handling-errors.md'] },
  { question: 'override the default 422 validation error response', pages: ['tutorial/handling-errors.md'] },
  { question: 'websocket endpoint example?', pages: ['advanced/websockets.md'] },
  { question: 'serve static files like css/js', pages: ['tutorial/static-files.md'] },
  { question: 'how to add a middleware that times each request', pages: ['tutorial/middleware.md'] },
  {
    question: 'gunicorn workers, running with multiple processes in prod',
    pages: ['deployment/server-workers.md'],
  },
  { question: 'anyone have a dockerfile for a fastapi app?', pages: ['deployment/docker.md'] },
  {
    question: 'how to hide a field like password from the response',
    pages: ['tutorial/response-model.md', 'tutorial/extra-models.md'],
  },
  { question: 'sqlmodel / sqlalchemy database setup', pages: ['tutorial/sql-databases.md'] },
  { question: 'set a cookie on the response', pages: ['advanced/response-cookies.md'] },
  { question: 'return html instead of json', pages: ['advanced/custom-response.md'] },
  { question: 'test my endpoints with TestClient', pages: ['tutorial/testing.md'] },
  { question: 'mount a flask app inside fastapi', pages: ['advanced/wsgi.md'] },
  {
    question: 'app behind nginx with a path prefix, the docs page is broken',
    pages: ['advanced/behind-a-proxy.md'],
  },
  {
    question: 'basic auth with the browser username/password prompt',
    pages: ['advanced/security/http-basic-auth.md'],
  },
  { question: 'async def vs def, which should I use?', pages: ['async.md'] },
  { question: 'generate a typescript client from the openapi spec', pages: ['advanced/generate-clients.md'] },
  { question: 'disable the /docs swagger in production', pages: ['how-to/conditional-openapi.md'] },
  { question: 'partial update with PATCH, only some fields', pages: ['tutorial/body-updates.md'] },
  { question: 'login form with username and password fields', pages: ['tutorial/request-forms.md'] },
  { question: 'scopes for oauth2 permissions', pages: ['advanced/security/oauth2-scopes.md'] },
  { question: 'which version added lifespan?', pages: ['release-notes.md'] },
  {
    question: 'add example values to the schema shown in the docs',
    pages: ['tutorial/schema-extra-example.md'],
  },
  {
    question: 'stream a large response or file download',
    pages: ['advanced/custom-response.md', 'advanced/stream-data.md'],
  },
  {
    question: 'Depends with a class instead of a function',
    pages: ['tutorial/dependencies/classes-as-dependencies.md'],
  },
  {
    question: 'require a dependency on every route globally',
    pages: ['tutorial/dependencies/global-dependencies.md'],
  },
  { question: 'add custom headers to the response', pages: ['advanced/response-headers.md'] },
  { question: 'how do I change the tags and description shown in /docs', pages: ['tutorial/metadata.md'] },
  { question: 'access the raw Request object in an endpoint', pages: ['advanced/using-request-directly.md'] },
  { question: 'send server sent events (SSE) to the browser', pages: ['tutorial/server-sent-events.md'] },
];
