import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { adrTree } from '../adr/tree.js';
import { type Config, loadConfig } from '../config/load.js';
import { feedbackLines } from '../feedback/export.js';
import { phrTree } from '../phr/tree.js';
import { writeRecordsTree } from '../records/export-tree.js';
import { redactSecrets } from '../security/redact.js';
import { openCliStores, type CliStores as Stores } from './open-stores.js';

const USAGE = 'usage: npm run export -- feedback [--since YYYY-MM-DD] | npm run export -- records DIR';

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
async function exportFeedback(stores: Stores, args: readonly string[]): Promise<number> {
  const lines = await feedbackLines(stores.feedback, sinceOf(args), (text) => redactSecrets(text).text);
  for (const line of lines) process.stdout.write(`${line}\n`);
  process.stderr.write(`Exported ${lines.length} answers with feedback\n`);
  return 0;
}

/**
 * `npm run export -- records DIR`: every PHR and ADR in the database, as the Spec-Kit Plus tree
 * (history/prompts/…, history/adr/…) under DIR. Record files there are overwritten; nothing is deleted.
 * Exits 1 when a record could not be written.
 */
async function exportRecords(stores: Stores, dir: string): Promise<number> {
  const root = resolve(dir);
  const phrs = phrTree(await stores.phrStore.allPhrs());
  const adrs = adrTree(await stores.adrs.allAdrs());
  const result = writeRecordsTree(root, [phrs, adrs]);
  for (const note of result.renamed) process.stderr.write(`Note: ${note}\n`);
  for (const problem of result.skipped) process.stderr.write(`Not exported: ${problem}\n`);
  const [phrCount = 0, adrCount = 0] = result.written;
  process.stdout.write(`Exported ${phrCount} PHRs and ${adrCount} ADRs to ${root}\n`);
  return result.skipped.length === 0 ? 0 : 1;
}

async function main(args: readonly string[]): Promise<number> {
  const command = args[0];
  const dir = args[1];
  if (command !== 'feedback' && !(command === 'records' && dir && args.length === 2)) throw new Error(USAGE);
  if (command === 'feedback') sinceOf(args);
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config: Config = loadConfig(process.env, { requireSlack: false, requireAnthropic: false });
  const stores = await openCliStores(config, { mustExist: true });
  try {
    return command === 'feedback'
      ? await exportFeedback(stores, args)
      : await exportRecords(stores, dir ?? '');
  } finally {
    await stores.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Export failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
