// What a detector rule is, the kinds of secret rules report, and the helpers rules use to propose edits.

export const REDACTED = '[REDACTED]';

/** Every kind `redactSecrets` reports; `redactions` lists them in this order. */
export const REDACTION_KINDS = [
  'private-key',
  'database-url-password',
  'url-password',
  'slack-webhook-url',
  'slack-token',
  'anthropic-api-key',
  'openai-api-key',
  'github-token',
  'stripe-secret-key',
  'stripe-webhook-secret',
  'google-api-key',
  'aws-access-key-id',
  'aws-secret-access-key',
  'azure-storage-account-key',
  'azure-shared-access-key',
  'jwt',
  'bearer-token',
  'basic-auth',
  'authorization-header',
  'gcp-private-key-id',
  'secret-assignment',
  'redaction-failed',
] as const;

export type RedactionKind = (typeof REDACTION_KINDS)[number];

export interface Edit {
  start: number;
  end: number;
  replacement: string;
  kinds: readonly RedactionKind[];
}

export type Rule = (text: string) => Edit[];

/**
 * Runs a global regex over `text` and collects the edits `onMatch` proposes. Edits never overlap: the next search
 * starts after the last edit, which also keeps the total work linear when `onMatch` consumes past its match.
 */
export function collect(text: string, re: RegExp, onMatch: (m: RegExpExecArray) => Edit | undefined): Edit[] {
  const edits: Edit[] = [];
  let cursor = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    const edit = onMatch(m);
    if (edit === undefined || edit.start < cursor || edit.end < edit.start) continue;
    edits.push(edit);
    cursor = edit.end;
    if (re.lastIndex < edit.end) re.lastIndex = edit.end;
  }
  return edits;
}

/** An edit replacing the last `body.length` characters of match `m` (the secret after a kept prefix). */
export function tailEdit(m: RegExpExecArray, body: string, kind: RedactionKind): Edit {
  const end = m.index + m[0].length;
  return { start: end - body.length, end, replacement: REDACTED, kinds: [kind] };
}
