import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { feedbackLines } from '../feedback/export.js';
import { SqliteFeedbackStore } from '../feedback/store-sqlite.js';
import { redactSecrets } from '../security/redact.js';
import { openDatabase } from '../store/database.js';

const USAGE = 'usage: npm run export -- feedback [--since YYYY-MM-DD]';

function sinceOf(args: readonly string[]): Date {
  const at = args.indexOf('--since');
  if (at === -1) return new Date(0);
  const value = args[at + 1] ?? '';
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()))
    throw new Error(`--since needs a date (YYYY-MM-DD), not "${value}"\n${USAGE}`);
  return date;
}

/**
 * `npm run export -- feedback [--since DATE]`: answers that got feedback, as JSON Lines on stdout
 * (question, answer, sources, votes, comments; redacted), for building evals.
 */
async function exportFeedback(args: readonly string[]): Promise<number> {
  if (args[0] !== 'feedback') throw new Error(USAGE);
  const since = sinceOf(args);
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env, { requireSlack: false, requireAnthropic: false });
  if (!existsSync(config.databasePath))
    throw new Error(`no database at ${config.databasePath} (DATABASE_PATH)`);
  const db = openDatabase(config.databasePath);
  try {
    const lines = await feedbackLines(new SqliteFeedbackStore(db), since, (text) => redactSecrets(text).text);
    for (const line of lines) process.stdout.write(`${line}\n`);
    return lines.length;
  } finally {
    db.close();
  }
}

try {
  const count = await exportFeedback(process.argv.slice(2));
  process.stderr.write(`Exported ${count} answers with feedback\n`);
} catch (error) {
  process.stderr.write(`Export failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
