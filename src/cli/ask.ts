import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadAgents, selectAgent } from '../agents/load.js';
import { resolveModel } from '../agents/models.js';
import { createClaude } from '../claude/claude.js';
import { loadConfig } from '../config.js';
import { createConversation } from '../conversation/conversation.js';
import { prepareText } from '../inbox/question-text.js';
import { createLogger } from '../log.js';
import { createPhrService, linkSecretFrom } from '../phr/service.js';
import { PhrStore } from '../phr/store.js';
import { redactSecrets } from '../security/redact.js';
import { ConversationStore } from '../store/conversation-store.js';
import { openDatabase } from '../store/database.js';
import { StdoutSink } from './stdout-sink.js';

/**
 * `npm run ask -- "How do I paginate?"`: one question through the same conversation service the
 * Slack bot uses, answered on stdout. Proves the core is Slack-free and checks an Anthropic key.
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
  const db = openDatabase(config.databasePath);
  try {
    const phrStore = new PhrStore(db);
    const phrService = createPhrService({
      phrStore,
      dataDir: config.dataDir,
      publicBaseUrl: config.publicBaseUrl,
      linkSecret: linkSecretFrom(phrStore, config.recordsLinkSecret),
      featureChannels: config.featureChannels,
      logger,
    });
    const conversation = createConversation({
      store: new ConversationStore(db),
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
      logger,
    });
    // Each run is its own one-question thread, kept apart from Slack channels by the `cli` channel id.
    const thread = { channelId: 'cli', threadTs: `${Date.now() / 1000}` };
    const userName = process.env.USER ?? 'terminal';
    const prepared = prepareText(question, {
      maxChars: config.maxQuestionChars,
      ...(config.redactSecrets ? { redact: redactSecrets } : {}),
    });
    const outcome = await conversation.answer(
      { thread, userId: null, userName, text: prepared.text, messageTs: null },
      new StdoutSink(),
    );
    if (!outcome.ok) return 1;
    const phr = phrService.record({
      surface: 'cli',
      command: 'npm run ask',
      userName,
      userId: null,
      teamId: null,
      channelId: thread.channelId,
      threadTs: thread.threadTs,
      messageTs: null,
      permalink: null,
      prompt: prepared.text,
      response: outcome.text,
      model: outcome.model,
      usage: outcome.usage,
      latencyMs: outcome.latencyMs,
      costUsd: outcome.costUsd,
      agentName: agent.name,
      failureModes: outcome.notes,
    });
    // The agent prompt asks to confirm the absolute path of the record.
    if (phr?.path) process.stderr.write(`${phr.label} written to ${resolve(config.dataDir, phr.path)}\n`);
    return 0;
  } finally {
    db.close();
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
