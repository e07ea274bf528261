// Cloud provider keys: AWS access key ids with their secret, Azure storage and Service Bus keys.

import { collect, REDACTED, type Rule, tailEdit } from './rule.js';

// AWS: the key id, and a secret access key on the same line after it (CSV exports, `aws configure` pastes).
const AWS_KEY_ID_RE = /(?<![A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const AWS_SECRET_RE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/;
/** How far after a key id a secret is looked for; keeps the search bounded on one huge line. */
const AWS_SECRET_WINDOW = 200;

export const awsKeyRule: Rule = (text) =>
  collect(text, AWS_KEY_ID_RE, (m) => {
    const prefix = m[1] ?? 'AKIA';
    const idEnd = m.index + m[0].length;
    let windowEnd = idEnd;
    const limit = Math.min(text.length, idEnd + AWS_SECRET_WINDOW);
    while (windowEnd < limit && text.charAt(windowEnd) !== '\n') windowEnd++;
    const window = text.slice(idEnd, windowEnd);
    const secret = AWS_SECRET_RE.exec(window);
    // Mixed case tells a base64 secret from a 40-character hex sha on the same line.
    if (secret === null || !/[a-z]/.test(secret[0]) || !/[A-Z]/.test(secret[0])) {
      return {
        start: m.index,
        end: idEnd,
        replacement: `${prefix}${REDACTED}`,
        kinds: ['aws-access-key-id'],
      };
    }
    const between = window.slice(0, secret.index);
    return {
      start: m.index,
      end: idEnd + secret.index + secret[0].length,
      replacement: `${prefix}${REDACTED}${between}${REDACTED}`,
      kinds: ['aws-access-key-id', 'aws-secret-access-key'],
    };
  });

/** Azure storage and Service Bus connection strings: `AccountKey=...;` / `SharedAccessKey=...;`. */
const AZURE_KEY_RE = /(?<![A-Za-z0-9])(AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{16,}={0,2})/g;

export const azureKeyRule: Rule = (text) =>
  collect(text, AZURE_KEY_RE, (m) => {
    const kind = m[1] === 'AccountKey' ? 'azure-storage-account-key' : 'azure-shared-access-key';
    return tailEdit(m, m[2] ?? '', kind);
  });
