// A loopback stand-in for Slack's Web API, response_url endpoints and Socket Mode, speaking the wire formats
// that @slack/web-api 8, @slack/socket-mode 3 and Bolt 5 use. Tests start it on 127.0.0.1, port 0.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { DEFAULT_APP_ID, nextTs, nextUuid, observeTs, tsSortKey } from './slack-requests.js';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  /** When the request arrived, in `performance.now()` milliseconds (for asserting waits such as Retry-After). */
  at: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text: string;
  blocks?: unknown[];
  /** For seeded history: e.g. `file_share`, with its `files`. */
  subtype?: string;
  files?: unknown[];
  streaming: boolean;
  ephemeralFor?: string;
}

export type SlackFailure =
  | { error: string }
  | { status: number; retryAfter?: number; body?: string }
  | { hang: true };

export interface FakeSlackOptions {
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** When set, Web API calls (other than apps.connections.open) must use this token, else `invalid_auth`. */
  token?: string;
}

export interface WaitOptions {
  timeoutMs?: number;
  what?: string;
}

export interface SocketSendOptions {
  /** Sets `retry_attempt` / `retry_reason` on an events_api envelope, as Slack does on redelivery. */
  retryAttempt?: number;
  retryReason?: string;
  /** How long to wait for the ack (default 5000 ms; Slack itself gives up after 3 s). */
  timeoutMs?: number;
  /**
   * Which open connection carries it, in the order they connected (Slack spreads envelopes over an
   * app's connections); default the newest.
   */
  connection?: number;
}

export interface FakeSocketMode {
  /** Resolves once `count` (default 1) connections are open and have been sent `hello`. */
  connected(count?: number): Promise<void>;
  /** Sends an envelope to the newest connection; resolves with the ack's `payload` (`{}` for a bare ack). */
  send(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: Record<string, unknown>,
    opts?: SocketSendOptions,
  ): Promise<Record<string, unknown> | undefined>;
  /** Every ack received, in order. */
  readonly acks: { envelope_id: string; payload: Record<string, unknown> | undefined }[];
}

// ---------------------------------------------------------------------------------------------------------
// Small typed accessors for recorded `Record<string, unknown>` values
// ---------------------------------------------------------------------------------------------------------

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Limits (docs/platform-facts.md): enforced so tests can prove the bot stays inside them
// ---------------------------------------------------------------------------------------------------------

const MAX_TEXT = 40_000;
const MAX_MARKDOWN = 12_000;
const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3_000;
const MAX_SECTION_FIELD = 2_000;
const MAX_HEADER_TEXT = 150;
const MAX_ID = 255;
const MAX_BUTTON_VALUE = 2_000;
const MAX_LOADING_MESSAGES = 10;
const MAX_VIEW_BLOCKS = 100;
const MAX_PRIVATE_METADATA = 3_000;
const MAX_SUGGESTED_PROMPTS = 4;
const TASK_STATUSES = new Set(['pending', 'in_progress', 'complete', 'error']);
const DEFAULT_REPLIES_LIMIT = 1_000;

// WebClient sends every non-scalar argument as a JSON string inside the form; these are the ones we decode.
// (Decoding arbitrary fields would corrupt a `text` that happens to look like JSON.)
const JSON_FIELDS = new Set([
  'blocks',
  'chunks',
  'attachments',
  'metadata',
  'loading_messages',
  'unfurls',
  'view',
  'prompts',
]);

class ApiError {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {}
}

function fail(error: string, detail?: string): never {
  throw new ApiError(
    error,
    detail !== undefined ? { errors: [detail], response_metadata: { messages: [`[ERROR] ${detail}`] } } : {},
  );
}

function requireString(args: Record<string, unknown>, key: string): string {
  const value = args[key];
  if (typeof value !== 'string' || value === '') fail('invalid_arguments', `missing required field: ${key}`);
  return value;
}

function optionalString(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function textLength(value: unknown): number {
  const text = asRecord(value)?.text;
  return typeof text === 'string' ? text.length : 0;
}

function checkText(text: string | undefined): void {
  if (text !== undefined && text.length > MAX_TEXT) fail('msg_too_long', `text is ${text.length} characters`);
}

function checkElement(element: unknown, pointer: string): void {
  const el = asRecord(element);
  if (!el) return;
  for (const key of ['action_id', 'block_id'] as const) {
    const id = asString(el[key]);
    if (id !== undefined && id.length > MAX_ID) {
      fail('invalid_blocks', `must be at most ${MAX_ID} characters [json-pointer:${pointer}/${key}]`);
    }
  }
  const value = asString(el.value);
  if (value !== undefined && value.length > MAX_BUTTON_VALUE) {
    fail('invalid_blocks', `must be at most ${MAX_BUTTON_VALUE} characters [json-pointer:${pointer}/value]`);
  }
}

/** Validates Block Kit against the limits the bot must respect; `invalid_blocks` names the offending pointer. */
function checkBlocks(blocks: unknown, maxBlocks = MAX_BLOCKS): unknown[] | undefined {
  if (blocks === undefined) return undefined;
  const list = asArray(blocks);
  if (!list) fail('invalid_blocks_format', 'blocks must be a JSON array');
  if (list.length > maxBlocks)
    fail('invalid_blocks', `no more than ${maxBlocks} items allowed [json-pointer:/blocks]`);
  let markdownTotal = 0;
  list.forEach((item, i) => {
    const block = asRecord(item);
    const pointer = `/blocks/${i}`;
    if (!block || typeof block.type !== 'string')
      fail('invalid_blocks', `missing type [json-pointer:${pointer}]`);
    checkElement(block, pointer);
    switch (block.type) {
      case 'markdown': {
        const text = asString(block.text);
        if (text === undefined) fail('invalid_blocks', `missing text [json-pointer:${pointer}/text]`);
        markdownTotal += text.length;
        break;
      }
      case 'section': {
        if (textLength(block.text) > MAX_SECTION_TEXT) {
          fail(
            'invalid_blocks',
            `must be less than ${MAX_SECTION_TEXT + 1} characters [json-pointer:${pointer}/text/text]`,
          );
        }
        (asArray(block.fields) ?? []).forEach((field, j) => {
          if (textLength(field) > MAX_SECTION_FIELD) {
            fail(
              'invalid_blocks',
              `must be less than ${MAX_SECTION_FIELD + 1} characters [json-pointer:${pointer}/fields/${j}]`,
            );
          }
        });
        checkElement(block.accessory, `${pointer}/accessory`);
        break;
      }
      case 'header':
        if (textLength(block.text) > MAX_HEADER_TEXT) {
          fail(
            'invalid_blocks',
            `must be less than ${MAX_HEADER_TEXT + 1} characters [json-pointer:${pointer}/text/text]`,
          );
        }
        break;
      case 'actions':
        (asArray(block.elements) ?? []).forEach((el, j) => {
          checkElement(el, `${pointer}/elements/${j}`);
        });
        break;
      case 'context_actions':
        checkContextActions(block, pointer);
        break;
      default:
        break;
    }
  });
  if (markdownTotal > MAX_MARKDOWN) {
    fail('invalid_blocks', `markdown blocks total ${markdownTotal} characters, more than ${MAX_MARKDOWN}`);
  }
  return list;
}

/**
 * A Home tab view as views.publish takes it: `type: 'home'`, a blocks array (at most 100, each checked
 * as message blocks are), block ids unique, no modal-only fields, private_metadata within its limit.
 */
function checkHomeView(value: unknown): { type: 'home'; blocks: unknown[] } & Record<string, unknown> {
  const view = asRecord(value);
  if (!view) fail('invalid_arguments', 'missing required field: view');
  if (view.type !== 'home') fail('invalid_arguments', 'view.type must be home [json-pointer:/view/type]');
  for (const key of ['title', 'submit', 'close'] as const) {
    if (view[key] !== undefined)
      fail('invalid_arguments', `home views have no ${key} [json-pointer:/view/${key}]`);
  }
  const metadata = asString(view.private_metadata);
  if (metadata !== undefined && metadata.length > MAX_PRIVATE_METADATA) {
    fail('invalid_arguments', 'private_metadata too long [json-pointer:/view/private_metadata]');
  }
  const blocks =
    checkBlocks(view.blocks ?? fail('invalid_arguments', 'missing blocks'), MAX_VIEW_BLOCKS) ?? [];
  const ids = blocks.map((block) => asString(asRecord(block)?.block_id)).filter((id) => id !== undefined);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) fail('duplicate_block_id', `block_id ${duplicate} is used twice`);
  return { ...view, type: 'home', blocks };
}

const MAX_CONTEXT_ACTIONS = 5;
const MAX_ACCESSIBILITY_LABEL = 75;

/** A `context_actions` block: up to 5 feedback or icon buttons; feedback buttons need both halves. */
function checkContextActions(block: Record<string, unknown>, pointer: string): void {
  const elements = asArray(block.elements);
  if (!elements?.length || elements.length > MAX_CONTEXT_ACTIONS)
    fail('invalid_blocks', `1 to ${MAX_CONTEXT_ACTIONS} elements [json-pointer:${pointer}/elements]`);
  elements.forEach((item, j) => {
    const el = asRecord(item);
    const at = `${pointer}/elements/${j}`;
    if (el?.type !== 'feedback_buttons' && el?.type !== 'icon_button')
      fail('invalid_blocks', `unsupported element type [json-pointer:${at}/type]`);
    checkElement(el, at);
    if (el.type !== 'feedback_buttons') return;
    if (asString(el.action_id) === undefined)
      fail('invalid_blocks', `missing action_id [json-pointer:${at}]`);
    for (const half of ['positive_button', 'negative_button'] as const) {
      const button = asRecord(el[half]);
      const text = asRecord(button?.text);
      if (!button || text?.type !== 'plain_text' || !asString(text.text))
        fail('invalid_blocks', `missing plain_text text [json-pointer:${at}/${half}/text]`);
      const value = asString(button.value);
      if (!value || value.length > MAX_BUTTON_VALUE)
        fail(
          'invalid_blocks',
          `value must be 1 to ${MAX_BUTTON_VALUE} characters [json-pointer:${at}/${half}/value]`,
        );
      const label = button.accessibility_label;
      if (label !== undefined && (asString(label)?.length ?? 0) > MAX_ACCESSIBILITY_LABEL)
        fail(
          'invalid_blocks',
          `accessibility_label too long [json-pointer:${at}/${half}/accessibility_label]`,
        );
    }
  });
}

const MAX_VIEW_TITLE = 24;

/** A modal as views.open takes it: type, short plain_text title, blocks, and a submit button for inputs. */
function checkModal(value: unknown): Record<string, unknown> {
  const view = asRecord(value);
  if (!view) fail('invalid_arguments', 'missing required field: view');
  if (view.type !== 'modal') fail('invalid_arguments', 'view.type must be modal [json-pointer:/view/type]');
  const title = asRecord(view.title);
  if (
    title?.type !== 'plain_text' ||
    !asString(title.text) ||
    (asString(title.text)?.length ?? 0) > MAX_VIEW_TITLE
  )
    fail(
      'invalid_arguments',
      `title must be plain_text, 1 to ${MAX_VIEW_TITLE} chars [json-pointer:/view/title]`,
    );
  const blocks = asArray(view.blocks);
  if (!blocks || blocks.length > MAX_VIEW_BLOCKS) fail('invalid_arguments', 'view.blocks must be a list');
  if ((asString(view.private_metadata)?.length ?? 0) > MAX_PRIVATE_METADATA)
    fail('invalid_arguments', 'private_metadata too long [json-pointer:/view/private_metadata]');
  const inputs = blocks.map(asRecord).filter((block) => block?.type === 'input');
  if (inputs.length > 0 && asRecord(view.submit)?.type !== 'plain_text')
    fail('invalid_arguments', 'a view with inputs needs a plain_text submit [json-pointer:/view/submit]');
  for (const input of inputs) {
    const element = asRecord(input?.element);
    if (
      asRecord(input?.label)?.type !== 'plain_text' ||
      !asString(element?.type) ||
      !asString(element?.action_id)
    )
      fail('invalid_arguments', 'an input needs a plain_text label and an element with an action_id');
  }
  return view;
}

/** The markdown text one stream call carries: `markdown_text` plus `markdown_text` chunks. */
function streamedMarkdown(args: Record<string, unknown>): { text: string; blocks: unknown[] } {
  let text = '';
  const blocks: unknown[] = [];
  const markdownText = args.markdown_text;
  if (markdownText !== undefined) {
    if (typeof markdownText !== 'string') fail('invalid_arguments', 'markdown_text must be a string');
    text += markdownText;
  }
  if (args.chunks !== undefined) {
    const chunks = asArray(args.chunks);
    if (!chunks) fail('invalid_chunks', 'chunks must be a JSON array');
    chunks.forEach((item, i) => {
      const chunk = asRecord(item);
      if (chunk?.type === 'markdown_text') {
        const chunkText = asString(chunk.text);
        if (chunkText === undefined) fail('invalid_chunks', `missing text [json-pointer:/chunks/${i}/text]`);
        text += chunkText;
      } else if (chunk?.type === 'blocks') {
        blocks.push(...(asArray(chunk.blocks) ?? []));
      } else if (chunk?.type === 'task_update') {
        checkTaskUpdate(chunk, i);
      } else if (chunk?.type !== 'plan_update') {
        fail('invalid_chunks', `unknown chunk type [json-pointer:/chunks/${i}/type]`);
      }
    });
  }
  if (text.length > MAX_MARKDOWN)
    fail('msg_too_long', `markdown_text is ${text.length} characters in one call`);
  return { text, blocks };
}

function checkTaskUpdate(chunk: Record<string, unknown>, i: number): void {
  for (const field of ['id', 'title']) {
    if (!asString(chunk[field])?.trim())
      fail('invalid_chunks', `missing ${field} [json-pointer:/chunks/${i}/${field}]`);
  }
  if (!TASK_STATUSES.has(asString(chunk.status) ?? '')) {
    fail('invalid_chunks', `bad status [json-pointer:/chunks/${i}/status]`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Request parsing
// ---------------------------------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decodeFormFields(fields: Iterable<[string, string]>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of fields) {
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        // Left as the raw string so validation can answer like Slack (e.g. invalid_blocks_format).
        args[key] = value;
      }
    } else {
      args[key] = value;
    }
  }
  return args;
}

async function parseArgs(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  const contentType = req.headers['content-type'] ?? '';
  const query = new URL(req.url ?? '/', 'http://fake').searchParams;
  const fromQuery = decodeFormFields(query.entries());
  if (raw.length === 0) return fromQuery;
  if (contentType.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return { ...fromQuery, ...(asRecord(parsed) ?? {}) };
  }
  if (contentType.includes('multipart/form-data')) {
    // WebClient switches to multipart only when an argument is a Buffer (file uploads).
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const fields: [string, string][] = [];
    for (const [key, value] of form.entries()) {
      fields.push([key, typeof value === 'string' ? value : `[file ${value.name} ${value.size} bytes]`]);
    }
    return { ...fromQuery, ...decodeFormFields(fields) };
  }
  return { ...fromQuery, ...decodeFormFields(new URLSearchParams(raw.toString('utf8')).entries()) };
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1];
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

// ---------------------------------------------------------------------------------------------------------
// Event-driven waiting: predicates are re-checked whenever something is recorded
// ---------------------------------------------------------------------------------------------------------

class Waiters {
  private readonly checks = new Set<{ check: () => void; abort: (err: Error) => void }>();

  notify(): void {
    for (const entry of [...this.checks]) entry.check();
  }

  rejectAll(reason: string): void {
    for (const entry of [...this.checks]) entry.abort(new Error(reason));
  }

  waitFor<T>(
    predicate: () => T | undefined | null | false,
    opts: WaitOptions,
    describe: () => string,
  ): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? 5_000;
    const what = opts.what ?? 'condition';
    return new Promise<T>((resolve, reject) => {
      const entry = {
        check: () => {
          let value: T | undefined | null | false;
          try {
            value = predicate();
          } catch (err) {
            done();
            reject(err);
            return;
          }
          if (value !== undefined && value !== null && value !== false) {
            done();
            resolve(value);
          }
        },
        abort: (err: Error) => {
          done();
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.\n${describe()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.checks.delete(entry);
      };
      this.checks.add(entry);
      entry.check();
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// FakeSlack
// ---------------------------------------------------------------------------------------------------------

interface StoredMessage extends FakeMessage {
  /** Markdown streamed into this message so far (cumulative limit 12,000). */
  streamedChars: number;
  metadata?: unknown;
}

interface PendingAck {
  resolve: (payload: Record<string, unknown> | undefined) => void;
  reject: (err: Error) => void;
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  readonly users = new Map<string, { name: string; real_name?: string }>();
  readonly notInChannel = new Set<string>();
  /** Channel members for conversations.members; a channel not listed answers channel_not_found. */
  readonly channelMembers = new Map<string, string[]>();
  /** The Home tab last published for each user (views.publish). */
  readonly homeViews = new Map<string, { type: 'home'; blocks: unknown[] }>();
  /** When set, chat.startStream/appendStream/stopStream calls carrying `chunks` are refused with this error. */
  refuseChunks: string | undefined;
  /** User groups (S…) and their members, for usergroups.users.list. */
  readonly userGroups = new Map<string, Set<string>>();
  readonly socket: FakeSocketMode;

  private readonly botUserId: string;
  private readonly botId: string;
  private readonly teamId: string;
  private readonly requiredToken: string | undefined;
  private readonly store: StoredMessage[] = [];
  private readonly failures = new Map<string, SlackFailure[]>();
  private readonly reactions = new Map<string, Set<string>>();
  private readonly waiters = new Waiters();
  private readonly activity: string[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<WebSocket>();
  private readonly tickets = new Set<string>();
  private readonly pendingAcks = new Map<string, PendingAck>();
  private readonly acks: { envelope_id: string; payload: Record<string, unknown> | undefined }[] = [];
  private port = 0;
  private closed = false;

  private constructor(
    private readonly server: Server,
    options: FakeSlackOptions,
  ) {
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'BBOT';
    this.teamId = options.teamId ?? 'T0001';
    this.requiredToken = options.token;
    this.socket = {
      connected: (count) => this.socketConnected(count),
      send: (type, payload, opts) => this.socketSend(type, payload, opts),
      acks: this.acks,
    };
    server.on('request', (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { ok: false, error: 'fake_slack_crashed', detail: String(err) });
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const server = createServer();
    const fake = new FakeSlack(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  /** Base URL for `clientOptions.slackApiUrl` (WebClient appends the method name). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A response_url on this server; POSTs to it land in `responses` with this id. */
  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/response/${encodeURIComponent(id)}`;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Pre-existing history (e.g. the user's question, or a thread the bot joins late). */
  seedMessage(m: {
    channel: string;
    ts: string;
    thread_ts?: string;
    user?: string;
    bot_id?: string;
    text: string;
    subtype?: string;
    files?: unknown[];
  }): void {
    observeTs(m.ts);
    observeTs(m.thread_ts);
    this.store.push({ ...m, streaming: false, streamedChars: 0 });
    this.waiters.notify();
  }

  /**
   * Current state of a thread (root + replies, ephemerals included) in ts order; without `thread_ts`, every
   * message of the channel. Snapshots: later changes do not show in an array already returned.
   */
  messages(channel: string, thread_ts?: string): FakeMessage[] {
    return this.sorted(
      this.store.filter(
        (m) =>
          m.channel === channel &&
          (thread_ts === undefined || m.ts === thread_ts || m.thread_ts === thread_ts),
      ),
    ).map((m) => this.snapshot(m));
  }

  /**
   * The next `times` calls to `method` fail. Use method 'response_url' for posts to response URLs.
   * `{error}`: HTTP 200 `ok:false` (response_url: HTTP 404); `{status, retryAfter}`: that status with
   * Retry-After (seconds); `{hang: true}`: no answer until close().
   */
  failNext(method: string, failure: SlackFailure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.failures.set(method, queue);
  }

  waitFor<T>(predicate: () => T | undefined | null | false, opts: WaitOptions = {}): Promise<T> {
    return this.waiters.waitFor(
      predicate,
      opts,
      () => `Last activity on FakeSlack:\n${this.recentActivity()}`,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.rejectAll('FakeSlack closed');
    for (const [id, pending] of this.pendingAcks) {
      pending.reject(new Error(`FakeSlack closed before envelope ${id} was acked`));
    }
    this.pendingAcks.clear();
    // A close handshake (not terminate) so a client that is disconnecting itself ends cleanly instead of
    // logging a socket error; a peer that never answers is cut off after a second.
    await Promise.all(
      [...this.connections].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) {
              resolve();
              return;
            }
            const timer = setTimeout(() => ws.terminate(), 1_000);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            if (ws.readyState === ws.OPEN) ws.close(1001, 'server closing');
          }),
      ),
    );
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // -------------------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (path.startsWith('/api/')) {
      await this.handleApi(path.slice('/api/'.length), req, raw, res);
    } else if (path.startsWith('/response/') && req.method === 'POST') {
      await this.handleResponseUrl(decodeURIComponent(path.slice('/response/'.length)), req, raw, res);
    } else {
      sendJson(res, 404, { ok: false, error: 'not_found' });
    }
  }

  private async handleResponseUrl(
    id: string,
    req: IncomingMessage,
    raw: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const body = await parseArgs(req, raw);
    this.responses.push({ id, body });
    this.log(`response_url ${id} ${this.brief(body)}`);
    const failure = this.takeFailure('response_url');
    if (failure && 'hang' in failure) {
      this.hanging.add(res);
    } else if (failure && 'error' in failure) {
      sendJson(res, 404, { ok: false, error: failure.error });
    } else if (failure) {
      this.sendStatusFailure(res, failure);
    } else {
      sendJson(res, 200, { ok: true });
    }
    this.waiters.notify();
  }

  private async handleApi(
    method: string,
    req: IncomingMessage,
    raw: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    let args: Record<string, unknown>;
    try {
      args = await parseArgs(req, raw);
    } catch {
      this.calls.push({ method, args: {}, token: bearer(req), at: performance.now() });
      this.log(`${method} (unparseable body)`);
      sendJson(res, 200, { ok: false, error: 'invalid_json' });
      this.waiters.notify();
      return;
    }
    const token = bearer(req) ?? asString(args.token);
    delete args.token;
    this.calls.push({ method, args, token, at: performance.now() });
    this.log(`${method} ${this.brief(args)}`);
    this.waiters.notify();

    const failure = this.takeFailure(method);
    if (failure && 'hang' in failure) {
      this.hanging.add(res);
      return;
    }
    if (failure && 'error' in failure) {
      sendJson(res, 200, { ok: false, error: failure.error });
      this.log(`  -> ok:false ${failure.error} (failNext)`);
      this.waiters.notify();
      return;
    }
    if (failure) {
      this.sendStatusFailure(res, failure);
      this.log(`  -> HTTP ${failure.status} (failNext)`);
      this.waiters.notify();
      return;
    }

    let result: Record<string, unknown>;
    try {
      this.checkAuth(method, token);
      result = { ok: true, ...this.dispatch(method, args) };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      result = { ok: false, error: err.error, ...err.extra };
      this.log(`  -> ok:false ${err.error}`);
    }
    sendJson(res, 200, result);
    this.waiters.notify();
  }

  private sendStatusFailure(
    res: ServerResponse,
    failure: { status: number; retryAfter?: number; body?: string },
  ): void {
    const body =
      failure.body ??
      JSON.stringify({ ok: false, error: failure.status === 429 ? 'ratelimited' : `http_${failure.status}` });
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter);
    res.writeHead(failure.status, headers);
    res.end(body);
  }

  private takeFailure(method: string): SlackFailure | undefined {
    const queue = this.failures.get(method);
    const failure = queue?.shift();
    if (queue && queue.length === 0) this.failures.delete(method);
    return failure;
  }

  private checkAuth(method: string, token: string | undefined): void {
    if (!token) fail('not_authed');
    // Socket Mode needs the app-level token; every other method a bot token (Slack refuses the wrong kind).
    const isAppToken = token.startsWith('xapp-');
    if (method === 'apps.connections.open') {
      if (!isAppToken) fail('not_allowed_token_type');
      return;
    }
    if (isAppToken) fail('not_allowed_token_type');
    if (this.requiredToken !== undefined && token !== this.requiredToken) fail('invalid_auth');
  }

  private dispatch(method: string, args: Record<string, unknown>): Record<string, unknown> {
    for (const key of ['ts', 'thread_ts', 'message_ts', 'timestamp']) observeTs(args[key]);
    switch (method) {
      case 'auth.test':
        return {
          url: 'https://fake.slack.test/',
          team: 'Fake Team',
          user: 'fastapi-bot',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.update(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'chat.delete':
        return this.deleteMessage(args);
      case 'chat.startStream':
        return this.startStream(args);
      case 'chat.appendStream':
        return this.appendStream(args);
      case 'chat.stopStream':
        return this.stopStream(args);
      case 'chat.getPermalink': {
        const channel = requireString(args, 'channel');
        const ts = requireString(args, 'message_ts');
        return { channel, permalink: `https://fake.slack.test/archives/${channel}/p${ts.replace('.', '')}` };
      }
      case 'conversations.replies':
        return this.replies(args);
      case 'users.info':
        return this.userInfo(args);
      case 'usergroups.users.list': {
        const group = this.userGroups.get(requireString(args, 'usergroup'));
        if (!group) fail('no_such_subteam');
        return { users: [...group] };
      }
      case 'assistant.threads.setStatus': {
        requireString(args, 'channel_id');
        requireString(args, 'thread_ts');
        if (typeof args.status !== 'string') fail('invalid_arguments', 'missing required field: status');
        const loading = args.loading_messages;
        if (
          loading !== undefined &&
          (asArray(loading)?.length ?? MAX_LOADING_MESSAGES + 1) > MAX_LOADING_MESSAGES
        ) {
          fail('invalid_arguments', `loading_messages: at most ${MAX_LOADING_MESSAGES} items`);
        }
        return {};
      }
      case 'assistant.threads.setSuggestedPrompts':
        return this.setSuggestedPrompts(args);
      case 'assistant.threads.setTitle': {
        requireString(args, 'channel_id');
        requireString(args, 'thread_ts');
        const title = asString(args.title);
        if (!title?.trim()) fail('invalid_arguments', 'missing required field: title');
        return {};
      }
      case 'reactions.add':
      case 'reactions.remove':
        return this.reaction(method, args);
      case 'views.publish':
        return this.publishView(args);
      case 'conversations.members':
        return this.members(args);
      case 'views.open': {
        if (!/^[\w.-]+$/.test(requireString(args, 'trigger_id'))) fail('invalid_trigger_id');
        const view = checkModal(args.view);
        return { view: { ...view, id: `V${nextUuid().slice(0, 8).toUpperCase()}`, team_id: this.teamId } };
      }
      case 'apps.connections.open': {
        const ticket = nextUuid();
        this.tickets.add(ticket);
        return { url: `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=${DEFAULT_APP_ID}` };
      }
      default:
        fail('unknown_method');
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Web API methods
  // -------------------------------------------------------------------------------------------------------

  private checkPostable(channel: string): void {
    if (this.notInChannel.has(channel)) fail('not_in_channel');
  }

  private find(channel: string, ts: string): StoredMessage | undefined {
    return this.store.find((m) => m.channel === channel && m.ts === ts && m.ephemeralFor === undefined);
  }

  private findOwn(args: Record<string, unknown>, cantError: string): StoredMessage {
    const channel = requireString(args, 'channel');
    const ts = requireString(args, 'ts');
    const message = this.find(channel, ts);
    if (!message) fail('message_not_found');
    if (message.user !== this.botUserId) fail(cantError);
    return message;
  }

  private newMessage(
    args: Record<string, unknown>,
    text: string,
    blocks: unknown[] | undefined,
  ): StoredMessage {
    const message: StoredMessage = {
      channel: requireString(args, 'channel'),
      ts: nextTs(),
      user: this.botUserId,
      bot_id: this.botId,
      text,
      streaming: false,
      streamedChars: 0,
    };
    const threadTs = optionalString(args, 'thread_ts');
    if (threadTs !== undefined) message.thread_ts = threadTs;
    if (blocks !== undefined) message.blocks = blocks;
    if (args.metadata !== undefined) message.metadata = args.metadata;
    this.store.push(message);
    return message;
  }

  private messageText(args: Record<string, unknown>): string | undefined {
    const markdown = asString(args.markdown_text);
    if (markdown !== undefined && markdown.length > MAX_MARKDOWN) {
      fail('msg_too_long', `markdown_text is ${markdown.length} characters`);
    }
    const text = asString(args.text) ?? markdown;
    checkText(text);
    return text;
  }

  private postMessage(args: Record<string, unknown>): Record<string, unknown> {
    const channel = requireString(args, 'channel');
    this.checkPostable(channel);
    const text = this.messageText(args);
    const blocks = checkBlocks(args.blocks);
    if ((text === undefined || text === '') && !blocks?.length && args.attachments === undefined)
      fail('no_text');
    const message = this.newMessage(args, text ?? '', blocks);
    return { channel, ts: message.ts, message: this.wire(message) };
  }

  private update(args: Record<string, unknown>): Record<string, unknown> {
    const message = this.findOwn(args, 'cant_update_message');
    const text = this.messageText(args);
    const blocks = checkBlocks(args.blocks);
    if (text !== undefined) message.text = text;
    if (blocks !== undefined) message.blocks = blocks;
    if (args.metadata !== undefined) message.metadata = args.metadata;
    return { channel: message.channel, ts: message.ts, text: message.text, message: this.wire(message) };
  }

  private postEphemeral(args: Record<string, unknown>): Record<string, unknown> {
    const channel = requireString(args, 'channel');
    const user = requireString(args, 'user');
    this.checkPostable(channel);
    const text = this.messageText(args);
    const blocks = checkBlocks(args.blocks);
    if ((text === undefined || text === '') && !blocks?.length) fail('no_text');
    const message = this.newMessage(args, text ?? '', blocks);
    message.ephemeralFor = user;
    return { message_ts: message.ts };
  }

  private deleteMessage(args: Record<string, unknown>): Record<string, unknown> {
    const message = this.findOwn(args, 'cant_delete_message');
    this.store.splice(this.store.indexOf(message), 1);
    return { channel: message.channel, ts: message.ts };
  }

  private setSuggestedPrompts(args: Record<string, unknown>): Record<string, unknown> {
    requireString(args, 'channel_id');
    requireString(args, 'thread_ts');
    const prompts = asArray(args.prompts);
    if (!prompts?.length || prompts.length > MAX_SUGGESTED_PROMPTS) {
      fail('invalid_arguments', `prompts: 1 to ${MAX_SUGGESTED_PROMPTS} items`);
    }
    prompts.forEach((item, i) => {
      const prompt = asRecord(item);
      if (!asString(prompt?.title)?.trim() || !asString(prompt?.message)?.trim()) {
        fail('invalid_arguments', `prompts/${i} needs a title and a message`);
      }
    });
    return {};
  }

  private startStream(args: Record<string, unknown>): Record<string, unknown> {
    const channel = requireString(args, 'channel');
    requireString(args, 'thread_ts');
    this.checkChunksAccepted(args);
    const mode = args.task_display_mode;
    if (mode !== undefined && mode !== 'timeline' && mode !== 'plan') {
      fail('invalid_arguments', 'task_display_mode must be timeline or plan');
    }
    if (!channel.startsWith('D')) {
      // Outside DMs Slack needs to know whom the stream is for.
      requireString(args, 'recipient_team_id');
      requireString(args, 'recipient_user_id');
    }
    this.checkPostable(channel);
    const { text, blocks } = streamedMarkdown(args);
    const message = this.newMessage(args, text, blocks.length ? blocks : undefined);
    message.streaming = true;
    message.streamedChars = text.length;
    return { channel, ts: message.ts };
  }

  private streamingMessage(args: Record<string, unknown>): StoredMessage {
    const channel = requireString(args, 'channel');
    const message = this.find(channel, requireString(args, 'ts'));
    if (!message) fail('message_not_found');
    if (!message.streaming) fail('message_not_in_streaming_state');
    return message;
  }

  private appendToStream(message: StoredMessage, args: Record<string, unknown>): void {
    const { text, blocks } = streamedMarkdown(args);
    if (message.streamedChars + text.length > MAX_MARKDOWN) {
      fail('msg_too_long', `streamed markdown would total ${message.streamedChars + text.length} characters`);
    }
    message.streamedChars += text.length;
    message.text += text;
    if (blocks.length) message.blocks = [...(message.blocks ?? []), ...blocks];
  }

  private checkChunksAccepted(args: Record<string, unknown>): void {
    if (args.chunks !== undefined && this.refuseChunks !== undefined) fail(this.refuseChunks);
  }

  private appendStream(args: Record<string, unknown>): Record<string, unknown> {
    this.checkChunksAccepted(args);
    const message = this.streamingMessage(args);
    this.appendToStream(message, args);
    return { channel: message.channel, ts: message.ts };
  }

  private stopStream(args: Record<string, unknown>): Record<string, unknown> {
    this.checkChunksAccepted(args);
    const message = this.streamingMessage(args);
    const blocks = checkBlocks(args.blocks);
    this.appendToStream(message, args);
    if (blocks !== undefined) message.blocks = [...(message.blocks ?? []), ...blocks];
    if (args.metadata !== undefined) message.metadata = args.metadata;
    message.streaming = false;
    return { channel: message.channel, ts: message.ts, message: this.wire(message) };
  }

  private replies(args: Record<string, unknown>): Record<string, unknown> {
    const channel = requireString(args, 'channel');
    const threadTs = requireString(args, 'ts');
    const thread = this.sorted(
      this.store.filter(
        (m) =>
          m.channel === channel &&
          m.ephemeralFor === undefined &&
          (m.ts === threadTs || m.thread_ts === threadTs),
      ),
    );
    if (thread.length === 0) fail('thread_not_found');
    const oldest = optionalString(args, 'oldest');
    const latest = optionalString(args, 'latest');
    const inRange = thread.filter(
      (m) =>
        (oldest === undefined || tsSortKey(m.ts) >= tsSortKey(oldest)) &&
        (latest === undefined || tsSortKey(m.ts) <= tsSortKey(latest)),
    );
    const limitArg = Number(args.limit ?? DEFAULT_REPLIES_LIMIT);
    const limit = Number.isFinite(limitArg) && limitArg > 0 ? Math.min(Math.floor(limitArg), 1_000) : 1_000;
    let start = 0;
    const cursor = optionalString(args, 'cursor');
    if (cursor !== undefined) {
      // Slack's cursors are base64 of `next_ts:<ts without dot>`; ours too, so paging survives new replies.
      const decoded = /^next_ts:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      if (!decoded?.[1]) fail('invalid_cursor');
      const from = Number(decoded[1]);
      start = inRange.findIndex((m) => tsSortKey(m.ts) >= from);
      if (start === -1) start = inRange.length;
    }
    const page = inRange.slice(start, start + limit);
    const next = inRange[start + limit];
    const root = this.find(channel, threadTs);
    return {
      messages: page.map((m) => this.wire(m, m === root ? thread.slice(1) : undefined)),
      has_more: next !== undefined,
      ...(next !== undefined
        ? {
            response_metadata: {
              next_cursor: Buffer.from(`next_ts:${next.ts.replace('.', '')}`).toString('base64'),
            },
          }
        : {}),
    };
  }

  private publishView(args: Record<string, unknown>): Record<string, unknown> {
    const user = requireString(args, 'user_id');
    if (!this.users.has(user)) fail('user_not_found');
    const view = checkHomeView(args.view);
    this.homeViews.set(user, view);
    return { view: { id: `V${user}`, team_id: this.teamId, ...view } };
  }

  /** Pages of `limit` (default 100) members; the cursor is the next offset. */
  private members(args: Record<string, unknown>): Record<string, unknown> {
    const members = this.channelMembers.get(requireString(args, 'channel'));
    if (!members) fail('channel_not_found');
    const limit = Number(args.limit ?? 100) || 100;
    const start = Number(optionalString(args, 'cursor') ?? 0);
    const next = start + limit;
    return {
      members: members.slice(start, next),
      response_metadata: { next_cursor: next < members.length ? String(next) : '' },
    };
  }

  private userInfo(args: Record<string, unknown>): Record<string, unknown> {
    const id = requireString(args, 'user');
    const known = this.users.get(id);
    if (!known && id !== this.botUserId) fail('user_not_found');
    const name = known?.name ?? 'fastapi-bot';
    const realName = known?.real_name ?? known?.name ?? 'FastAPI Bot';
    return {
      user: {
        id,
        team_id: this.teamId,
        name,
        deleted: false,
        real_name: realName,
        tz: 'Europe/Berlin',
        profile: { real_name: realName, display_name: name, real_name_normalized: realName },
        is_bot: known === undefined,
        is_admin: false,
        is_owner: false,
      },
    };
  }

  private reaction(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = requireString(args, 'channel');
    const ts = requireString(args, 'timestamp');
    const name = requireString(args, 'name');
    // Keyed apart from history so reactions on messages a test never seeded still work; only the
    // duplicate/missing cases are refused, as Slack does.
    const key = `${channel}/${ts}`;
    const names = this.reactions.get(key) ?? new Set<string>();
    this.reactions.set(key, names);
    if (method === 'reactions.add') {
      if (names.has(name)) fail('already_reacted');
      names.add(name);
    } else {
      if (!names.has(name)) fail('no_reaction');
      names.delete(name);
    }
    return {};
  }

  // -------------------------------------------------------------------------------------------------------
  // Socket Mode
  // -------------------------------------------------------------------------------------------------------

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket');
    if (url.pathname !== '/link/' || ticket === null || !this.tickets.delete(ticket) || this.closed) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    this.connections.add(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: Record<string, unknown> | undefined;
      try {
        message = asRecord(JSON.parse(data.toString()));
      } catch {
        return;
      }
      const envelopeId = asString(message?.envelope_id);
      if (!message || envelopeId === undefined) return;
      const payload = asRecord(message.payload);
      this.acks.push({ envelope_id: envelopeId, payload });
      this.log(`socket ack ${envelopeId} ${this.brief(payload ?? {})}`);
      const pending = this.pendingAcks.get(envelopeId);
      this.pendingAcks.delete(envelopeId);
      pending?.resolve(payload);
      this.waiters.notify();
    });
    ws.on('close', () => {
      this.connections.delete(ws);
      this.log('socket closed');
      this.waiters.notify();
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.connections.size,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: DEFAULT_APP_ID },
      }),
    );
    this.log('socket connected (hello sent)');
    this.waiters.notify();
  }

  private openConnection(index?: number): WebSocket | undefined {
    const open = [...this.connections].filter((ws) => ws.readyState === ws.OPEN);
    return index === undefined ? open.at(-1) : open[index];
  }

  private async socketConnected(count = 1): Promise<void> {
    await this.waitFor(() => this.openConnection(count - 1), { what: `${count} Socket Mode connection(s)` });
  }

  private async socketSend(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: Record<string, unknown>,
    opts: SocketSendOptions = {},
  ): Promise<Record<string, unknown> | undefined> {
    const ws = await this.waitFor(() => this.openConnection(opts.connection), {
      what: 'a Socket Mode connection',
    });
    const envelopeId = nextUuid();
    const envelope: Record<string, unknown> = { envelope_id: envelopeId, payload, type };
    if (type === 'events_api') {
      envelope.accepts_response_payload = false;
      envelope.retry_attempt = opts.retryAttempt ?? 0;
      envelope.retry_reason = opts.retryReason ?? '';
    } else {
      envelope.accepts_response_payload = true;
    }
    const timeoutMs = opts.timeoutMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelopeId);
        reject(
          new Error(
            `Envelope ${envelopeId} (${type}) not acked within ${timeoutMs} ms.\n${this.recentActivity()}`,
          ),
        );
      }, timeoutMs);
      this.pendingAcks.set(envelopeId, {
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      this.log(`socket send ${type} ${envelopeId}`);
      ws.send(JSON.stringify(envelope));
    });
  }

  // -------------------------------------------------------------------------------------------------------
  // Shapes and diagnostics
  // -------------------------------------------------------------------------------------------------------

  private sorted(list: StoredMessage[]): StoredMessage[] {
    return [...list].sort((a, b) => tsSortKey(a.ts) - tsSortKey(b.ts));
  }

  private snapshot(m: StoredMessage): FakeMessage {
    const copy: FakeMessage = { channel: m.channel, ts: m.ts, text: m.text, streaming: m.streaming };
    if (m.thread_ts !== undefined) copy.thread_ts = m.thread_ts;
    if (m.user !== undefined) copy.user = m.user;
    if (m.bot_id !== undefined) copy.bot_id = m.bot_id;
    if (m.blocks !== undefined) copy.blocks = structuredClone(m.blocks);
    if (m.ephemeralFor !== undefined) copy.ephemeralFor = m.ephemeralFor;
    return copy;
  }

  /** A message as Slack returns it in API responses; `replies` given for a thread's root. */
  private wire(m: StoredMessage, replies?: StoredMessage[]): Record<string, unknown> {
    const out: Record<string, unknown> = { type: 'message' };
    if (m.bot_id !== undefined) {
      out.subtype = m.user === undefined ? 'bot_message' : undefined;
      out.bot_id = m.bot_id;
      out.app_id = m.user === this.botUserId ? DEFAULT_APP_ID : undefined;
    }
    if (m.subtype !== undefined) out.subtype = m.subtype;
    if (m.files !== undefined) out.files = m.files;
    if (m.user !== undefined) out.user = m.user;
    out.text = m.text;
    out.ts = m.ts;
    out.team = this.teamId;
    if (m.blocks !== undefined) out.blocks = m.blocks;
    if (m.metadata !== undefined) out.metadata = m.metadata;
    if (replies && replies.length > 0) {
      const users = [...new Set(replies.map((r) => r.user ?? r.bot_id ?? ''))];
      Object.assign(out, {
        thread_ts: m.ts,
        reply_count: replies.length,
        reply_users_count: users.length,
        reply_users: users,
        latest_reply: replies[replies.length - 1]?.ts,
        is_locked: false,
        subscribed: false,
      });
    } else if (m.thread_ts !== undefined) {
      out.thread_ts = m.thread_ts;
      if (m.thread_ts !== m.ts) {
        const parent = this.find(m.channel, m.thread_ts);
        if (parent?.user !== undefined) out.parent_user_id = parent.user;
      }
    }
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    return out;
  }

  private log(line: string): void {
    this.activity.push(line);
    if (this.activity.length > 200) this.activity.splice(0, this.activity.length - 200);
  }

  private brief(args: Record<string, unknown>): string {
    const text = JSON.stringify(args);
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  }

  private recentActivity(): string {
    const lines = this.activity.slice(-10);
    return lines.length ? lines.map((l) => `  ${l}`).join('\n') : '  (no calls)';
  }
}
