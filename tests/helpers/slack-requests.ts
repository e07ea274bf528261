// Signed requests to a Bolt HTTP endpoint, and builders for Slack payloads shaped like /work/shared/fixtures.
import { createHmac } from 'node:crypto';

export const DEFAULT_TEAM_ID = 'T0001';
export const DEFAULT_BOT_USER_ID = 'UBOT';
export const DEFAULT_CHANNEL_ID = 'C0001';
export const DEFAULT_USER_ID = 'U0001';
export const DEFAULT_APP_ID = 'A0001';

// ---------------------------------------------------------------------------------------------------------
// Timestamps and ids
// ---------------------------------------------------------------------------------------------------------

// One counter (in microseconds) per module instance, shared with FakeSlack, so that a ts made up by a test
// and a ts FakeSlack gives the bot's messages never collide and always sort in the order they were made.
let lastTsMicros = 1_767_400_000_000_000;
let eventCounter = 0;
let uuidCounter = 0;

function tsToMicros(ts: string): number | undefined {
  const match = /^(\d+)\.(\d{1,6})$/.exec(ts);
  if (!match?.[1] || !match[2]) return undefined;
  return Number(match[1]) * 1_000_000 + Number(match[2].padEnd(6, '0'));
}

function microsToTs(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const rest = micros % 1_000_000;
  return `${seconds}.${String(rest).padStart(6, '0')}`;
}

/** Unique, increasing Slack-style ts ('1767400000.000100', '1767400000.000200', ...). */
export function nextTs(): string {
  lastTsMicros += 100;
  return microsToTs(lastTsMicros);
}

/**
 * Makes later nextTs() values sort after `ts`. FakeSlack calls this for every ts it sees (seeded messages,
 * thread_ts of posts) so the bot's replies sort after hand-written fixture timestamps.
 */
export function observeTs(ts: unknown): void {
  if (typeof ts !== 'string') return;
  const micros = tsToMicros(ts);
  if (micros !== undefined && micros > lastTsMicros) lastTsMicros = micros;
}

/** Numeric sort key of a Slack ts (exact: µs since epoch fits in a double). */
export function tsSortKey(ts: string): number {
  return tsToMicros(ts) ?? Number.NaN;
}

/** Unique Slack-style event id ('Ev0000000001', ...). Deterministic within one test file. */
export function nextEventId(): string {
  eventCounter += 1;
  return `Ev${eventCounter.toString(36).toUpperCase().padStart(10, '0')}`;
}

/** Deterministic UUID-shaped id (client_msg_id, envelope_id). */
export function nextUuid(): string {
  uuidCounter += 1;
  return `00000000-0000-4000-8000-${uuidCounter.toString(16).padStart(12, '0')}`;
}

// ---------------------------------------------------------------------------------------------------------
// Signing and sending
// ---------------------------------------------------------------------------------------------------------

/** `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{body}`), as Slack signs requests. */
export function slackSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendResult {
  status: number;
  body: string;
  headers: Headers;
}

export interface SendOptions {
  /** Sets X-Slack-Retry-Num, as Slack does when it redelivers an event. */
  retryNum?: number;
  /** Sets X-Slack-Retry-Reason (e.g. 'http_timeout'). */
  retryReason?: string;
  /** Unix seconds for X-Slack-Request-Timestamp (default: now). Older than 5 minutes is refused by Bolt. */
  timestamp?: number;
  /** Overrides X-Slack-Signature (e.g. to prove a bad signature gets 401). */
  signature?: string;
  /** Request path (default '/slack/events', Bolt's default endpoint). */
  path?: string;
}

export async function sendRaw(
  baseUrl: string,
  secret: string,
  body: string,
  contentType: string,
  opts: SendOptions = {},
): Promise<SendResult> {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': opts.signature ?? slackSignature(secret, timestamp, body),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (opts.retryNum !== undefined) headers['x-slack-retry-num'] = String(opts.retryNum);
  if (opts.retryReason !== undefined) headers['x-slack-retry-reason'] = opts.retryReason;
  const url = `${baseUrl.replace(/\/+$/, '')}${opts.path ?? '/slack/events'}`;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** Events API: a JSON envelope (`type: 'event_callback'` or `url_verification`). */
export function sendEvent(
  baseUrl: string,
  secret: string,
  envelope: Record<string, unknown>,
  opts?: SendOptions,
): Promise<SendResult> {
  return sendRaw(baseUrl, secret, JSON.stringify(envelope), 'application/json', opts);
}

/** Slash command: form-encoded fields (spaces as '+', like fixtures/slack-slash-command.form.txt). */
export function sendCommand(
  baseUrl: string,
  secret: string,
  fields: Record<string, string>,
  opts?: SendOptions,
): Promise<SendResult> {
  const body = new URLSearchParams(fields).toString();
  return sendRaw(baseUrl, secret, body, 'application/x-www-form-urlencoded', opts);
}

/** Interactivity: one form field `payload` holding JSON (fixtures/slack-block-actions.form.txt). */
export function sendAction(
  baseUrl: string,
  secret: string,
  payload: Record<string, unknown>,
  opts?: SendOptions,
): Promise<SendResult> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return sendRaw(baseUrl, secret, body, 'application/x-www-form-urlencoded', opts);
}

// ---------------------------------------------------------------------------------------------------------
// Payload builders
// ---------------------------------------------------------------------------------------------------------

/** rich_text blocks as Slack derives them from typed text: `<@U…>` becomes a user element. */
function richTextBlocks(text: string): Record<string, unknown>[] {
  const elements: Record<string, unknown>[] = [];
  const pattern = /<@([UW][A-Z0-9]+)>/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > last) elements.push({ type: 'text', text: text.slice(last, index) });
    elements.push({ type: 'user', user_id: match[1] });
    last = index + match[0].length;
  }
  if (last < text.length) elements.push({ type: 'text', text: text.slice(last) });
  return [
    {
      type: 'rich_text',
      block_id: `rt${eventCounter}`,
      elements: [{ type: 'rich_text_section', elements }],
    },
  ];
}

function envelopeFor(
  event: Record<string, unknown>,
  o: { eventId?: string; teamId?: string; botUserId?: string },
  ts: string,
): Record<string, unknown> {
  const teamId = o.teamId ?? DEFAULT_TEAM_ID;
  return {
    token: 'fake-verification-token',
    team_id: teamId,
    context_team_id: teamId,
    context_enterprise_id: null,
    api_app_id: DEFAULT_APP_ID,
    event,
    type: 'event_callback',
    event_id: o.eventId ?? nextEventId(),
    event_time: Math.floor(tsSortKey(ts) / 1_000_000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: o.botUserId ?? DEFAULT_BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-fake-${teamId}`,
  };
}

/** An `app_mention` event_callback envelope shaped like fixtures/slack-event-app-mention.json. */
export function appMentionEnvelope(o: {
  text: string;
  user?: string;
  channel?: string;
  ts?: string;
  thread_ts?: string;
  eventId?: string;
  teamId?: string;
  botUserId?: string;
  /** Merged into the event last (e.g. `files`). */
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  const ts = o.ts ?? nextTs();
  observeTs(ts);
  const event: Record<string, unknown> = {
    type: 'app_mention',
    user: o.user ?? DEFAULT_USER_ID,
    ts,
    client_msg_id: nextUuid(),
    text: o.text,
    team: o.teamId ?? DEFAULT_TEAM_ID,
    ...(o.thread_ts !== undefined ? { thread_ts: o.thread_ts } : {}),
    blocks: richTextBlocks(o.text),
    channel: o.channel ?? DEFAULT_CHANNEL_ID,
    event_ts: ts,
    ...o.extra,
  };
  return envelopeFor(event, o, ts);
}

function channelTypeOf(channel: string): 'channel' | 'group' | 'im' | 'mpim' {
  if (channel.startsWith('D')) return 'im';
  if (channel.startsWith('G')) return 'group';
  return 'channel';
}

/**
 * A `message` event_callback envelope (fixtures/slack-event-message-thread-reply.json). With
 * `subtype: 'message_changed' | 'message_deleted'` the event takes Slack's edit/delete shape (`message` /
 * `previous_message`, `hidden: true`) where `ts` is the edited message's ts; `extra` is merged last.
 */
export function messageEnvelope(o: {
  text: string;
  user?: string;
  channel?: string;
  ts?: string;
  thread_ts?: string;
  channel_type?: 'channel' | 'group' | 'im' | 'mpim';
  subtype?: string;
  bot_id?: string;
  eventId?: string;
  teamId?: string;
  botUserId?: string;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  const channel = o.channel ?? DEFAULT_CHANNEL_ID;
  const channelType = o.channel_type ?? channelTypeOf(channel);
  const user = o.user ?? DEFAULT_USER_ID;
  const team = o.teamId ?? DEFAULT_TEAM_ID;
  const ts = o.ts ?? nextTs();
  observeTs(ts);
  const thread = o.thread_ts !== undefined ? { thread_ts: o.thread_ts } : {};
  let event: Record<string, unknown>;
  if (o.subtype === 'message_changed' || o.subtype === 'message_deleted') {
    // Edits and deletes arrive as a new event ts describing an older message.
    const eventTs = nextTs();
    const previous = { type: 'message', user, text: o.text, ts, team, ...thread };
    event =
      o.subtype === 'message_changed'
        ? {
            type: 'message',
            subtype: 'message_changed',
            message: { ...previous, edited: { user, ts: eventTs } },
            previous_message: previous,
            channel,
            hidden: true,
            ts: eventTs,
            event_ts: eventTs,
            channel_type: channelType,
          }
        : {
            type: 'message',
            subtype: 'message_deleted',
            previous_message: previous,
            channel,
            hidden: true,
            deleted_ts: ts,
            ts: eventTs,
            event_ts: eventTs,
            channel_type: channelType,
          };
  } else {
    const fromBot = o.bot_id !== undefined || o.subtype === 'bot_message';
    event = {
      ...(o.bot_id !== undefined ? { bot_id: o.bot_id } : {}),
      type: 'message',
      ...(o.subtype !== undefined ? { subtype: o.subtype } : {}),
      text: o.text,
      user,
      ts,
      ...(fromBot ? { app_id: 'A0OTHER' } : { client_msg_id: nextUuid() }),
      team,
      blocks: richTextBlocks(o.text),
      ...thread,
      channel,
      event_ts: ts,
      channel_type: channelType,
    };
  }
  return envelopeFor({ ...event, ...o.extra }, o, ts);
}

/** Slash command form fields in fixtures/slack-slash-command.form.txt order. */
export function slashCommandFields(o: {
  text: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  response_url: string;
  command?: string;
}): Record<string, string> {
  const teamId = o.team_id ?? DEFAULT_TEAM_ID;
  return {
    token: 'fake-verification-token',
    team_id: teamId,
    team_domain: 'fake-team',
    channel_id: o.channel_id ?? DEFAULT_CHANNEL_ID,
    channel_name: o.channel_name ?? 'general',
    user_id: o.user_id ?? DEFAULT_USER_ID,
    user_name: o.user_name ?? 'testuser',
    command: o.command ?? '/fastapi',
    text: o.text,
    api_app_id: DEFAULT_APP_ID,
    is_enterprise_install: 'false',
    response_url: o.response_url,
    trigger_id: `${nextEventId()}.${teamId}.fake`,
  };
}

/** A `block_actions` payload (one button) shaped like fixtures/slack-block-actions.payload.json. */
export function blockActionsPayload(o: {
  action_id: string;
  value: string;
  user?: string;
  channel?: string;
  message_ts: string;
  thread_ts?: string;
  team_id?: string;
  response_url?: string;
  block_id?: string;
}): Record<string, unknown> {
  const teamId = o.team_id ?? DEFAULT_TEAM_ID;
  const user = o.user ?? DEFAULT_USER_ID;
  const channel = o.channel ?? DEFAULT_CHANNEL_ID;
  const thread = o.thread_ts !== undefined ? { thread_ts: o.thread_ts } : {};
  return {
    type: 'block_actions',
    user: { id: user, username: 'testuser', name: 'testuser', team_id: teamId },
    api_app_id: DEFAULT_APP_ID,
    token: 'fake-verification-token',
    container: {
      type: 'message',
      message_ts: o.message_ts,
      channel_id: channel,
      is_ephemeral: false,
      ...thread,
    },
    trigger_id: `${nextEventId()}.${teamId}.fake`,
    team: { id: teamId, domain: 'fake-team' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'general' },
    message: { user: DEFAULT_BOT_USER_ID, type: 'message', ts: o.message_ts, ...thread, text: '' },
    state: { values: {} },
    actions: [
      {
        type: 'button',
        block_id: o.block_id ?? 'actions',
        action_id: o.action_id,
        text: { type: 'plain_text', text: o.action_id, emoji: true },
        value: o.value,
        action_ts: nextTs(),
      },
    ],
    ...(o.response_url !== undefined ? { response_url: o.response_url } : {}),
  };
}

/** A click on a feedback button: `block_actions` whose action is `feedback_buttons` with the clicked value. */
export function feedbackActionPayload(o: {
  value: string;
  message_ts: string;
  thread_ts?: string;
  user?: string;
  team_id?: string;
  action_id?: string;
}): Record<string, unknown> {
  const actionId = o.action_id ?? 'answer_feedback';
  const base = blockActionsPayload({ ...o, action_id: actionId });
  const [button] = base.actions as Record<string, unknown>[];
  return {
    ...base,
    actions: [
      {
        ...button,
        type: 'feedback_buttons',
        text: { type: 'plain_text', text: o.value.startsWith('up') ? 'Good answer' : 'Bad answer' },
      },
    ],
  };
}

/** A modal submitted: `view_submission` with the input's value in `view.state.values`. */
export function viewSubmissionPayload(o: {
  callback_id: string;
  private_metadata: string;
  values: Record<string, Record<string, { type: string; value: string | null }>>;
  user?: string;
  team_id?: string;
}): Record<string, unknown> {
  const teamId = o.team_id ?? DEFAULT_TEAM_ID;
  const user = o.user ?? DEFAULT_USER_ID;
  return {
    type: 'view_submission',
    team: { id: teamId, domain: 'fake-team' },
    user: { id: user, username: 'testuser', name: 'testuser', team_id: teamId },
    api_app_id: DEFAULT_APP_ID,
    token: 'fake-verification-token',
    trigger_id: `${nextEventId()}.${teamId}.fake`,
    view: {
      id: 'VFAKE0001',
      team_id: teamId,
      type: 'modal',
      blocks: [],
      private_metadata: o.private_metadata,
      callback_id: o.callback_id,
      state: { values: o.values },
      hash: '1.fake',
      title: { type: 'plain_text', text: 'What was wrong?' },
      close: null,
      submit: { type: 'plain_text', text: 'Send' },
      app_id: DEFAULT_APP_ID,
      bot_id: 'BFAKE',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** The context of an assistant thread: the channel the person was looking at when they wrote. */
function assistantThread(o: {
  channel: string;
  thread_ts: string;
  user: string;
  context_channel?: string;
  teamId: string;
}) {
  return {
    user_id: o.user,
    context: o.context_channel
      ? { channel_id: o.context_channel, team_id: o.teamId, enterprise_id: null }
      : {},
    channel_id: o.channel,
    thread_ts: o.thread_ts,
  };
}

/**
 * `assistant_thread_started` (someone opened the assistant panel) or, with `changed`,
 * `assistant_thread_context_changed` (they moved to another channel while it was open).
 */
export function assistantThreadEnvelope(o: {
  thread_ts: string;
  channel?: string;
  user?: string;
  context_channel?: string;
  changed?: boolean;
  eventId?: string;
  teamId?: string;
}): Record<string, unknown> {
  const teamId = o.teamId ?? DEFAULT_TEAM_ID;
  const eventTs = nextTs();
  const event = {
    type: o.changed ? 'assistant_thread_context_changed' : 'assistant_thread_started',
    assistant_thread: assistantThread({
      channel: o.channel ?? 'D0001',
      thread_ts: o.thread_ts,
      user: o.user ?? DEFAULT_USER_ID,
      teamId,
      ...(o.context_channel !== undefined ? { context_channel: o.context_channel } : {}),
    }),
    event_ts: eventTs,
  };
  return envelopeFor(event, o, eventTs);
}

/** A person's message in a thread of the assistant panel (a DM thread, as Slack sends it). */
export function assistantMessageEnvelope(o: {
  text: string;
  thread_ts: string;
  channel?: string;
  user?: string;
  ts?: string;
  eventId?: string;
}): Record<string, unknown> {
  return messageEnvelope({
    ...o,
    channel: o.channel ?? 'D0001',
    channel_type: 'im',
  });
}
