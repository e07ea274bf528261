import type { Server } from 'node:http';
import type { Agent } from '../agents/load.js';
import type { Config } from '../config/load.js';
import type { DocsLibrary } from '../docs/library.js';
import { createOpsRoutes, runReadinessChecks } from '../http/ops-routes.js';
import { createRecordPages } from '../http/record-pages.js';
import { createHttpServer } from '../http/server.js';
import { createSlackGate } from '../http/slack-gate.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { PhrService } from '../phr/service.js';
import type { Features } from './features.js';
import { SLACK_BODY_LIMIT } from './options.js';
import type { SlackConnection } from './slack.js';
import type { Storage } from './storage.js';

export interface HttpDeps {
  config: Config;
  storage: Storage;
  connection: SlackConnection;
  features: Features;
  phrService: PhrService;
  metrics: Metrics;
  docs: DocsLibrary;
  agent: Agent;
  logger: Logger;
}

export interface Http {
  /** Not listening yet: see listen() in http/server.ts. */
  server: Server;
}

/** The HTTP server: the Slack endpoint behind its gate, record pages, and /healthz, /readyz, /metrics. */
export function serveHttp(deps: HttpDeps): Http {
  const { config, connection, features, metrics, logger } = deps;
  const { slack } = connection;
  const recordPages = createRecordPages({
    secret: deps.storage.linkSecret,
    publicBaseUrl: config.publicBaseUrl,
    lookup: async (kind, id) => {
      if (kind !== 'phr') return features.adrService.document(id);
      const document = await deps.phrService.document(id);
      return document && { ...document, feedback: await features.feedback.summary(id) };
    },
    adrIndex: () => features.adrService.indexEntries(),
    logger,
  });
  const opsRoutes = createOpsRoutes({
    metrics,
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    logger,
    ready: async () => ({
      ...(await runReadinessChecks({
        database_writable: () => deps.storage.writable(),
        slack_auth: () => connection.botUserId !== '',
        agent_loaded: () => deps.agent.systemPrompt.length > 0,
      })),
      // Answers go on without the docs while they sync, so the docs never make the bot unready.
      details: { docs: deps.docs.status() },
    }),
  });
  const server = createHttpServer({
    slackListener: slack.http
      ? createSlackGate({
          signingSecret: config.slack.signingSecret ?? '',
          deliver: slack.http.deliver,
          bodyLimit: SLACK_BODY_LIMIT,
          logger,
        })
      : undefined,
    routes: [opsRoutes, recordPages],
    onSlackAck: (req, _res, seconds) => metrics.observeAck(slack.surfaceOf(req) ?? 'event', seconds),
    logger,
  });
  return { server };
}
