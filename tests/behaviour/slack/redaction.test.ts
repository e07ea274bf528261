import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import { lastUserText } from '../../helpers/fake-anthropic.js';
import { appMentionEnvelope, nextTs } from '../../helpers/slack-requests.js';

const PASTE = [
  '<@UBOT> why does this fail?',
  'DATABASE_URL=postgresql://app:Sup3rS3cret!@db.internal/prod',
  'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
  'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'headers = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"}',
].join('\n');
const SECRETS = [
  'Sup3rS3cret!',
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'dozjgNryP4J3jVmNHl0w5N',
];
// The question as stored and sent: the mention stripped, each secret replaced in place, what names it kept.
const REDACTED_QUESTION = [
  'why does this fail?',
  'DATABASE_URL=postgresql://app:[REDACTED]@db.internal/prod',
  'aws_access_key_id = AKIA[REDACTED]',
  'aws_secret_access_key = [REDACTED]',
  'headers = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.[REDACTED]"}',
].join('\n');

describe('secrets pasted into Slack', () => {
  it('are redacted before Claude, the database and the PHR see them, keeping their shape', async () => {
    const h = await startHarness();
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: PASTE, ts }));
    await h.slack.waitFor(() => h.slack.messages('C0001', ts).some((m) => m.text.startsWith('PHR-')));

    const sent = JSON.stringify(h.anthropic.requests[0]?.body);
    for (const secret of SECRETS) expect(sent).not.toContain(secret);
    expect(lastUserText(h.anthropic.requests[0]?.body ?? {})).toContain(REDACTED_QUESTION);

    const db = new Database(h.env.DATABASE_PATH as string, { readonly: true });
    expect(db.prepare('SELECT text FROM questions').pluck().all()).toEqual([REDACTED_QUESTION]);
    expect(db.prepare("SELECT text FROM turns WHERE role = 'user'").pluck().all()).toEqual([
      REDACTED_QUESTION,
    ]);
    const dump = JSON.stringify([
      db.prepare('SELECT text FROM turns').all(),
      db.prepare('SELECT text FROM questions').all(),
      db.prepare('SELECT markdown FROM phrs').all(),
    ]);
    db.close();
    for (const secret of SECRETS) expect(dump).not.toContain(secret);

    const folder = join(h.env.DATA_DIR as string, 'history', 'prompts', 'general');
    const record = readFileSync(join(folder, readdirSync(folder)[0] as string), 'utf8');
    for (const secret of SECRETS) expect(record).not.toContain(secret);
    for (const line of REDACTED_QUESTION.split('\n').slice(1)) expect(record).toContain(line);
    for (const secret of SECRETS) expect(JSON.stringify(h.logs)).not.toContain(secret);
    // The log says what kinds were redacted, and how many of each, never the values.
    expect(h.logs.find((l) => l.msg === 'question accepted')?.redacted).toEqual([
      { kind: 'database-url-password', count: 1 },
      { kind: 'aws-access-key-id', count: 1 },
      { kind: 'aws-secret-access-key', count: 1 },
      { kind: 'jwt', count: 1 },
    ]);
  });

  it('are left alone when REDACT_SECRETS=false', async () => {
    const h = await startHarness({ env: { REDACT_SECRETS: 'false' } });
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: PASTE, ts }));
    await h.anthropic.waitFor(() => h.anthropic.requests.length === 1);
    const sent = JSON.stringify(h.anthropic.requests[0]?.body);
    for (const secret of SECRETS) expect(sent).toContain(secret);
    expect(sent).not.toContain('[REDACTED]');
    const accepted = h.logs.find((l) => l.msg === 'question accepted');
    expect(accepted).toMatchObject({ channel: 'C0001' });
    expect(accepted).not.toHaveProperty('redacted');
  });
});
