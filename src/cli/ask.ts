import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createAdrInstructionFilter } from '../adr/instruction-filter.js';
import { loadAgents, selectAgent } from '../agents/load.js';
import { resolveModel } from '../agents/models.js';
import { createAnswerQuestion } from '../answering/answer-question.js';
import { createConversation } from '../answering/conversation.js';
import { createClaude } from '../claude/claude.js';
import { loadConfig } from '../config/load.js';
import { openDocsIndex } from '../docs/search.js';
import { createLogger } from '../log.js';
import { createPhrService, linkSecretFrom } from '../phr/service.js';
import { numberingFor } from '../records/numbered-files.js';
import { redactSecrets } from '../security/redact.js';
import { prepareText } from '../security/text-policy.js';
import { openCliStores } from './open-stores.js';
import { createTerminalAnswering } from './terminal-answering.js';

/**
 * `npm run ask -- "How do I paginate?"`: one question through the same use case the Slack bot
 * answers with, on the terminal. Proves the core is Slack-free and checks an Anthropic key.
 */
async function ask(question: string): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env, { requireSlack: false });
  // Logs go to stderr so stdout carries only the answer.
  const logger = createLogger({
    level: config.logLevel === 'debug' ? 'debug' : 'warn',
    write: (line) => process.stderr.write(`${line}\n`),
  });
  const agent = selectAgent(loadAgents(config.agentsDir), config.agentName);
  // The configured database (SQLite or DATABASE_URL): the PHR is recorded where the bot's are.
  const stores = await openCliStores(config);
  const docs = existsSync(config.docs.indexPath) ? openDocsIndex(config.docs.indexPath) : null;
  try {
    const { phrStore, store } = stores;
    const phrService = createPhrService({
      phrStore,
      dataDir: config.dataDir,
      publicBaseUrl: config.publicBaseUrl,
      linkSecret: await linkSecretFrom(phrStore, config.recordsLinkSecret),
      featureChannels: config.featureChannels,
      logger,
      numbering: numberingFor(stores.kind),
    });
    const conversation = createConversation({
      store,
      claude: createClaude({
        apiKey: config.anthropic.apiKey,
        baseUrl: config.anthropic.baseUrl,
        timeoutMs: config.anthropic.timeoutMs,
        maxRetries: config.anthropic.maxRetries,
      }),
      agent,
      model: resolveModel(agent.model, config.anthropic.modelOverride),
      maxAnswerTokens: config.anthropic.maxAnswerTokens,
      historyTokenBudget: config.historyTokenBudget,
      outputFilter: createAdrInstructionFilter,
      // Grounded like the bot when `npm run docs -- sync` has built an index; without one, from memory.
      ...(docs ? { docs: () => ({ search: docs, release: docs.meta().release }) } : {}),
      logger,
    });
    const outcome: { state?: 'answered' | 'failed' } = {};
    // The same use case as a Slack question; its inbox transitions are kept in memory here.
    const answerQuestion = createAnswerQuestion({
      inbox: {
        setThread: async () => {},
        setPartial: async () => {},
        finish: async (_id, result) => {
          Object.assign(outcome, result);
          return true;
        },
      },
      store,
      conversation,
      phrService,
      // DAILY_TOKEN_BUDGET is per Slack workspace; the terminal is the operator's own.
      budgetExhausted: async () => false,
      agentName: agent.name,
      logger,
    });
    const userName = process.env.USER ?? 'terminal';
    const prepared = prepareText(question, {
      maxChars: config.maxQuestionChars,
      ...(config.redactSecrets ? { redact: redactSecrets } : {}),
    });
    await answerQuestion(
      {
        id: 0,
        source: 'command',
        teamId: 'cli',
        channelId: 'cli',
        messageKey: 'cli',
        threadTs: null,
        userId: 'terminal',
        userTeamId: null,
        text: prepared.text,
        responseUrl: null,
        state: 'answering',
        attempts: 1,
        partialTs: null,
        createdAt: new Date().toISOString(),
      },
      createTerminalAnswering({ userName, recordPath: (path) => resolve(config.dataDir, path) }),
      new AbortController().signal,
    );
    return outcome.state === 'answered' ? 0 : 1;
  } finally {
    docs?.close();
    await stores.close();
  }
}

const question = process.argv.slice(2).join(' ').trim();
if (!question) {
  process.stderr.write('Usage: npm run ask -- "How do I paginate a FastAPI endpoint?"\n');
  process.exit(2);
}
ask(question).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Could not ask: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
