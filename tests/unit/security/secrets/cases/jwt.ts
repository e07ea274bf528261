// Redaction cases for JSON Web Tokens: what is redacted and what is kept.

import { REDACTED } from '../../../../../src/security/redact.js';
import { type Category, JWT, JWT_HEADER } from '../fixtures.js';

export const JWTS: Category = {
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
