import {
  App,
  type Logger as BoltLogger,
  HTTPReceiver,
  LogLevel,
  type Receiver,
  type ReceiverEvent,
  SocketModeReceiver,
} from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import { describeError, type Logger } from './log.js';

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string | undefined;
  /** When set, Socket Mode; otherwise signed HTTP on `POST /slack/events`. */
  appToken: string | undefined;
  apiUrl: string;
  logger: Logger;
  /** Retries of Slack Web API calls (429s and network errors). */
  retryConfig?: RetryOptions;
  /** Per-request timeout of Slack Web API calls. */
  requestTimeoutMs?: number;
}

export type AckSurface = 'event' | 'command' | 'action';

export interface SlackApp {
  app: App;
  /** What kind of Slack request an HTTP request turned out to be, once Bolt has read it. */
  surfaceOf(req: object): AckSurface | undefined;
  /** Set in HTTP mode: the request listener the bot's HTTP server hands `/slack/events` to. */
  http: HTTPReceiver | undefined;
  /** Set in Socket Mode. */
  socket: SocketModeReceiver | undefined;
}

/**
 * A chat bot should give up on Slack within a minute, not the Web API client's default of ten
 * retries over half an hour (which also pauses every other call meanwhile). 429s honour
 * Retry-After on top of this.
 */
export const CHAT_BOT_RETRY: RetryOptions = {
  retries: 4,
  factor: 2,
  minTimeout: 1_000,
  maxTimeout: 15_000,
  randomize: true,
};

/** Builds the Bolt app; listeners are registered by the caller once every service exists. */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const boltLogger = toBoltLogger(options.logger.child({ component: 'bolt' }));
  const clientOptions = {
    slackApiUrl: options.apiUrl,
    retryConfig: options.retryConfig ?? CHAT_BOT_RETRY,
    timeout: options.requestTimeoutMs ?? 30_000,
  };

  const surfaces = new WeakMap<object, AckSurface>();
  let http: HTTPReceiver | undefined;
  let socket: SocketModeReceiver | undefined;
  let receiver: Receiver;
  if (options.appToken) {
    socket = new SocketModeReceiver({
      appToken: options.appToken,
      logger: boltLogger,
      // The socket client's own calls (apps.connections.open on every reconnect) should keep trying
      // for as long as Slack is away, unlike a post in a thread; it gets its own options object
      // because it would otherwise write its retry policy into the one the listeners share.
      installerOptions: { clientOptions: { ...clientOptions, retryConfig: { retries: 100, factor: 1.3 } } },
    });
    receiver = socket;
  } else {
    http = new HTTPReceiver({
      signingSecret: options.signingSecret ?? '',
      endpoints: ['/slack/events'],
      logger: boltLogger,
      // The listener only writes the question to SQLite; answering waits until that write is done,
      // so an ack always means the question is safe on disk.
      processBeforeResponse: true,
      // The bot's HTTP server verifies every request's signature before Bolt sees it
      // (src/http/slack-gate.ts); this receiver is never reachable any other way.
      signatureVerification: false,
      // Bolt hands us each request after reading and verifying it: note what it was, for ack metrics.
      customPropertiesExtractor: (req) => {
        const body = (req as { rawBody?: Buffer }).rawBody?.subarray(0, 8).toString() ?? '';
        surfaces.set(
          req,
          body.startsWith('{') ? 'event' : body.startsWith('payload=') ? 'action' : 'command',
        );
        return {};
      },
    });
    receiver = http;
  }

  // In Socket Mode Bolt would ack an event before the listener has written it down; deferring the ack
  // to the end of processing gives Socket Mode the guarantee HTTP mode gets from processBeforeResponse.
  const app = new (options.appToken ? AckAfterProcessingApp : App)({
    token: options.botToken,
    receiver,
    logger: boltLogger,
    clientOptions,
    deferInitialization: true,
    // No listener reads `context.conversation`; Bolt's default in-memory store would be looked up
    // (a promise and a middleware step) on every request, acks included.
    convoStore: false,
  });
  app.error(async (error) => {
    options.logger.error('slack listener failed', { error: describeError(error) });
    // Rethrown so the request is not acknowledged as if it had been stored: HTTP answers 500 and Socket
    // Mode sends no ack, and Slack delivers the event again.
    throw error;
  });
  return { app, http, socket, surfaceOf: (req) => surfaces.get(req) };
}

/**
 * Holds every ack until Bolt has run the listeners, then sends it (with whatever response a listener
 * gave). Listeners only record the question or start background work, so this adds a SQLite write's
 * worth of latency to the ack and makes an ack mean "stored".
 */
class AckAfterProcessingApp extends App {
  override async processEvent(event: ReceiverEvent): Promise<void> {
    const send = event.ack;
    let acked = false;
    let response: unknown;
    const held: ReceiverEvent = {
      ...event,
      ack: async (value?: unknown) => {
        acked = true;
        response = value;
      },
    };
    // A failed listener leaves the event unacknowledged, so Slack delivers it again.
    await super.processEvent(held);
    if (acked) await send(response);
  }
}

/** Bolt and the Web API client log through ours, so every line is structured and leveled alike. */
function toBoltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = (logger.level as LogLevel) ?? LogLevel.INFO;
  const text = (parts: unknown[]) =>
    parts
      .map((part) =>
        part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part),
      )
      .join(' ');
  return {
    debug: (...parts: unknown[]) => logger.debug(text(parts)),
    info: (...parts: unknown[]) => logger.info(text(parts)),
    warn: (...parts: unknown[]) => logger.warn(text(parts)),
    error: (...parts: unknown[]) => logger.error(text(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
