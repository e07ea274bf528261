import type { AnsweringPort, ThreadNotice } from '../answering/port.js';
import type { ThreadKey } from '../store/conversation-store.js';
import { StdoutSink } from './stdout-sink.js';

const NOTICES: Record<ThreadNotice, string> = {
  wordless: 'Ask a question in words: npm run ask -- "How do I paginate a FastAPI endpoint?"',
  budget: "Today's Claude budget (DAILY_TOKEN_BUDGET) is used up.",
  delivery_failed: 'Something went wrong while writing the answer; please ask again.',
};

/**
 * `npm run ask` as a surface: the answer streams to stdout; notes, the record's path and decisions
 * worth an ADR go to stderr, so stdout carries only the answer.
 */
export function createTerminalAnswering(options: {
  userName: string;
  /** Absolute path of a record file, for the confirmation the agent prompt asks for. */
  recordPath: (path: string) => string;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}): AnsweringPort {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const say = async (text: string) => {
    err.write(`${text}\n`);
    return null;
  };
  return {
    surface: 'cli',
    commandLabel: () => 'npm run ask',
    failureReason: () => undefined,
    // Each run is its own one-question thread, kept apart from Slack channels by the `cli` channel id.
    openThread: async () => `${Date.now() / 1000}`,
    readEarlier: async () => [],
    sink: () => new StdoutSink(out, err),
    notify: (_thread: ThreadKey, notice) => say(NOTICES[notice]),
    markInterrupted: async () => {},
    explainUnpostable: async (_question, reason) => {
      await say(`Could not answer here: ${reason}`);
    },
    permalink: async () => null,
    showRecord: async (_thread, phr) => {
      if (phr.path) await say(`${phr.label} written to ${options.recordPath(phr.path)}`);
    },
    offerAdr: async (suggestion) => {
      await say(
        `Architectural decision detected: ${suggestion.title}. Record it from Slack with /fastapi adr.`,
      );
    },
    userName: async () => options.userName,
  };
}
