// Redaction cases for Bearer, Basic and other HTTP credentials: what is redacted and what is kept.

import { REDACTED } from '../../../../../src/security/redact.js';
import { BASIC_CREDENTIALS, type Category } from '../fixtures.js';

export const AUTH_HEADERS: Category = {
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
