import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  REDACTION_KINDS,
  type RedactionKind,
  type RedactResult,
  redactSecrets,
} from '../../src/security/redact.js';
import { seededRandom as mulberry32 } from '../helpers/random.js';

// Vendor-format fakes are assembled at runtime so secret scanners (push protection, gitleaks) do not flag this file.
const j = (...parts: string[]): string => parts.join('');

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWabcdefghijklmnopqrstuvw0123456789';
/** Deterministic filler of a given length; has digits and both cases like a real token, and no "xxxx" masks. */
function body(length: number, seed = 7): string {
  let out = '';
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += ALNUM.charAt(state % ALNUM.length);
  }
  return `7${out.slice(1, -1)}3`;
}

const SLACK_BOT = j('xo', 'xb-', '2401234567890-2412345678901-', body(24, 1));
const SLACK_USER = j('xo', 'xp-', '2401234567890-2401234567891-2412345678902-', body(32, 2));
const SLACK_APP = j('xa', 'pp-1-A0123ABCDEF-4812345678901-', body(64, 3));
const SLACK_ROTATING = j('xoxe.', 'xo', 'xp-1-', body(40, 4));
const SLACK_WEBHOOK_SECRET = body(24, 5);
const ANTHROPIC = j('sk-', 'ant-', 'api03-', body(86, 6), 'AA');
const OPENAI_PROJECT = j('sk-', 'proj-', body(100, 7));
const OPENAI_LEGACY = j('sk-', body(48, 8));
const GITHUB_CLASSIC = j('gh', 'p_', body(36, 9));
const GITHUB_FINE = j('github', '_pat_', body(22, 10), '_', body(59, 11));
const GITHUB_OAUTH = j('gh', 'o_', body(36, 12));
const STRIPE_LIVE = j('sk', '_live_', body(99, 13));
const STRIPE_RESTRICTED = j('rk', '_live_', body(99, 14));
const STRIPE_WEBHOOK = j('wh', 'sec_', body(32, 15));
const GOOGLE = j('AI', 'za', body(35, 16));
const AWS_ID = j('AK', 'IA', 'Q3EGRAHEYLV7N4ZU');
const AWS_TEMP_ID = j('AS', 'IA', 'Y7WQ2KP4R9XTM3LB');
const AWS_SECRET = j('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCY4Q7sz9PqLk');
const AZURE_KEY = j(body(86, 17), '==');
const JWT_HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
const JWT_REST =
  'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const JWT = `${JWT_HEADER}.${JWT_REST}`;
const GIT_SHA = '3f2a9c1d4e5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f';
const UUID = '550e8400-e29b-41d4-a716-446655440000';
const PEM_BODY = [body(64, 18), body(64, 19), body(64, 20), `${body(40, 21)}==`];

function pem(label: string, lines: string[] = PEM_BODY, sep = '\n'): string {
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join(sep);
}

function counts(result: RedactResult): Record<string, number> {
  return Object.fromEntries(result.redactions.map((r) => [r.kind, r.count]));
}

/** [input, expected output, kind reported]. */
type Positive = readonly [string, string, RedactionKind];

/** Realistic positives and near-miss negatives for one family of secrets. */
interface Category {
  redacts: readonly Positive[];
  keeps: readonly string[];
}

function expectCategory(category: Category): void {
  for (const [input, expected, kind] of category.redacts) {
    const result = redactSecrets(input);
    expect(result.text, input).toBe(expected);
    expect(counts(result)[kind], `${kind} for ${input}`).toBeGreaterThan(0);
  }
  for (const input of category.keeps) {
    const result = redactSecrets(input);
    expect(result.text, input).toBe(input);
    expect(result.redactions, input).toEqual([]);
  }
}

const BASIC_CREDENTIALS = Buffer.from('admin:s3cret-pw').toString('base64');

const SERVICE_ACCOUNT = JSON.stringify(
  {
    type: 'service_account',
    project_id: 'fastapi-prod-123456',
    private_key_id: '1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c',
    private_key: `${pem('PRIVATE KEY')}\n`,
    client_email: 'api@fastapi-prod-123456.iam.gserviceaccount.com',
    client_id: '109876543210987654321',
  },
  null,
  2,
);

const URLS: Category = {
  redacts: [
    [
      'DATABASE_URL=postgresql://app:s3cret@db/prod',
      `DATABASE_URL=postgresql://app:${REDACTED}@db/prod`,
      'database-url-password',
    ],
    [
      'postgresql+asyncpg://app:s3cr%40t%2F1@db.internal:5432/prod?sslmode=require',
      `postgresql+asyncpg://app:${REDACTED}@db.internal:5432/prod?sslmode=require`,
      'database-url-password',
    ],
    [
      'mysql://root:Pa55word!@127.0.0.1:3306/app',
      `mysql://root:${REDACTED}@127.0.0.1:3306/app`,
      'database-url-password',
    ],
    [
      'MONGO_URI="mongodb+srv://admin:Xy9zQ2wV@cluster0.ab1cd.mongodb.net/?retryWrites=true"',
      `MONGO_URI="mongodb+srv://admin:${REDACTED}@cluster0.ab1cd.mongodb.net/?retryWrites=true"`,
      'database-url-password',
    ],
    ['redis://:r3disPass@cache:6379/0', `redis://:${REDACTED}@cache:6379/0`, 'database-url-password'],
    [
      'broker_url = "amqp://guest:gu3st-pw@rabbit:5672//"',
      `broker_url = "amqp://guest:${REDACTED}@rabbit:5672//"`,
      'database-url-password',
    ],
    // An unencoded `@` in the password: the last `@` ends the user info, as in URL parsers.
    ['postgresql://app:p@ss@db/prod', `postgresql://app:${REDACTED}@db/prod`, 'database-url-password'],
    [
      'git clone https://deploy:tok3nValue@git.example.com/org/repo.git',
      `git clone https://deploy:${REDACTED}@git.example.com/org/repo.git`,
      'url-password',
    ],
    // Slack wraps links as <url|label>, repeating the URL.
    [
      '<https://admin:hunter22@example.com/x|https://admin:hunter22@example.com/x>',
      `<https://admin:${REDACTED}@example.com/x|https://admin:${REDACTED}@example.com/x>`,
      'url-password',
    ],
  ],
  keeps: [
    'https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/',
    'http://localhost:8000/docs#/default/login_token_post',
    'ssh://git@github.com/org/repo.git',
    'git@github.com:org/repo.git',
    'postgresql://app@db/prod',
    'postgresql://app:@db/prod',
    'sqlalchemy.url = driver://user:pass@localhost/dbname',
    'postgresql://user:password@localhost/dbname',
    `postgresql://app:\${DB_PASSWORD}@db/prod`,
    'f"postgresql://{user}:{password}@{host}/{db}"',
    'postgresql://app:<password>@db/prod',
    'email me at dev@example.com or see https://example.com/@team',
  ],
};

const AWS: Category = {
  redacts: [
    [`aws_access_key_id = ${AWS_ID}`, `aws_access_key_id = AKIA${REDACTED}`, 'aws-access-key-id'],
    [`aws_secret_access_key = ${AWS_SECRET}`, `aws_secret_access_key = ${REDACTED}`, 'aws-secret-access-key'],
    [
      `export AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`,
      `export AWS_SECRET_ACCESS_KEY=${REDACTED}`,
      'aws-secret-access-key',
    ],
    [
      `{"AccessKeyId": "${AWS_TEMP_ID}", "SecretAccessKey": "${AWS_SECRET}", "SessionToken": "FwoGZXIvYXdzEBYaD${body(40)}"}`,
      `{"AccessKeyId": "ASIA${REDACTED}", "SecretAccessKey": "${REDACTED}", "SessionToken": "${REDACTED}"}`,
      'aws-secret-access-key',
    ],
    // The credentials CSV the console offers: the secret follows the id on the same line.
    [`ci-user,${AWS_ID},${AWS_SECRET}`, `ci-user,AKIA${REDACTED},${REDACTED}`, 'aws-secret-access-key'],
    [
      `aws configure set aws_access_key_id ${AWS_ID} && echo ${AWS_SECRET}`,
      `aws configure set aws_access_key_id AKIA${REDACTED} && echo ${REDACTED}`,
      'aws-access-key-id',
    ],
    // A git sha on the same line is hex, not a secret key: only the id goes.
    [`${AWS_ID} deployed at ${GIT_SHA}`, `AKIA${REDACTED} deployed at ${GIT_SHA}`, 'aws-access-key-id'],
  ],
  keeps: [
    'aws_access_key_id = os.environ["AWS_ACCESS_KEY_ID"]',
    `AWS_SECRET_ACCESS_KEY=\${AWS_SECRET_ACCESS_KEY}`,
    'aws_secret_access_key: <your-secret-access-key>',
    'AKIA prefixes mean long-term keys, ASIA temporary ones',
    'AKIASHORT1234',
    `the fix landed in ${GIT_SHA}`,
    'boto3.client("s3", region_name="eu-west-1")',
  ],
};

const CLOUD: Category = {
  redacts: [
    [
      `DefaultEndpointsProtocol=https;AccountName=fastapiblobs;AccountKey=${AZURE_KEY};EndpointSuffix=core.windows.net`,
      `DefaultEndpointsProtocol=https;AccountName=fastapiblobs;AccountKey=${REDACTED};EndpointSuffix=core.windows.net`,
      'azure-storage-account-key',
    ],
    [
      `Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${body(43)}=`,
      `Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${REDACTED}`,
      'azure-shared-access-key',
    ],
    [
      `BlobServiceClient(account_url=url, credential="${AZURE_KEY}")`,
      `BlobServiceClient(account_url=url, credential="${REDACTED}")`,
      'secret-assignment',
    ],
  ],
  keeps: [
    '"client_id": "109876543210987654321", "project_id": "fastapi-prod-123456"',
    '"private_key_id": ""',
    'AccountName=fastapiblobs;AccountKey=<your-account-key>;EndpointSuffix=core.windows.net',
    'credential = DefaultAzureCredential()',
    'GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/service-account.json',
  ],
};

const SLACK: Category = {
  redacts: [
    [`SLACK_BOT_TOKEN=${SLACK_BOT}`, `SLACK_BOT_TOKEN=xoxb-${REDACTED}`, 'slack-token'],
    [
      `client = WebClient(token="${SLACK_USER}")`,
      `client = WebClient(token="xoxp-${REDACTED}")`,
      'slack-token',
    ],
    [`SLACK_APP_TOKEN: ${SLACK_APP}`, `SLACK_APP_TOKEN: xapp-${REDACTED}`, 'slack-token'],
    [`refreshed to ${SLACK_ROTATING} today`, `refreshed to xoxe.xoxp-${REDACTED} today`, 'slack-token'],
    [
      j('legacy ', 'xo', 'xa-2-', body(30), ' and ', 'xo', 'xr-', body(30)),
      `legacy xoxa-${REDACTED} and xoxr-${REDACTED}`,
      'slack-token',
    ],
    [j('xo', 'xs-', body(40)), `xoxs-${REDACTED}`, 'slack-token'],
    [
      j('curl -X POST https://hooks.slack.com/', 'services/T0123ABCD/B0456EFGH/', SLACK_WEBHOOK_SECRET),
      `curl -X POST https://hooks.slack.com/services/T0123ABCD/B0456EFGH/${REDACTED}`,
      'slack-webhook-url',
    ],
  ],
  keeps: [
    'xoxb- tokens are bot tokens, xapp- tokens are app-level tokens',
    'SLACK_BOT_TOKEN=xoxb-your-bot-token',
    'SLACK_BOT_TOKEN=xoxb-...',
    'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    'posted to channel C0123ABCDEF by U024BE7LH in thread 1712345678.123456',
    `SLACK_SIGNING_SECRET=\${SLACK_SIGNING_SECRET}`,
  ],
};

const VENDOR_KEYS: Category = {
  redacts: [
    [`ANTHROPIC_API_KEY=${ANTHROPIC}`, `ANTHROPIC_API_KEY=sk-ant-api03-${REDACTED}`, 'anthropic-api-key'],
    [
      `client = Anthropic(api_key="${ANTHROPIC}")`,
      `client = Anthropic(api_key="sk-ant-api03-${REDACTED}")`,
      'anthropic-api-key',
    ],
    [`OPENAI_API_KEY=${OPENAI_PROJECT}`, `OPENAI_API_KEY=sk-proj-${REDACTED}`, 'openai-api-key'],
    [`openai.api_key = '${OPENAI_LEGACY}'`, `openai.api_key = 'sk-${REDACTED}'`, 'openai-api-key'],
    [`GITHUB_TOKEN=${GITHUB_CLASSIC}`, `GITHUB_TOKEN=ghp_${REDACTED}`, 'github-token'],
    [`token ${GITHUB_FINE} expired`, `token github_pat_${REDACTED} expired`, 'github-token'],
    [
      `gh auth login --with-token <<< ${GITHUB_OAUTH}`,
      `gh auth login --with-token <<< gho_${REDACTED}`,
      'github-token',
    ],
    [`stripe.api_key = "${STRIPE_LIVE}"`, `stripe.api_key = "sk_live_${REDACTED}"`, 'stripe-secret-key'],
    [`STRIPE_RESTRICTED=${STRIPE_RESTRICTED}`, `STRIPE_RESTRICTED=rk_live_${REDACTED}`, 'stripe-secret-key'],
    [
      `STRIPE_WEBHOOK_SECRET=${STRIPE_WEBHOOK}`,
      `STRIPE_WEBHOOK_SECRET=whsec_${REDACTED}`,
      'stripe-webhook-secret',
    ],
    [
      `https://maps.googleapis.com/maps/api/geocode/json?key=${GOOGLE}`,
      `https://maps.googleapis.com/maps/api/geocode/json?key=AIza${REDACTED}`,
      'google-api-key',
    ],
  ],
  keeps: [
    'pip install scikit-learn  # sk-learn is the import alias people expect',
    'ANTHROPIC_API_KEY=sk-ant-...',
    'ANTHROPIC_API_KEY=sk-ant-your-key-here',
    'api_key=os.getenv("ANTHROPIC_API_KEY")',
    'the risk-assessment-framework-documentation page',
    'task-12345678901234567890 failed',
    'ghp_ tokens are classic PATs',
    'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    `STRIPE_PUBLISHABLE_KEY=pk_live_${body(40)}`,
    'AIzaSy is how Google API keys start',
  ],
};

const JWTS: Category = {
  redacts: [
    [JWT, `${JWT_HEADER}.${REDACTED}`, 'jwt'],
    [
      `{"access_token": "${JWT}", "token_type": "bearer"}`,
      `{"access_token": "${JWT_HEADER}.${REDACTED}", "token_type": "bearer"}`,
      'jwt',
    ],
    [`Authorization: Bearer ${JWT}`, `Authorization: Bearer ${JWT_HEADER}.${REDACTED}`, 'jwt'],
    [`?token=${JWT}&next=/`, `?token=${JWT_HEADER}.${REDACTED}&next=/`, 'jwt'],
  ],
  keeps: [
    JWT_HEADER,
    'header.payload.signature',
    'from app.api.v1.endpoints import users',
    'jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])',
  ],
};

const AUTH_HEADERS: Category = {
  redacts: [
    [
      'curl -H "Authorization: Bearer abc123def456ghi789" http://localhost:8000/users/me',
      `curl -H "Authorization: Bearer ${REDACTED}" http://localhost:8000/users/me`,
      'bearer-token',
    ],
    [`Authorization: Basic ${BASIC_CREDENTIALS}`, `Authorization: Basic ${REDACTED}`, 'basic-auth'],
    [
      'headers = {"Authorization": "Token 9f8e7d6c5b4a"}',
      `headers = {"Authorization": "Token ${REDACTED}"}`,
      'authorization-header',
    ],
    ['Authorization: Bearer abc', `Authorization: Bearer ${REDACTED}`, 'bearer-token'],
    [
      'requests.get(url, auth=("admin", "hunter22"))',
      `requests.get(url, auth=("admin", "${REDACTED}"))`,
      'basic-auth',
    ],
    ["httpx.BasicAuth('svc', 'pa55-w0rd')", `httpx.BasicAuth('svc', '${REDACTED}')`, 'basic-auth'],
    [
      'curl -u admin:s3cret https://api.example.com/items',
      `curl -u admin:${REDACTED} https://api.example.com/items`,
      'basic-auth',
    ],
    [
      'curl -X POST https://api.example.com/token \\\n  --user=svc:pa55w0rd',
      `curl -X POST https://api.example.com/token \\\n  --user=svc:${REDACTED}`,
      'basic-auth',
    ],
  ],
  keeps: [
    'Use Bearer authentication with OAuth2PasswordBearer(tokenUrl="token")',
    'headers={"Authorization": f"Bearer {token}"}',
    'headers = {"Authorization": "Bearer " + token}',
    'Authorization: Bearer <token>',
    'Authorization: Bearer $TOKEN',
    `Authorization: Bearer \${ACCESS_TOKEN}`,
    'send it in the Authorization: Bearer header',
    'Basic authentication is fine behind the VPN; bearer tokens.',
    'security = HTTPBasic()',
    'credentials: HTTPBasicCredentials = Depends(security)',
    'auth=(settings.USER, settings.PASSWORD)',
    'docker run -u 1000:1000 -p 8000:8000 api',
    'curl -u "$API_USER:$API_PASSWORD" https://api.example.com/items',
  ],
};

const PEM_KEYS: Category = {
  redacts: [
    [
      pem('RSA PRIVATE KEY'),
      `-----BEGIN RSA PRIVATE KEY-----\n${REDACTED}\n-----END RSA PRIVATE KEY-----`,
      'private-key',
    ],
    [
      `key:\n${pem('OPENSSH PRIVATE KEY')}\nthanks`,
      `key:\n-----BEGIN OPENSSH PRIVATE KEY-----\n${REDACTED}\n-----END OPENSSH PRIVATE KEY-----\nthanks`,
      'private-key',
    ],
    [
      pem('EC PRIVATE KEY', PEM_BODY, '\r\n'),
      `-----BEGIN EC PRIVATE KEY-----\r\n${REDACTED}\r\n-----END EC PRIVATE KEY-----`,
      'private-key',
    ],
    [
      pem('ENCRYPTED PRIVATE KEY'),
      `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${REDACTED}\n-----END ENCRYPTED PRIVATE KEY-----`,
      'private-key',
    ],
    [
      pem('RSA PRIVATE KEY', [
        'Proc-Type: 4,ENCRYPTED',
        'DEK-Info: AES-128-CBC,0A1B2C3D4E5F6A7B',
        '',
        ...PEM_BODY,
      ]),
      `-----BEGIN RSA PRIVATE KEY-----\n${REDACTED}\n-----END RSA PRIVATE KEY-----`,
      'private-key',
    ],
    // A truncated paste (no END line) still loses its body, but not the sentence after it.
    [
      `-----BEGIN PRIVATE KEY-----\n${PEM_BODY[0]}\n${PEM_BODY[1]}\nand then uvicorn fails`,
      `-----BEGIN PRIVATE KEY-----\n${REDACTED}\nand then uvicorn fails`,
      'private-key',
    ],
    [
      `ssl_keyfile="""${pem('PRIVATE KEY')}"""`,
      `ssl_keyfile="""-----BEGIN PRIVATE KEY-----\n${REDACTED}\n-----END PRIVATE KEY-----"""`,
      'private-key',
    ],
  ],
  keeps: [
    pem('PUBLIC KEY'),
    pem('CERTIFICATE'),
    'paste everything between -----BEGIN PRIVATE KEY----- and the END line',
    '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----',
    'ssl_keyfile="/etc/ssl/private/key.pem"',
  ],
};

const ENV_FILES: Category = {
  redacts: [
    ['DATABASE_PASSWORD=hunter2', `DATABASE_PASSWORD=${REDACTED}`, 'secret-assignment'],
    ["export SECRET_KEY='django-insecure-abc123'", `export SECRET_KEY='${REDACTED}'`, 'secret-assignment'],
    ['POSTGRES_PASSWORD=postgres', `POSTGRES_PASSWORD=${REDACTED}`, 'secret-assignment'],
    ['JWT_SECRET="c0ffee4d2b8e4f1a9e7d"', `JWT_SECRET="${REDACTED}"`, 'secret-assignment'],
    ['PGPASSWORD=pw123 psql -h db -U app', `PGPASSWORD=${REDACTED} psql -h db -U app`, 'secret-assignment'],
    [
      'API_TOKEN=abc123def456ghi  # rotated monthly',
      `API_TOKEN=${REDACTED}  # rotated monthly`,
      'secret-assignment',
    ],
    ['GITLAB_TOKEN=glpat-4bc123def456ghi789', `GITLAB_TOKEN=${REDACTED}`, 'secret-assignment'],
    ['# OLD_DB_PASS=Tr0ub4dor', `# OLD_DB_PASS=${REDACTED}`, 'secret-assignment'],
    ['      - POSTGRES_PASSWORD=s3cr3t', `      - POSTGRES_PASSWORD=${REDACTED}`, 'secret-assignment'],
    [
      'uvicorn main:app --ssl-keyfile-password=k3yfile!',
      `uvicorn main:app --ssl-keyfile-password=${REDACTED}`,
      'secret-assignment',
    ],
    [
      'host=db user=app password=postgres dbname=prod',
      `host=db user=app password=${REDACTED} dbname=prod`,
      'secret-assignment',
    ],
    [
      'https://api.example.com/v1/items?api_key=abc123def&format=json',
      `https://api.example.com/v1/items?api_key=${REDACTED}&format=json`,
      'secret-assignment',
    ],
    ['Password: hunter2 is what I used', `Password: ${REDACTED} is what I used`, 'secret-assignment'],
    ['PGPASSWORD=123456', `PGPASSWORD=${REDACTED}`, 'secret-assignment'],
  ],
  keeps: [
    'DATABASE_URL=os.environ["DATABASE_URL"]',
    'DATABASE_PASSWORD=os.environ["DB_PASSWORD"]',
    `SECRET_KEY=\${SECRET_KEY}`,
    'SECRET_KEY=$SECRET_KEY',
    'SECRET_KEY=',
    'SECRET_KEY=changethis',
    'FIRST_SUPERUSER_PASSWORD=changethis',
    'SECRET_KEY=<your-secret-key>',
    'SECRET_KEY=&lt;your-secret-key&gt;',
    'DB_PASSWORD=***',
    'DB_PASSWORD=xxxx',
    'SMTP_PASSWORD=example',
    'ACCESS_TOKEN_EXPIRE_MINUTES=30',
    'MAX_TOKENS=1024',
    'SORT_KEY=created_at',
    'PWD=/home/app',
    'DB_PASSWORD_FILE=/run/secrets/db_password',
    'TOKEN_URL=https://auth.example.com/oauth/token',
    'PASSWORD=$(cat /run/secrets/db_password)',
  ],
};

const YAML_JSON: Category = {
  redacts: [
    ['  password: s3cret-pw', `  password: ${REDACTED}`, 'secret-assignment'],
    ['    POSTGRES_PASSWORD: "hunter2"', `    POSTGRES_PASSWORD: "${REDACTED}"`, 'secret-assignment'],
    ["client_secret: 'abc123xyz'", `client_secret: '${REDACTED}'`, 'secret-assignment'],
    ['  password: hunter2 # prod only', `  password: ${REDACTED} # prod only`, 'secret-assignment'],
    ['data:\n  password: cGFzc3dvcmQxMjM=', `data:\n  password: ${REDACTED}`, 'secret-assignment'],
    ['X-API-Key: 0123456789abcdef', `X-API-Key: ${REDACTED}`, 'secret-assignment'],
    [
      '{"username": "alice", "password": "Tr0ub4dor&3"}',
      `{"username": "alice", "password": "${REDACTED}"}`,
      'secret-assignment',
    ],
    [
      '{"access_token":"abc123def456","token_type":"bearer"}',
      `{"access_token":"${REDACTED}","token_type":"bearer"}`,
      'secret-assignment',
    ],
    [
      '{"apiKey": "k3y-abc123", "retries": 3}',
      `{"apiKey": "${REDACTED}", "retries": 3}`,
      'secret-assignment',
    ],
    [
      '{"auths": {"ghcr.io": {"auth": "dXNlcjpwYXNz"}}}',
      `{"auths": {"ghcr.io": {"auth": "${REDACTED}"}}}`,
      'secret-assignment',
    ],
    [
      '{"pin": 123456, "password": 12345678}',
      `{"pin": 123456, "password": ${REDACTED}}`,
      'secret-assignment',
    ],
  ],
  keeps: [
    `  password: \${DB_PASSWORD}`,
    '  password: !vault |',
    '  password: *default_password',
    'password:',
    'password: "<your-password>"',
    '  token: null',
    '  password: "***"',
    '  secretName: db-credentials',
    '  secretKeyRef:',
    'Token: expired after 30 minutes',
    'the password: it must be 8 chars',
    '{"username": "string", "password": "string"}',
    'return {"access_token": access_token, "token_type": "bearer"}',
    '{"password": null, "token": ""}',
    '{"refresh_token": refresh_token}',
    'token_type: bearer',
  ],
};

const PYTHON: Category = {
  redacts: [
    ['password="hunter2"', `password="${REDACTED}"`, 'secret-assignment'],
    [
      "conn = psycopg2.connect(host='db', user='app', password='s3cret!')",
      `conn = psycopg2.connect(host='db', user='app', password='${REDACTED}')`,
      'secret-assignment',
    ],
    [
      'SECRET_KEY = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"',
      `SECRET_KEY = "${REDACTED}"`,
      'secret-assignment',
    ],
    ['    secret_key: str = "supersecret123"', `    secret_key: str = "${REDACTED}"`, 'secret-assignment'],
    [
      'config = {"api_key": "abc123def", "timeout": 30}',
      `config = {"api_key": "${REDACTED}", "timeout": 30}`,
      'secret-assignment',
    ],
    [
      'os.environ["SECRET_KEY"] = "abc123def456"',
      `os.environ["SECRET_KEY"] = "${REDACTED}"`,
      'secret-assignment',
    ],
    [
      "app.config['SECRET_KEY'] = 'dev-key-123'",
      `app.config['SECRET_KEY'] = '${REDACTED}'`,
      'secret-assignment',
    ],
    [
      'connect_args={"password": b"raw-bytes-pw"}',
      `connect_args={"password": b"${REDACTED}"}`,
      'secret-assignment',
    ],
    [
      'engine = create_engine(url, password=r"c:\\pw\\1")',
      `engine = create_engine(url, password=r"${REDACTED}")`,
      'secret-assignment',
    ],
    [
      'Settings(_env_file=None, secret_key="k3y!")',
      `Settings(_env_file=None, secret_key="${REDACTED}")`,
      'secret-assignment',
    ],
    [
      '    hashed_password="$2b$12$KIXQJ8v1ZrUo7iW0u2y3BeY"',
      `    hashed_password="${REDACTED}"`,
      'secret-assignment',
    ],
    ['password = "with \\"escaped\\" quotes"', `password = "${REDACTED}"`, 'secret-assignment'],
  ],
  keeps: [
    'password: str',
    '    password: str | None = None',
    '    password: Optional[str] = Field(default=None, min_length=8)',
    'token: Annotated[str, Depends(oauth2_scheme)]',
    'async def login(form_data: OAuth2PasswordRequestForm = Depends()):',
    'def get_user(token: str = Depends(oauth2_scheme), db: Session = Depends(get_db)):',
    '    hashed_password = get_password_hash(user.password)',
    '    user = authenticate_user(db, form_data.username, form_data.password)',
    'create_user(email=email, password=password)',
    'create_user(\n    email=email,\n    password=password,\n)',
    '    password=user_password,',
    'if not verify_password(plain_password, hashed_password):',
    'current_user: User = Depends(get_password_hash)',
    'if password == "":',
    'if password != confirm:',
    'pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")',
    'oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")',
    'SECRET_KEY = os.environ["SECRET_KEY"]',
    'SECRET_KEY = os.getenv("SECRET_KEY", "")',
    '    secret_key: str = Field(..., validation_alias="SECRET_KEY")',
    'api_key = settings.ANTHROPIC_API_KEY',
    'password = f"{prefix}{suffix}"',
    'token = create_access_token(data={"sub": user.username}, expires_delta=delta)',
    'id = Column(Integer, primary_key=True, index=True)',
    'response = client.messages.create(model=model, max_tokens=1024, messages=messages)',
    'password = new_password',
    `request_id = "${UUID}"`,
    `commit ${GIT_SHA} broke /users/{user_id}`,
    `user_id: ${UUID}`,
    'secret = a if b else c',
    '"""Hash the password: never store it."""',
  ],
};

const SLACK_MESSAGE = [
  'Hey <@U024BE7LH>, staging can’t reach Postgres since yesterday. Our `.env`:',
  '```',
  'DATABASE_URL=postgresql+asyncpg://app:Zx8!pQ2v@db.staging.internal:5432/app',
  'SECRET_KEY=9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d',
  `ANTHROPIC_API_KEY=${ANTHROPIC}`,
  `SLACK_BOT_TOKEN=${SLACK_BOT}`,
  'ACCESS_TOKEN_EXPIRE_MINUTES=30',
  'FIRST_SUPERUSER_PASSWORD=changethis',
  '```',
  'and the login route:',
  '```',
  'engine = create_async_engine(settings.DATABASE_URL, pool_pre_ping=True)',
  '',
  '@router.post("/login/access-token")',
  'async def login(form_data: OAuth2PasswordRequestForm = Depends()):',
  '    user = await authenticate(form_data.username, form_data.password)',
  '    token = create_access_token({"sub": user.email})',
  '    return {"access_token": token, "token_type": "bearer"}',
  '```',
  ``,
  `\`curl -H "Authorization: Bearer ${JWT}" https://staging.example.com/users/me\` gives 401.`,
  `Broke after ${GIT_SHA}, request id ${UUID}. Password: hunter2 works locally.`,
].join('\n');

/** Every input above, replayed by the idempotence test. */
const SAMPLES: readonly string[] = [
  ...[
    URLS,
    AWS,
    CLOUD,
    SLACK,
    VENDOR_KEYS,
    JWTS,
    AUTH_HEADERS,
    PEM_KEYS,
    ENV_FILES,
    YAML_JSON,
    PYTHON,
  ].flatMap((category) => [...category.redacts.map(([input]) => input), ...category.keeps]),
  SERVICE_ACCOUNT,
  SLACK_MESSAGE,
];

describe('redactSecrets', () => {
  it('redacts the password of URLs with credentials, keeping user, host and path', () => {
    expectCategory(URLS);
    expect(counts(redactSecrets('postgresql://a:b1@h/x mysql://c:d2@h/y'))).toEqual({
      'database-url-password': 2,
    });
  });

  it('redacts AWS access key ids and secret access keys', () => {
    expectCategory(AWS);
  });

  it('redacts GCP service-account keys and Azure account keys, keeping JSON valid', () => {
    const result = redactSecrets(SERVICE_ACCOUNT);
    const parsed: unknown = JSON.parse(result.text);
    expect(parsed).toMatchObject({
      project_id: 'fastapi-prod-123456',
      private_key_id: REDACTED,
      private_key: `-----BEGIN PRIVATE KEY-----\n${REDACTED}\n-----END PRIVATE KEY-----\n`,
      client_email: 'api@fastapi-prod-123456.iam.gserviceaccount.com',
      client_id: '109876543210987654321',
    });
    expect(counts(result)).toEqual({ 'private-key': 1, 'gcp-private-key-id': 1 });

    expectCategory(CLOUD);
  });

  it('redacts Slack tokens and webhook URLs, keeping the token type', () => {
    expectCategory(SLACK);
  });

  it('redacts Anthropic, OpenAI, GitHub, Stripe and Google keys, keeping the prefix', () => {
    expectCategory(VENDOR_KEYS);
  });

  it('redacts JWTs, keeping the header', () => {
    expectCategory(JWTS);
  });

  it('redacts Bearer and Basic credentials and Authorization headers', () => {
    expectCategory(AUTH_HEADERS);
  });

  it('replaces whole PEM private key blocks, keeping the key type', () => {
    expectCategory(PEM_KEYS);
  });

  it('redacts secret-named keys in .env files and shell exports', () => {
    expectCategory(ENV_FILES);
  });

  it('redacts secret-named keys in YAML and JSON', () => {
    expectCategory(YAML_JSON);
  });

  it('redacts secret literals in Python kwargs, dicts and assignments but not expressions', () => {
    expectCategory(PYTHON);
  });

  it('redacts a realistic Slack message mixing prose, code and an .env paste', () => {
    const result = redactSecrets(SLACK_MESSAGE);
    const expected = SLACK_MESSAGE.replace('Zx8!pQ2v', REDACTED)
      .replace('9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d', REDACTED)
      .replace(ANTHROPIC, `sk-ant-api03-${REDACTED}`)
      .replace(SLACK_BOT, `xoxb-${REDACTED}`)
      .replace(JWT, `${JWT_HEADER}.${REDACTED}`)
      .replace('hunter2', REDACTED);
    expect(result.text).toBe(expected);
    expect(counts(result)).toEqual({
      'database-url-password': 1,
      'secret-assignment': 2,
      'anthropic-api-key': 1,
      'slack-token': 1,
      jwt: 1,
    });
    // The log line names kinds in a fixed order and never a value.
    expect(result.redactions.map((r) => r.kind)).toEqual([
      'database-url-password',
      'slack-token',
      'anthropic-api-key',
      'jwt',
      'secret-assignment',
    ]);
    expect(JSON.stringify(result.redactions)).not.toContain('hunter2');
  });

  it('is idempotent over every sample', () => {
    expect(SAMPLES.length).toBeGreaterThan(200);
    for (const sample of SAMPLES) {
      const once = redactSecrets(sample);
      const twice = redactSecrets(once.text);
      expect(twice.text, sample).toBe(once.text);
      expect(twice.redactions, sample).toEqual([]);
    }
  });

  it('never leaks planted secrets and leaves secret-free text unchanged (seeded property test)', () => {
    const random = mulberry32(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
    /** Starts and ends with a digit and avoids x/X, so it is never a placeholder or a mask. */
    const secret = (min: number, max: number, alphabet = ALNUM): string => {
      let out = String(int(1, 9));
      const length = int(min, max);
      while (out.length < length - 1) out += alphabet.charAt(Math.floor(random() * alphabet.length));
      return `${out}${int(0, 9)}`;
    };
    const base64url = (length: number): string => secret(length, length, `${ALNUM}-_`);

    /** Each returns the text to plant and the values that must not survive redaction. */
    const planters: ReadonlyArray<() => [string, string[]]> = [
      () => {
        const s = secret(8, 30);
        return [`DATABASE_PASSWORD=${s}`, [s]];
      },
      () => {
        const s = secret(8, 30);
        return [`postgresql://app:${s}@db:5432/prod`, [s]];
      },
      () => {
        const s = secret(8, 30);
        return [`{"api_key": "${s}"}`, [s]];
      },
      () => {
        const s = secret(8, 30);
        return [`connect(user="app", password="${s}")`, [s]];
      },
      () => {
        const s = secret(8, 30);
        return [`\n  client_secret: ${s}\n`, [s]];
      },
      () => {
        const s = secret(8, 30);
        return [`Password: ${s}`, [s]];
      },
      () => {
        const s = secret(20, 60);
        return [j('xo', 'xb-', s), [s]];
      },
      () => {
        const s = secret(40, 90);
        return [j('sk-', 'ant-api03-', s), [s]];
      },
      () => {
        const s = secret(40, 60);
        return [j('sk-', 'proj-', s), [s]];
      },
      () => {
        const s = secret(36, 36);
        return [j('gh', 'p_', s), [s]];
      },
      () => {
        const s = secret(24, 99);
        return [j('sk', '_live_', s), [s]];
      },
      () => {
        const s = secret(35, 35);
        return [j('AI', 'za', s), [s]];
      },
      () => {
        const s = secret(16, 16, 'ABCDEFGHIJKLMNOPQRSTUVW0123456789');
        return [j('AK', 'IA', s), [s]];
      },
      () => {
        const s = secret(20, 60);
        return [`Authorization: Bearer ${s}`, [s]];
      },
      () => {
        const s = secret(8, 20);
        const encoded = Buffer.from(`svc:${s}`).toString('base64');
        return [`Authorization: Basic ${encoded}`, [encoded]];
      },
      () => {
        const s = `${secret(86, 86)}==`;
        return [`AccountKey=${s};EndpointSuffix=core.windows.net`, [s]];
      },
      () => {
        const rest = `eyJ${base64url(30)}.${base64url(43)}`;
        return [`${JWT_HEADER}.${rest}`, [rest]];
      },
      () => {
        const lines = [secret(64, 64), secret(64, 64), secret(20, 40)];
        return [pem(pick(['PRIVATE KEY', 'RSA PRIVATE KEY', 'OPENSSH PRIVATE KEY']), lines), lines];
      },
      () => {
        const s = j('https://hooks.slack.com/', 'services/T0123ABCD/B0456EFGH/', secret(24, 24));
        return [s, [s.slice(-24)]];
      },
    ];
    const safe = [
      'password: str',
      'Depends(get_password_hash)',
      'DATABASE_URL=os.environ["DATABASE_URL"]',
      `SECRET_KEY=\${SECRET_KEY}`,
      'token = create_access_token({"sub": user.email})',
      'return {"access_token": token, "token_type": "bearer"}',
      'https://fastapi.tiangolo.com/tutorial/',
      'git@github.com:org/repo.git',
      'postgresql://app@db/prod',
      UUID,
      GIT_SHA,
      'Why does my dependency run twice?',
      'I use Bearer authentication',
      'max_tokens=1024',
      'id = Column(Integer, primary_key=True)',
      '```',
      'FIRST_SUPERUSER_PASSWORD=changethis',
      '@app.get("/items/{item_id}")',
      'async def read_items(skip: int = 0, limit: int = 10):',
      'the password: it must be 8 chars',
      '<@U024BE7LH> thanks!',
      'password=form_data.password',
      'ssl_keyfile="/etc/ssl/private/key.pem"',
    ];
    const joiners = [' ', '\n', '\n\n', ' — ', '\n```\n', ', '];
    const noise = (): string => {
      const parts: string[] = [];
      for (let n = int(0, 4); n > 0; n--) parts.push(pick(safe));
      return parts.join(pick(joiners));
    };

    for (let round = 0; round < 300; round++) {
      const planted: string[] = [];
      const parts: string[] = [noise()];
      for (let n = int(1, 4); n > 0; n--) {
        const [text, values] = pick(planters)();
        parts.push(text, noise());
        planted.push(...values);
      }
      const input = parts.join(pick(joiners));
      const result = redactSecrets(input);
      for (const value of planted) expect(result.text, input).not.toContain(value);
      expect(redactSecrets(result.text).text, input).toBe(result.text);

      const clean = noise();
      expect(redactSecrets(clean), clean).toEqual({ text: clean, redactions: [] });
    }

    // Random punctuation-heavy strings: whatever gets redacted, a second pass changes nothing and nothing throws.
    const alphabet = ':@/="\' \n=abcXYZ019-_.{}[]()<>$#&?;,|`\\';
    for (let round = 0; round < 500; round++) {
      let input = '';
      for (let n = int(0, 300); n > 0; n--) input += alphabet.charAt(Math.floor(random() * alphabet.length));
      if (random() < 0.3)
        input = input.replace(' ', ` ${pick(['password=', 'token: ', 'postgresql://a:', 'Bearer '])}`);
      const once = redactSecrets(input);
      expect(redactSecrets(once.text).text, JSON.stringify(input)).toBe(once.text);
    }
  });

  it('completes on hostile input and never throws', () => {
    const n = 100_000;
    const hostile = [
      ':'.repeat(n),
      '@'.repeat(n),
      '/'.repeat(n),
      '='.repeat(n),
      '"'.repeat(n),
      "'".repeat(n),
      ':@/="\''.repeat(n / 6),
      'a:'.repeat(n / 2),
      'password='.repeat(n / 9),
      'password="'.repeat(n / 10),
      '"password":'.repeat(n / 11),
      'token: str | '.repeat(n / 13),
      `postgresql://a:b@`.repeat(n / 17),
      `x://${'@'.repeat(n)}`,
      `x://a:${':'.repeat(n)}@h`,
      '-----BEGIN PRIVATE KEY-----'.repeat(n / 27),
      `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(n)}`,
      'eyJhbGciOi.'.repeat(n / 11),
      `eyJhbGciOiJ.eyJ${'a'.repeat(n)}`,
      'Bearer '.repeat(n / 7),
      `Bearer ${'a1'.repeat(n / 2)}[`,
      'Basic '.repeat(n / 6),
      'AKIA'.repeat(n / 4),
      `${AWS_ID} ${'A'.repeat(n)}`,
      'sk-'.repeat(n / 3),
      `sk-${'a-'.repeat(n / 2)}`,
      `PASSWORD=${'x'.repeat(n)}`,
      `password: ${'['.repeat(n)}`,
      `token: Optional${'['.repeat(n)}`,
      `"password": "${'\\'.repeat(n)}`,
      'hooks.slack.com/services/'.repeat(n / 25),
      'AccountKey='.repeat(n / 11),
      `auth=("u", "${'p'.repeat(n)}`,
      `${'a'.repeat(n)}:${'b'.repeat(n)}@`,
    ];
    for (const input of hostile) {
      const result = redactSecrets(input);
      expect(typeof result.text).toBe('string');
      expect(Array.isArray(result.redactions)).toBe(true);
    }
    expect(redactSecrets('')).toEqual({ text: '', redactions: [] });
    expect(redactSecrets('\uD800 password="\uDC00abc1"').text).toBe(`\uD800 password="${REDACTED}"`);
    // A JavaScript caller can still pass something else; the answer is empty rather than an exception.
    expect(redactSecrets(undefined as unknown as string)).toEqual({ text: '', redactions: [] });
  });

  it('reports only known kinds with positive counts', () => {
    const result = redactSecrets(SAMPLES.join('\n'));
    for (const redaction of result.redactions) {
      expect(REDACTION_KINDS).toContain(redaction.kind);
      expect(redaction.count).toBeGreaterThan(0);
    }
    expect(result.redactions.map((r) => r.kind)).not.toContain('redaction-failed');
  });
});
