import { existsSync } from 'node:fs';
import { AgentFileError, AgentsError } from './agents/load.js';
import { UnknownModelError } from './agents/models.js';
import { DEFAULT_GRACE_MS, StartupError, startBot } from './bot/start.js';
import { ConfigError, loadConfig } from './config/load.js';
import { startIdleCollection } from './housekeeping/idle-collection.js';
import { createLogger } from './log.js';
import { DatabaseVersionError } from './store/database.js';

/** Problems a person can fix: printed as one message, without a stack trace. */
const EXPECTED = [
  ConfigError,
  AgentFileError,
  AgentsError,
  UnknownModelError,
  StartupError,
  DatabaseVersionError,
];

async function main(): Promise<void> {
  // A .env file in the working directory fills in variables the environment does not set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, format: process.stdout.isTTY ? 'pretty' : 'json' });
  const bot = await startBot(config, { logger });
  // Garbage from answering is collected between bursts of Slack requests, not during them.
  const idleCollection = startIdleCollection(logger);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('signal received', { signal });
    idleCollection.stop();
    bot.stop(DEFAULT_GRACE_MS).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  // A bug in a library callback must not take every thread's answers down with it: log and go on.
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: reason }));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (EXPECTED.some((type) => error instanceof type)) {
    process.stderr.write(`The bot could not start.\n${(error as Error).message}\n`);
  } else {
    process.stderr.write(
      `The bot could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  }
  process.exit(1);
});
