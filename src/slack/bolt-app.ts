import {
  App,
  type Logger as BoltLogger,
  LogLevel,
  type Receiver,
  type ReceiverEvent,
  SocketModeReceiver,
} from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import { describeError, type LogFields, type Logger } from '../log.js';
import { type AckSurface, DirectReceiver } from './direct-receiver.js';

export type { AckSurface } from './direct-receiver.js';

export interface SlackAppOptions {
  botToken: string;
  /** When set, Socket Mode; otherwise signed HTTP on `POST /slack/events`. */
  appToken: string | undefined;
  apiUrl: string;
  logger: Logger;
  /** Retries of Slack Web API calls (429s and network errors). */
  retryConfig?: RetryOptions;
  /** Per-request timeout of Slack Web API calls. */
  requestTimeoutMs?: number;
}

export interface SlackApp {
  app: App;
  /** What kind of Slack request an HTTP request turned out to be, once it reached Bolt. */
  surfaceOf(req: object): AckSurface | undefined;
  /** Set in HTTP mode: takes `/slack/events` requests from the bot's gate (src/http/slack-gate.ts). */
  http: DirectReceiver | undefined;
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

  let http: DirectReceiver | undefined;
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
      // The listener boundary below has logged the failure; an unacknowledged envelope is redelivered.
      processEventErrorHandler: async () => false,
    });
    receiver = socket;
  } else {
    // The bot's HTTP server reads, verifies and parses every request (src/http/slack-gate.ts) and hands
    // it to this receiver, which runs it like Bolt's HTTPReceiver with `processBeforeResponse: true`:
    // the listener only writes the question down, and the ack waits for that write, so an ack always
    // means the question is stored. A listener failure is answered 500 without a second log line
    // (the listener boundary below has logged it).
    http = new DirectReceiver({ logger: boltLogger });
    receiver = http;
  }

  const app = new BoundaryApp(
    {
      token: options.botToken,
      receiver,
      logger: boltLogger,
      clientOptions,
      deferInitialization: true,
      extendedErrorHandler: true,
      // No listener reads `context.conversation`; Bolt's default in-memory store would be looked up
      // (a promise and a middleware step) on every request, acks included.
      convoStore: false,
    },
    // In Socket Mode Bolt would ack an event before the listener has written it down; deferring the ack
    // to the end of processing gives Socket Mode the guarantee HTTP mode gets from processBeforeResponse.
    Boolean(options.appToken),
  );
  // The Slack listeners' error boundary: every listener's unexpected failure ends here.
  const boundary = async ({ error, body }: { error: Error; body: unknown }): Promise<void> => {
    if (!listenerFailed(options.logger, error, body, app.acknowledged(body))) throw error;
  };
  app.error(boundary);
  return { app, http, socket, surfaceOf: (req) => http?.surfaceOf(req) };
}

/**
 * What to do when a Slack listener threw: logs it once, with the request's Slack ids (never its text),
 * and returns whether the request counts as handled. An event is never handled this way: its ack means
 * "stored", so it stays unacknowledged (HTTP answers 500, Socket Mode sends no ack) and Slack delivers
 * it again. A command or button click the listener already acknowledged keeps its ack (Slack would
 * otherwise show the person an error for work that was taken); one not yet acknowledged is not.
 */
export function listenerFailed(
  logger: Logger,
  error: unknown,
  body: unknown,
  acknowledged: boolean,
): boolean {
  // Bolt wraps an error without a `code` in its UnknownError; the original is what happened.
  const original = (error as { original?: unknown } | null)?.original ?? error;
  const ids = slackRequestIds(body);
  const handled = acknowledged && ids.type !== 'event_callback';
  logger.error('slack listener failed', { ...ids, acknowledged: handled, error: describeError(original) });
  return handled;
}

/** The ids of a Slack request for a log line: what it was, where and who, never its text or tokens. */
export function slackRequestIds(body: unknown): LogFields {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  const record = (value: unknown) =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 60) : undefined);
  const event = record(b.event);
  const fields: LogFields = {
    type: text(b.type) ?? (typeof b.command === 'string' ? 'slash_command' : undefined),
    event_id: text(b.event_id),
    event_type: text(event.type),
    command: text(b.command),
    action: text(record(Array.isArray(b.actions) ? b.actions[0] : undefined).action_id),
    team: text(b.team_id) ?? text(record(b.team).id),
    channel: text(event.channel) ?? text(b.channel_id) ?? text(record(b.channel).id),
    user: text(event.user) ?? text(b.user_id) ?? text(record(b.user).id),
    ts: text(event.ts),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * Notes which requests a listener acknowledged (for the error boundary) and, when `holdAcks` is set,
 * holds every ack until Bolt has run the listeners, then sends it (with whatever response a listener
 * gave). Listeners only record the question or start background work, so holding adds a SQLite write's
 * worth of latency to the ack and makes an ack mean "stored".
 */
class BoundaryApp extends App {
  readonly #acknowledged = new WeakSet<object>();
  readonly #holdAcks: boolean;

  constructor(options: ConstructorParameters<typeof App>[0], holdAcks: boolean) {
    super(options);
    this.#holdAcks = holdAcks;
  }

  acknowledged(body: unknown): boolean {
    return typeof body === 'object' && body !== null && this.#acknowledged.has(body);
  }

  override async processEvent(event: ReceiverEvent): Promise<void> {
    const send = event.ack;
    let acked = false;
    let response: unknown;
    const noted: ReceiverEvent = {
      ...event,
      ack: async (value?: unknown) => {
        acked = true;
        this.#acknowledged.add(event.body);
        if (this.#holdAcks) response = value;
        else await send(value);
      },
    };
    // A listener failure the boundary does not handle rejects here: the event stays unacknowledged,
    // so Slack delivers it again.
    await super.processEvent(noted);
    if (this.#holdAcks && acked) await send(response);
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
