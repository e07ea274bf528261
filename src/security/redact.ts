// Secret redaction: composes the detector rules in ./secrets/ and applies their edits to the text.

/**
 * Redaction of secrets pasted into Slack, applied before text reaches the model, the conversation store or a
 * Prompt History Record. Only the secret part is replaced with `[REDACTED]`: user names, hosts, token prefixes,
 * key types and the surrounding quotes stay, so the model can still explain what is wrong with a connection string
 * or a header and code stays syntactically valid.
 *
 * Deliberately left alone, because they are not secrets and the model needs to see them:
 * - references and expressions: `os.environ[...]`, `os.getenv(...)`, `settings.X`, `${VAR}`, `$VAR`, `{{ var }}`,
 *   calls, attribute paths, file paths, Python variables passed as arguments (`password=password`);
 * - placeholders: empty values, `<your-password>`, `***`, `xxxx`, `...`, `changeme`, `changethis`, `example`,
 *   `your-...`, `...-here`, `string` (Swagger UI's sample body), `password`, `secret` and similar words;
 * - type annotations without a value (`password: str`), comparisons (`password == x`);
 * - identifiers that only look random: UUIDs, git shas, hashes outside a secret-named key, URLs without a password,
 *   Stripe publishable keys (`pk_live_...`).
 *
 * Not recognised, because nothing in the text marks them: secrets in plain prose ("my password is hunter2"),
 * `mysql -pSecret`, cookies and session ids, literals passed positionally (`SecretStr("...")`), and all but the
 * first word of an unquoted multi-word value.
 *
 * Every pattern is either anchored on a literal prefix with a bounded or deterministic quantifier, or scanned by
 * hand with a cap, so a hostile 100k-character message costs linear time.
 */

import { prefixedTokenRules, slackWebhookRule } from './secrets/api-tokens.js';
import { keyValueRule } from './secrets/assignments.js';
import { awsKeyRule, azureKeyRule } from './secrets/cloud-keys.js';
import { authTupleRule, basicAuthRule, bearerRule, userFlagRule } from './secrets/http-auth.js';
import { jwtRule } from './secrets/jwt.js';
import { pemRule } from './secrets/private-key.js';
import { type Edit, REDACTED, REDACTION_KINDS, type RedactionKind, type Rule } from './secrets/rule.js';
import { urlPasswordRule } from './secrets/url-password.js';

export interface Redaction {
  kind: string;
  count: number;
}

export interface RedactResult {
  text: string;
  redactions: Redaction[];
}

export { REDACTED, REDACTION_KINDS, type RedactionKind };

/**
 * Passes over the rule list. One pass almost always suffices; the cap bounds the work if a rule's output ever
 * hands an earlier rule a new match.
 */
const MAX_PASSES = 3;

/** Replaces secrets in `text`; idempotent (redacting twice changes nothing more); never throws; linear time. */
export function redactSecrets(text: string): RedactResult {
  if (typeof text !== 'string') return { text: '', redactions: [] };
  const counts = new Map<RedactionKind, number>();
  try {
    let current = text;
    // A rule can uncover a match for an earlier rule (rare); repeating until nothing changes is what makes a
    // second call a no-op. Each pass is linear, and the pass count is fixed.
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let changed = false;
      for (const rule of RULES) {
        const edits = rule(current);
        if (edits.length === 0) continue;
        current = applyEdits(current, edits, counts);
        changed = true;
      }
      if (!changed) break;
    }
    return { text: current, redactions: toRedactions(counts) };
  } catch {
    // A bug here must not leak what it failed to look at: fail closed and say so.
    return { text: REDACTED, redactions: [{ kind: 'redaction-failed', count: 1 }] };
  }
}

function applyEdits(text: string, edits: Edit[], counts: Map<RedactionKind, number>): string {
  let out = '';
  let cursor = 0;
  for (const edit of edits) {
    out += text.slice(cursor, edit.start) + edit.replacement;
    cursor = edit.end;
    for (const kind of edit.kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return out + text.slice(cursor);
}

function toRedactions(counts: Map<RedactionKind, number>): Redaction[] {
  return REDACTION_KINDS.filter((kind) => counts.has(kind)).map((kind) => ({
    kind,
    count: counts.get(kind) ?? 0,
  }));
}

/**
 * Order matters: block and format rules run before the header and key=value rules, so a secret is reported under
 * its most specific kind and the later rules see `[REDACTED]` (which they leave alone) instead of the value.
 */
const RULES: readonly Rule[] = [
  pemRule,
  urlPasswordRule,
  slackWebhookRule,
  ...prefixedTokenRules,
  awsKeyRule,
  azureKeyRule,
  jwtRule,
  bearerRule,
  basicAuthRule,
  authTupleRule,
  userFlagRule,
  keyValueRule,
];
