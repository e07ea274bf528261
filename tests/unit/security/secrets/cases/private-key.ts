// Redaction cases for PEM private key blocks: what is redacted and what is kept.

import { REDACTED } from '../../../../../src/security/redact.js';
import { type Category, PEM_BODY, pem } from '../fixtures.js';

export const PEM_KEYS: Category = {
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
