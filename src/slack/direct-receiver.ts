import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type App,
  type Logger as BoltLogger,
  ErrorCode,
  type Receiver,
  type ReceiverEvent,
  ReceiverInconsistentStateError,
  ReceiverMultipleAckError,
} from '@slack/bolt';

export type AckSurface = 'event' | 'command' | 'action';

/** A Slack request the gate (src/http/slack-gate.ts) has read, verified, parsed and shape-checked. */
export interface SlackDelivery {
  /**
   * The parsed body, as Bolt's HTTPReceiver would have parsed it: an Events API envelope (JSON), a slash
   * command's form fields, or an interaction's `payload=` JSON.
   */
  body: Record<string, unknown>;
  /** `x-slack-retry-num`, parsed as Bolt does. */
  retryNum: number | undefined;
  /** `x-slack-retry-reason`. */
  retryReason: string | undefined;
  req: IncomingMessage;
  res: ServerResponse;
}

export interface DirectReceiverOptions {
  logger: BoltLogger;
  /** Bolt's default: a request nobody acknowledged is answered 404 after this long. */
  unhandledRequestTimeoutMillis?: number;
}

/** Bolt allows a `function_executed` event longer (HTTPResponseAck.determineRequestTimeout). */
const FUNCTION_TIMEOUT_MS = 5001;
/** How often requests still waiting for their ack are looked at (one timer for all of them). */
const SWEEP_MS = 250;

/**
 * Bolt's HTTPReceiver without the HTTP part, for HTTP mode: the bot's gate has already read, verified
 * and parsed the body, and hands it here; this builds the ReceiverEvent as HTTPReceiver does and runs
 * `app.processEvent` with its `processBeforeResponse: true` semantics (the answer, with the ack's body,
 * goes out once processing is done). Saved on every ack: a second parse of the body, and a timer per
 * request (one shared sweep answers a request that waits too long for its ack, with Bolt's 404).
 */
export class DirectReceiver implements Receiver {
  #app: App | undefined;
  readonly #logger: BoltLogger;
  readonly #timeoutMs: number;
  readonly #surfaces = new WeakMap<object, AckSurface>();
  readonly #waiting = new Set<PendingAck>();
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: DirectReceiverOptions) {
    this.#logger = options.logger;
    this.#timeoutMs = options.unhandledRequestTimeoutMillis ?? 3001;
  }

  init(app: App): void {
    this.#app = app;
  }

  /** The bot's HTTP server owns the port; nothing to start. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.#stopSweep();
    return Promise.resolve();
  }

  /** What kind of Slack request an HTTP request was, once it was delivered (for ack metrics). */
  surfaceOf(req: object): AckSurface | undefined {
    return this.#surfaces.get(req);
  }

  /** The gate's hand-off; resolves once the request is answered. */
  readonly deliver = (delivery: SlackDelivery): Promise<void> => this.#handle(delivery);

  async #handle({ body, retryNum, retryReason, req, res }: SlackDelivery): Promise<void> {
    // HTTPReceiver.handleIncomingEvent, in its order: SSL check, URL verification, then the app.
    if (body.ssl_check === '1') return respond(res, undefined);
    if (body.type === 'url_verification') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ challenge: body.challenge }));
      return;
    }
    const app = this.#app;
    if (!app) throw new ReceiverInconsistentStateError('The receiver was given a request before init(app).');
    this.#surfaces.set(req, surfaceOf(body));
    const ack = new PendingAck(res, performance.now() + this.#timeoutFor(body), this.#waiting);
    this.#wait(ack);
    const event: ReceiverEvent = { body, ack: ack.fn, retryNum, retryReason, customProperties: {} };
    try {
      await app.processEvent(event);
      if (ack.stored !== undefined) {
        if (res.headersSent) this.#logger.debug('stored response not sent: the request was already answered');
        else respond(res, ack.stored);
      } else this.#unhandled(res, 'after the listeners ran');
    } catch (error) {
      processEventFailed(error, res);
    } finally {
      ack.done();
    }
  }

  #timeoutFor(body: Record<string, unknown>): number {
    const event = body.event as { type?: unknown } | null | undefined;
    return event?.type === 'function_executed' ? FUNCTION_TIMEOUT_MS : this.#timeoutMs;
  }

  #wait(ack: PendingAck): void {
    this.#waiting.add(ack);
    this.#sweep ??= setInterval(() => this.#sweepWaiting(), SWEEP_MS).unref();
  }

  #sweepWaiting(): void {
    const now = performance.now();
    for (const ack of this.#waiting) {
      if (ack.deadline > now) continue;
      ack.done();
      this.#unhandled(ack.res, `within ${Math.round(this.#timeoutMs / 1000)} seconds`);
    }
    if (this.#waiting.size === 0) this.#stopSweep();
  }

  #stopSweep(): void {
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = undefined;
  }

  /** Bolt's defaultUnhandledRequestHandler: nobody acknowledged the request. */
  #unhandled(res: ServerResponse, when: string): void {
    if (res.headersSent) return;
    this.#logger.error(
      `An incoming event was not acknowledged ${when}. Ensure that the ack() argument is called in a listener.`,
    );
    res.writeHead(404);
    res.end();
  }
}

/** One request's ack: HTTPResponseAck with `processBeforeResponse: true`, minus its timer. */
class PendingAck {
  acked = false;
  /** What the ack said ('' for none); sent once processing is done. */
  stored: unknown = undefined;

  constructor(
    readonly res: ServerResponse,
    readonly deadline: number,
    private readonly waiting: Set<PendingAck>,
  ) {}

  readonly fn = async (response?: unknown): Promise<void> => {
    if (this.acked) throw new ReceiverMultipleAckError();
    this.acked = true;
    this.done();
    this.stored = response ? response : '';
  };

  /** Acknowledged, answered or given up on: no longer waited for. */
  done(): void {
    this.waiting.delete(this);
  }
}

/**
 * The bot's processEventErrorHandler: the listener boundary (bolt-app.ts) has logged the failure, so
 * no second line; answer 500 unless the answer is out. An authorization failure is answered 401 and
 * counts as acknowledged, as in Bolt's default handler. Returns whether the request counts as acknowledged.
 */
export function processEventFailed(error: unknown, res: ServerResponse): boolean {
  if (res.headersSent) return false;
  if ((error as { code?: unknown } | null)?.code === ErrorCode.AuthorizationError) {
    res.writeHead(401);
    res.end();
    return true;
  }
  res.writeHead(500);
  res.end();
  return false;
}

/** HTTPModuleFunctions.buildContentResponse: empty, text as is, anything else as JSON. */
function respond(res: ServerResponse, body: unknown): void {
  if (!body) {
    res.writeHead(200);
    res.end();
  } else if (typeof body === 'string') {
    res.writeHead(200);
    res.end(body);
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** For ack metrics: an Events API envelope, a slash command, or an interaction. */
function surfaceOf(body: Record<string, unknown>): AckSurface {
  if (body.type === 'event_callback') return 'event';
  return typeof body.command === 'string' ? 'command' : 'action';
}
