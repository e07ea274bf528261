import type { Server } from 'node:http';
import { type RetryOptions, WebClientEvent } from '@slack/web-api';
import { createApproverCheck } from './adr/approvers.js';
import { createAdrFlow } from './adr/flow.js';
import { createAdrInstructionFilter } from './adr/instruction-filter.js';
import { createAdrService } from './adr/service.js';
import { AdrStore } from './adr/store.js';
import { loadAgents, selectAgent } from './agents/load.js';
import { resolveModel } from './agents/models.js';
import { createAnswerQuestion } from './answering/answer-question.js';
import { createConversation } from './answering/conversation.js';
import { BackgroundTasks } from './background.js';
import { withCircuitBreaker } from './claude/circuit-breaker.js';
import { createClaude } from './claude/claude.js';
import type { Config } from './config.js';
import { createRetention } from './housekeeping/retention.js';
import { createOpsRoutes, runReadinessChecks } from './http/ops-routes.js';
import { createRecordPages } from './http/record-pages.js';
import { createHttpServer, listen } from './http/server.js';
import { createSlackGate } from './http/slack-gate.js';
import { createAdmission } from './inbox/admission.js';
import { InboxStore } from './inbox/store.js';
import { createWorker, type Worker } from './inbox/worker.js';
import type { Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { createPhrService, linkSecretFrom } from './phr/service.js';
import { PhrStore } from './phr/store.js';
import { redactSecrets } from './security/redact.js';
import { createSlackAnswering } from './slack/answering-port.js';
import { createSlackApp } from './slack/bolt-app.js';
import { postEphemeral } from './slack/ephemeral.js';
import { callSlack, slackReason } from './slack/errors.js';
import { registerListeners } from './slack/listeners/index.js';
import { usageText } from './slack/texts.js';
import { createUserNames } from './slack/user-names.js';
import { ConversationStore } from './store/conversation-store.js';
import { checkpointInBackground, type Db, openDatabase, openReadinessProbe } from './store/database.js';

export interface BotOptions {
  logger: Logger;
  /** Interface the HTTP server binds; all interfaces by default (tests use 127.0.0.1). */
  host?: string;
  /** Overrides for tests: fast Slack retries, and streamed text sent without waiting to fill a batch. */
  slackRetryConfig?: RetryOptions;
  slackTimeoutMs?: number;
  streamIntervalMs?: number;
  /** Node process metrics on /metrics (tests starting many bots in one process turn them off). */
  processMetrics?: boolean;
  now?: () => Date;
}

export interface RunningBot {
  port: number;
  botUserId: string;
  worker: Worker;
  /** Stops taking work, lets answers in flight finish (up to `graceMs`), closes everything. */
  stop(graceMs?: number): Promise<void>;
}

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Five failures in a row stop calls to Claude for 30 seconds (documented in the README). */
export const CLAUDE_CIRCUIT = { threshold: 5, cooldownMs: 30_000 } as const;

/** Slack's requests are a few kilobytes; anything over a megabyte is refused unread. */
export const SLACK_BODY_LIMIT = 1024 * 1024;

/** How long (ms) answers in flight may finish on SIGTERM before they are left for the next start. */
export const DEFAULT_GRACE_MS = 20_000;

/** Composition root: builds every service from the config and starts serving. */
export async function startBot(config: Config, options: BotOptions): Promise<RunningBot> {
  const { logger } = options;
  const now = options.now ?? (() => new Date());
  const agent = selectAgent(loadAgents(config.agentsDir), config.agentName);
  const model = resolveModel(agent.model, config.anthropic.modelOverride);

  const db: Db = openDatabase(config.databasePath);
  const checkpointer = checkpointInBackground(db, config.databasePath, (error) =>
    logger.error('background checkpoints stopped; SQLite checkpoints on its own again', { error }),
  );
  let server: Server | undefined;
  try {
    const inbox = new InboxStore(db, now);
    const store = new ConversationStore(db, now);
    const phrStore = new PhrStore(db);
    const linkSecret = linkSecretFrom(phrStore, config.recordsLinkSecret);
    // Gauges are read at scrape time; the worker they read exists a few lines below.
    let inFlight = () => 0;
    const metrics = createMetrics({
      queueDepth: () => inbox.openCount() - inFlight(),
      inFlightAnswers: () => inFlight(),
      ...(options.processMetrics === false ? { defaultMetrics: false } : {}),
    });
    const phrService = createPhrService({
      phrStore,
      dataDir: config.dataDir,
      publicBaseUrl: config.publicBaseUrl,
      linkSecret,
      featureChannels: config.featureChannels,
      logger,
      now,
      onRecorded: () => metrics.phrWritten(),
    });
    const claude = withCircuitBreaker(
      createClaude({
        apiKey: config.anthropic.apiKey,
        baseUrl: config.anthropic.baseUrl,
        timeoutMs: config.anthropic.timeoutMs,
        maxRetries: config.anthropic.maxRetries,
      }),
      {
        ...CLAUDE_CIRCUIT,
        onChange: (state) =>
          logger.warn(`claude circuit ${state}`, { cooldown_ms: CLAUDE_CIRCUIT.cooldownMs }),
      },
    );
    const conversation = createConversation({
      store,
      claude,
      agent,
      model,
      maxAnswerTokens: config.anthropic.maxAnswerTokens,
      historyTokenBudget: config.historyTokenBudget,
      outputFilter: createAdrInstructionFilter,
      logger,
      prices: config.modelPrices,
      observer: {
        firstToken: (seconds) => metrics.observeTimeToFirstToken(seconds),
        answered: (seconds, answeredBy, usage, costUsd) => {
          metrics.modelCall('ok');
          metrics.observeTimeToFinalAnswer(seconds);
          metrics.tokens(answeredBy, usage);
          metrics.estimatedCost(answeredBy, costUsd);
        },
        failed: (kind) => metrics.modelCall(kind),
      },
    });

    const slack = createSlackApp({
      botToken: config.slack.botToken,
      signingSecret: config.slack.signingSecret,
      appToken: config.slack.appToken,
      apiUrl: config.slack.apiUrl,
      logger,
      ...(options.slackRetryConfig ? { retryConfig: options.slackRetryConfig } : {}),
      ...(options.slackTimeoutMs ? { requestTimeoutMs: options.slackTimeoutMs } : {}),
    });
    const client = slack.app.client;
    client.on(WebClientEvent.RATE_LIMITED, (_seconds: number, request: { url?: string }) =>
      metrics.slackRateLimited(request.url?.split('/').at(-1) ?? 'unknown'),
    );
    const auth = await callSlack('auth.test', () => client.auth.test()).catch((error: unknown) => {
      throw new StartupError(
        `Slack refused the bot token (${slackReason(error) ?? 'no answer'}): check SLACK_BOT_TOKEN and SLACK_API_URL`,
        { cause: error },
      );
    });
    const botUserId = auth.user_id ?? '';
    await slack.app.init();

    const userNames = createUserNames(client, store, logger, now);
    const textPolicy = {
      maxChars: config.maxQuestionChars,
      ...(config.redactSecrets ? { redact: redactSecrets } : {}),
    };
    const tasks = new BackgroundTasks(logger);
    const adrService = createAdrService({
      adrs: new AdrStore(db, now),
      phrStore,
      conversations: store,
      claude,
      model,
      dataDir: config.dataDir,
      publicBaseUrl: config.publicBaseUrl,
      linkSecret,
      featureChannels: config.featureChannels,
      logger,
      now,
    });
    const adrFlow = createAdrFlow({
      client,
      service: adrService,
      isApprover: createApproverCheck(client, config.adrApprovers, logger),
      userNames,
      tasks,
      logger,
      onEvent: (event) => metrics.adrEvent(event),
    });
    const answerQuestion = createAnswerQuestion({
      inbox,
      store,
      conversation,
      phrService,
      budgetExhausted: (teamId) =>
        config.dailyTokenBudget > 0 &&
        phrStore.tokensSince(teamId, startOfUtcDay(now())) >= config.dailyTokenBudget,
      agentName: agent.name,
      logger,
    });
    const slackAnswering = createSlackAnswering({
      client,
      adrFlow,
      userNames,
      botUserId,
      textPolicy,
      logger,
      onSlackError: (method, code) => metrics.slackApiError(method, code),
      ...(options.streamIntervalMs !== undefined ? { flushIntervalMs: options.streamIntervalMs } : {}),
    });
    const worker = createWorker({
      inbox,
      handle: (question, signal) => answerQuestion(question, slackAnswering, signal),
      concurrency: config.maxConcurrentAnswers,
      logger,
    });
    registerListeners(slack.app, {
      inbox,
      store,
      worker,
      phrService,
      adrService,
      adrFlow,
      tasks,
      admission: createAdmission({
        allowedChannels: config.allowedChannels,
        allowedUsers: config.allowedUsers,
        userQuestionsPerHour: config.userQuestionsPerHour,
        channelQuestionsPerHour: config.channelQuestionsPerHour,
      }),
      limits: { user: config.userQuestionsPerHour, channel: config.channelQuestionsPerHour },
      textPolicy,
      usageReport: (teamId) => {
        const today = startOfUtcDay(now());
        const week = new Date(today.getTime() - 6 * 24 * 60 * 60 * 1000);
        return usageText(phrStore.usageSince(teamId, today), phrStore.usageSince(teamId, week));
      },
      events: {
        accepted: (source) => metrics.questionAccepted(source),
        duplicate: (reason) => metrics.deduplicatedEvent(reason),
        ignored: (reason) => metrics.ignoredEvent(reason),
      },
      tellPrivately: (where, text) =>
        tasks.run('tell privately', () => postEphemeral(client, logger, where, text)),
      logger,
    });

    const recordPages = createRecordPages({
      secret: linkSecret,
      publicBaseUrl: config.publicBaseUrl,
      lookup: (kind, id) => (kind === 'phr' ? phrService.document(id) : adrService.document(id)),
      adrIndex: () => adrService.indexEntries(),
    });
    inFlight = () => worker.inFlight;
    const readinessProbe = openReadinessProbe(config.databasePath);
    const opsRoutes = createOpsRoutes({
      metrics,
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
      logger,
      ready: () =>
        runReadinessChecks({
          database_writable: () => readinessProbe.writable(),
          slack_auth: () => botUserId !== '',
          agent_loaded: () => agent.systemPrompt.length > 0,
        }),
    });
    server = createHttpServer({
      slackListener: slack.http
        ? createSlackGate({
            signingSecret: config.slack.signingSecret ?? '',
            next: slack.http.requestListener,
            bodyLimit: SLACK_BODY_LIMIT,
            logger,
          })
        : undefined,
      routes: [opsRoutes, recordPages],
      onSlackAck: (req, _res, seconds) => metrics.observeAck(slack.surfaceOf(req) ?? 'event', seconds),
      logger,
    });
    const port = await listen(server, config.port, options.host);
    if (slack.socket) await slack.app.start();

    const requeued = inbox.requeueInterrupted();
    logger.info('bot started', {
      mode: config.slack.mode,
      port,
      agent: agent.name,
      model,
      bot_user: botUserId,
      team: auth.team_id,
      open_questions: inbox.openCount(),
      requeued,
    });
    worker.notify();
    tasks.run('restore interrupted ADR drafts', () => adrFlow.restoreInterrupted());
    const retention = createRetention({
      days: config.retentionDays,
      conversations: store,
      inbox,
      phrStore,
      dataDir: config.dataDir,
      logger,
      now,
    });
    const housekeeping = () => {
      try {
        retention.run();
        inbox.forgetEventsBefore(new Date(now().getTime() - 24 * 60 * 60 * 1000));
      } catch (error) {
        logger.error('housekeeping failed', { error });
      }
    };
    housekeeping();
    const housekeepingTimer = setInterval(housekeeping, 60 * 60 * 1000);
    housekeepingTimer.unref();

    let stopped: Promise<void> | undefined;
    const openServer = server;
    return {
      port,
      botUserId,
      worker,
      stop(graceMs = DEFAULT_GRACE_MS) {
        stopped ??= (async () => {
          logger.info('stopping', { in_flight: worker.inFlight });
          clearInterval(housekeepingTimer);
          const closed = new Promise<void>((resolve) => openServer.close(() => resolve()));
          openServer.closeIdleConnections();
          if (slack.socket) await slack.app.stop().catch(() => {});
          await worker.stop(graceMs);
          await tasks.drain();
          openServer.closeAllConnections();
          await closed;
          readinessProbe.close();
          await checkpointer.stop();
          db.close();
          logger.info('stopped');
        })();
        return stopped;
      },
    };
  } catch (error) {
    server?.close();
    await checkpointer.stop();
    db.close();
    throw error;
  }
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
