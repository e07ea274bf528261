import { existsSync } from 'node:fs';
import { runDocsCommand } from '../docs/command.js';

/** `npm run docs -- sync|search|eval|info`: the FastAPI docs index (logic in src/docs/). */
if (existsSync('.env')) process.loadEnvFile('.env');
const code = await runDocsCommand(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
