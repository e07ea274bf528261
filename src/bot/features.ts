import { createApproverCheck } from '../adr/approvers.js';
import { type AdrFlow, createAdrFlow } from '../adr/flow.js';
import { type AdrService, createAdrService } from '../adr/service.js';
import type { Agent } from '../agents/load.js';
import { createAnswerQuestion } from '../answering/answer-question.js';
import { BackgroundTasks } from '../background.js';
import type { Config } from '../config/load.js';
import { createFeedbackService, type FeedbackService } from '../feedback/service.js';
import { createAdmission } from '../inbox/admission.js';
import { createWorker, type Worker } from '../inbox/worker.js';
import { createUsage, type TeamUsage } from '../phr/usage.js';
import { numberingFor } from '../records/numbered-files.js';
import { redactSecrets } from '../security/redact.js';
import type { TextPolicy } from '../security/text-policy.js';
import { createSlackAnswering } from '../slack/answering-port.js';
import { type AppHome, createAppHome } from '../slack/app-home.js';
import { createMemberCheck } from '../slack/channel-members.js';
import { postEphemeral } from '../slack/ephemeral.js';
import { registerListeners } from '../slack/listeners/index.js';
import { usageText } from '../slack/texts.js';
import { createUserNames, type UserNames } from '../slack/user-names.js';
import type { Core } from './core.js';
import type { BotOptions } from './options.js';
import type { SlackConnection } from './slack.js';
import type { Storage } from './storage.js';

export interface FeatureDeps {
  config: Config;
  storage: Storage;
  core: Core;
  connection: SlackConnection;
  agent: Agent;
  model: string;
  options: BotOptions;
  now: () => Date;
}

export interface Features {
  tasks: BackgroundTasks;
  adrService: AdrService;
  adrFlow: AdrFlow;
  worker: Worker;
  feedback: FeedbackService;
}

/** The ADR flow, the answering worker, and the Slack listeners that feed them. */
export function buildFeatures(deps: FeatureDeps): Features {
  const { config, connection, now } = deps;
  const { logger } = deps.options;
  const userNames = createUserNames(connection.client, deps.storage.store, logger, now);
  const textPolicy: TextPolicy = {
    maxChars: config.maxQuestionChars,
    ...(config.redactSecrets ? { redact: redactSecrets } : {}),
  };
  const usage = createUsage(deps.storage.phrStore, { dailyTokenBudget: config.dailyTokenBudget, now });
  const tasks = new BackgroundTasks(logger);
  const { adrService, adrFlow, isApprover } = buildAdr(deps, userNames, tasks);
  const worker = buildWorker(deps, { adrFlow, userNames, textPolicy, usage });
  const home = createAppHome({
    client: connection.client,
    phrService: deps.core.phrService,
    adrService,
    isApprover,
    isMember: createMemberCheck(connection.client, logger),
    docs: deps.core.docs,
    logger,
  });
  const feedback = createFeedbackService({
    store: deps.storage.feedback,
    textPolicy,
    logger,
    now,
    onVote: (vote) => deps.core.metrics.feedbackVote(vote),
    onComment: () => deps.core.metrics.feedbackComment(),
  });
  listen(deps, { tasks, adrService, adrFlow, worker, feedback, textPolicy, usage, home });
  return { tasks, adrService, adrFlow, worker, feedback };
}

function buildAdr(deps: FeatureDeps, userNames: UserNames, tasks: BackgroundTasks) {
  const { config, storage, connection, now } = deps;
  const { logger } = deps.options;
  const adrService = createAdrService({
    adrs: storage.adrs,
    phrStore: storage.phrStore,
    conversations: storage.store,
    claude: deps.core.claude,
    model: deps.model,
    dataDir: config.dataDir,
    publicBaseUrl: config.publicBaseUrl,
    linkSecret: storage.linkSecret,
    featureChannels: config.featureChannels,
    logger,
    now,
    numbering: numberingFor(storage.kind),
  });
  const isApprover = createApproverCheck(connection.client, config.adrApprovers, logger);
  const adrFlow = createAdrFlow({
    client: connection.client,
    service: adrService,
    isApprover,
    userNames,
    tasks,
    logger,
    onEvent: (event) => deps.core.metrics.adrEvent(event),
  });
  return { adrService, adrFlow, isApprover };
}

function buildWorker(
  deps: FeatureDeps,
  edge: { adrFlow: AdrFlow; userNames: UserNames; textPolicy: TextPolicy; usage: TeamUsage },
): Worker {
  const { config, storage, core, options } = deps;
  const answerQuestion = createAnswerQuestion({
    inbox: storage.inbox,
    store: storage.store,
    conversation: core.conversation,
    phrService: core.phrService,
    budgetExhausted: (teamId) => edge.usage.budgetExhausted(teamId),
    agentName: deps.agent.name,
    logger: options.logger,
  });
  const slackAnswering = createSlackAnswering({
    client: deps.connection.client,
    adrFlow: edge.adrFlow,
    userNames: edge.userNames,
    botUserId: deps.connection.botUserId,
    textPolicy: edge.textPolicy,
    logger: options.logger,
    onSlackError: (method, code) => core.metrics.slackApiError(method, code),
    ...(options.streamIntervalMs !== undefined ? { flushIntervalMs: options.streamIntervalMs } : {}),
  });
  return createWorker({
    inbox: storage.inbox,
    handle: (question, signal) => answerQuestion(question, slackAnswering, signal),
    concurrency: config.maxConcurrentAnswers,
    logger: options.logger,
    ...(storage.sharedInbox ? { shared: storage.sharedInbox } : {}),
  });
}

function listen(
  deps: FeatureDeps,
  built: Features & { textPolicy: TextPolicy; usage: TeamUsage; home: AppHome },
): void {
  const { config, storage, core, connection } = deps;
  const { logger } = deps.options;
  const { tasks } = built;
  registerListeners(connection.slack.app, {
    inbox: storage.inbox,
    store: storage.store,
    worker: built.worker,
    phrService: core.phrService,
    adrService: built.adrService,
    adrFlow: built.adrFlow,
    feedback: built.feedback,
    tasks,
    admission: createAdmission({
      allowedChannels: config.allowedChannels,
      allowedUsers: config.allowedUsers,
      userQuestionsPerHour: config.userQuestionsPerHour,
      channelQuestionsPerHour: config.channelQuestionsPerHour,
      ...(storage.rateWindows ? { windows: storage.rateWindows } : {}),
    }),
    limits: { user: config.userQuestionsPerHour, channel: config.channelQuestionsPerHour },
    textPolicy: built.textPolicy,
    docs: core.docs,
    home: built.home,
    usageReport: async (teamId) => {
      const { today, week } = await built.usage.usageWindows(teamId);
      return usageText(today, week, await built.feedback.recentCounts(teamId, 7));
    },
    events: {
      accepted: (source) => core.metrics.questionAccepted(source),
      duplicate: (reason) => core.metrics.deduplicatedEvent(reason),
      ignored: (reason) => core.metrics.ignoredEvent(reason),
    },
    tellPrivately: (where, text) =>
      tasks.run('tell privately', () => postEphemeral(connection.client, logger, where, text)),
    logger,
  });
}
