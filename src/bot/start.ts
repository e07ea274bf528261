import type { Server } from 'node:http';
import { loadAgents, selectAgent } from '../agents/load.js';
import { resolveModel } from '../agents/models.js';
import type { Config } from '../config/load.js';
import type { DocsLibrary } from '../docs/library.js';
import { createRetention } from '../housekeeping/retention.js';
import { type Housekeeping, startHousekeeping } from '../housekeeping/schedule.js';
import { listen } from '../http/server.js';
import { buildCore } from './core.js';
import { buildFeatures, type Features } from './features.js';
import { type Http, serveHttp } from './http.js';
import {
  ADR_DRAFT_ABANDONED_MS,
  type BotOptions,
  DEFAULT_GRACE_MS,
  type RunningBot,
  StartupError,
} from './options.js';
import { connectSlack, type SlackConnection } from './slack.js';
import { openStorage, type Storage } from './storage.js';

export {
  type BotOptions,
  CLAUDE_CIRCUIT,
  DEFAULT_GRACE_MS,
  type RunningBot,
  SLACK_BODY_LIMIT,
  StartupError,
} from './options.js';

/** Composition root: builds every service from the config and starts serving. */
export async function startBot(config: Config, options: BotOptions): Promise<RunningBot> {
  const { logger } = options;
  const now = options.now ?? (() => new Date());
  const agent = selectAgent(loadAgents(config.agentsDir), config.agentName);
  const model = resolveModel(agent.model, config.anthropic.modelOverride);

  const storage = await openStorage(config, logger, now);
  let server: Server | undefined;
  try {
    const core = buildCore({
      config,
      storage,
      agent,
      model,
      logger,
      now,
      processMetrics: options.processMetrics,
    });
    const connection = await connectSlack(config, core.metrics, options);
    const features = buildFeatures({ config, storage, core, connection, agent, model, options, now });
    core.countInFlight(() => features.worker.inFlight);
    const http = serveHttp({
      config,
      storage,
      connection,
      features,
      phrService: core.phrService,
      metrics: core.metrics,
      docs: core.docs,
      agent,
      logger,
    });
    server = http.server;
    const port = await listen(server, config.port, options.host).catch((error: unknown) => {
      throw portProblem(error, config.port);
    });
    await startServing({
      config,
      storage,
      connection,
      features,
      logger,
      port,
      agentName: agent.name,
      model,
      now,
    });
    core.docs.start();
    const housekeeping = startHousekeeping({
      retention: createRetention({
        days: config.retentionDays,
        conversations: storage.store,
        inbox: storage.inbox,
        phrStore: storage.phrStore,
        feedback: storage.feedback,
        dataDir: config.dataDir,
        // Replicas each keep a mirror of the shared records: each must age out its own copies.
        mirror: storage.kind === 'postgres',
        logger,
        now,
      }),
      inbox: storage.inbox,
      ...(storage.kind === 'postgres'
        ? { releaseAbandoned: () => features.adrFlow.restoreInterrupted(abandonedDraftsBefore(storage, now)) }
        : {}),
      logger,
      now,
    });
    const stop = createStop({ storage, connection, features, http, housekeeping, docs: core.docs, options });
    return { port, botUserId: connection.botUserId, worker: features.worker, stop };
  } catch (error) {
    server?.close();
    await storage.close();
    throw error;
  }
}

/** A port the bot cannot listen on is the deployer's to fix: one sentence, not a stack trace. */
function portProblem(error: unknown, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new StartupError(
      `Port ${port} is already in use: stop what listens there, or set PORT to a free port.`,
    );
  if (code === 'EACCES')
    return new StartupError(
      `Port ${port} may not be opened by this process (ports under 1024 need privileges): set PORT to another port.`,
    );
  return error;
}

interface ServingParts {
  config: Config;
  storage: Storage;
  connection: SlackConnection;
  features: Features;
  logger: BotOptions['logger'];
  port: number;
  agentName: string;
  model: string;
  now: () => Date;
}

/** Opens the Socket Mode connection, takes back questions a crash interrupted, and starts the worker. */
async function startServing(parts: ServingParts): Promise<void> {
  const { connection, features, storage } = parts;
  if (connection.slack.socket) await connection.slack.app.start();
  const requeued = await storage.inbox.requeueInterrupted();
  parts.logger.info('bot started', {
    mode: parts.config.slack.mode,
    port: parts.port,
    agent: parts.agentName,
    model: parts.model,
    bot_user: connection.botUserId,
    team: connection.teamId,
    open_questions: await storage.inbox.openCount(),
    requeued,
  });
  features.worker.notify();
  features.tasks.run('restore interrupted ADR drafts', () =>
    features.adrFlow.restoreInterrupted(abandonedDraftsBefore(parts.storage, parts.now)),
  );
}

/** One process owns a SQLite file, so at its start every draft is abandoned; replicas wait a while. */
function abandonedDraftsBefore(storage: Storage, now: () => Date): Date {
  return new Date(now().getTime() - (storage.kind === 'sqlite' ? 0 : ADR_DRAFT_ABANDONED_MS));
}

interface StopParts {
  docs: DocsLibrary;
  storage: Storage;
  connection: SlackConnection;
  features: Features;
  http: Http;
  housekeeping: Housekeeping;
  options: BotOptions;
}

/** Stops taking work, lets answers in flight finish (up to `graceMs`), then closes everything, once. */
function createStop(parts: StopParts): RunningBot['stop'] {
  const { logger } = parts.options;
  const { worker, tasks } = parts.features;
  const { server } = parts.http;
  const { slack } = parts.connection;
  let stopped: Promise<void> | undefined;
  return (graceMs = DEFAULT_GRACE_MS) => {
    stopped ??= (async () => {
      logger.info('stopping', { in_flight: worker.inFlight });
      await parts.housekeeping.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (slack.socket) await slack.app.stop().catch(() => {});
      await worker.stop(graceMs);
      await tasks.drain();
      server.closeAllConnections();
      await closed;
      await parts.docs.stop();
      await parts.storage.close();
      logger.info('stopped');
    })();
    return stopped;
  };
}
