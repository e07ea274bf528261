// JSON Web Tokens: the payload and signature go, the header stays.

import { collect, type Rule, tailEdit } from './rule.js';

/** Header, payload and signature; the header (algorithm and type) stays because answers about JWTs need it. */
const JWT_RE = /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{5,})\.(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)/g;

export const jwtRule: Rule = (text) => collect(text, JWT_RE, (m) => tailEdit(m, m[2] ?? '', 'jwt'));
