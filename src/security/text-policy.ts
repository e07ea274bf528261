/**
 * What is kept of a message before anything else sees it (Claude, the database, records): secrets
 * redacted, and anything past the length limit cut, with a marker the model and the asker can see.
 */
export interface TextPolicy {
  maxChars: number;
  /** Redacts secrets; absent when REDACT_SECRETS=false. */
  redact?: (text: string) => { text: string; redactions: { kind: string; count: number }[] };
}

export interface PreparedText {
  text: string;
  /** The original length when the message was cut, else null. */
  cutFrom: number | null;
  redactions: { kind: string; count: number }[];
}

const CUT_MARKER = '[… the rest of this message was cut: it had ';

export function prepareText(raw: string, policy: TextPolicy): PreparedText {
  const cut = raw.length > policy.maxChars;
  const kept = cut ? raw.slice(0, policy.maxChars) : raw;
  const redacted = policy.redact ? policy.redact(kept) : { text: kept, redactions: [] };
  return {
    text: cut
      ? `${redacted.text}\n\n${CUT_MARKER}${raw.length} characters and I read the first ${policy.maxChars}]`
      : redacted.text,
    cutFrom: cut ? raw.length : null,
    redactions: redacted.redactions,
  };
}

/** True for a question cut by prepareText, so the answer can tell the asker. */
export function wasCut(text: string): boolean {
  return text.includes(CUT_MARKER);
}

const ATTACHMENT_NOTE = '[attached, and not read: the bot cannot open files or images:';

/**
 * A message's text with a note naming what was attached, so the model (and a later prompt) knows a
 * file was there and that nobody read it. The same for live messages and threads read late.
 */
export function withAttachmentNote(text: string, fileNames: readonly string[]): string {
  if (fileNames.length === 0) return text;
  const note = `${ATTACHMENT_NOTE} ${fileNames.join(', ')}]`;
  return text.trim() ? `${text}\n\n${note}` : note;
}

/** True when a question has no words to answer: a bare mention, or only files. */
export function isWordless(text: string): boolean {
  return (
    text
      .split('\n')
      .filter((line) => !line.startsWith(ATTACHMENT_NOTE))
      .join('')
      .trim() === ''
  );
}
