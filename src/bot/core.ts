import { createAdrInstructionFilter } from '../adr/instruction-filter.js';
import type { Agent } from '../agents/load.js';
import { type Conversation, createConversation } from '../answering/conversation.js';
import { withCircuitBreaker } from '../claude/circuit-breaker.js';
import { type Claude, createClaude } from '../claude/claude.js';
import type { Config } from '../config/load.js';
import { createDocsLibrary, type DocsLibrary } from '../docs/library.js';
import type { Logger } from '../log.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { createPhrService, type PhrService } from '../phr/service.js';
import { numberingFor } from '../records/numbered-files.js';
import { CLAUDE_CIRCUIT } from './options.js';
import type { Storage } from './storage.js';

export interface CoreOptions {
  config: Config;
  storage: Storage;
  agent: Agent;
  model: string;
  logger: Logger;
  now: () => Date;
  processMetrics: boolean | undefined;
}

export interface Core {
  metrics: Metrics;
  phrService: PhrService;
  claude: Claude;
  conversation: Conversation;
  /** The FastAPI docs index answers are grounded in (started with the bot, synced in the background). */
  docs: DocsLibrary;
  /** The in-flight gauge reads this once the worker exists; until then it reads 0. */
  countInFlight(read: () => number): void;
}

/** The Slack-free core: metrics, PHRs, Claude behind its circuit breaker, and the conversation. */
export function buildCore(options: CoreOptions): Core {
  const { config, storage, logger } = options;
  // Gauges are read at scrape time; the worker they read is built later (see countInFlight).
  let inFlight = () => 0;
  const metrics = createMetrics({
    queueDepth: async () => (await storage.inbox.openCount()) - inFlight(),
    inFlightAnswers: () => inFlight(),
    ...(options.processMetrics === false ? { defaultMetrics: false } : {}),
  });
  const phrService = createPhrService({
    phrStore: storage.phrStore,
    dataDir: config.dataDir,
    publicBaseUrl: config.publicBaseUrl,
    linkSecret: storage.linkSecret,
    featureChannels: config.featureChannels,
    logger,
    now: options.now,
    onRecorded: () => metrics.phrWritten(),
    numbering: numberingFor(storage.kind),
  });
  const claude = createGuardedClaude(config, logger);
  const docs = createDocsLibrary({ config: config.docs, logger });
  const conversation = createConversation({
    store: storage.store,
    claude,
    agent: options.agent,
    model: options.model,
    maxAnswerTokens: config.anthropic.maxAnswerTokens,
    historyTokenBudget: config.historyTokenBudget,
    outputFilter: createAdrInstructionFilter,
    docs: () => {
      const open = docs.current();
      return open ? { search: open.index, release: open.meta.release } : null;
    },
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
  return {
    metrics,
    phrService,
    claude,
    conversation,
    docs,
    countInFlight: (read) => {
      inFlight = read;
    },
  };
}

function createGuardedClaude(config: Config, logger: Logger): Claude {
  return withCircuitBreaker(
    createClaude({
      apiKey: config.anthropic.apiKey,
      baseUrl: config.anthropic.baseUrl,
      timeoutMs: config.anthropic.timeoutMs,
      maxRetries: config.anthropic.maxRetries,
    }),
    {
      ...CLAUDE_CIRCUIT,
      onChange: (state) => logger.warn(`claude circuit ${state}`, { cooldown_ms: CLAUDE_CIRCUIT.cooldownMs }),
    },
  );
}
