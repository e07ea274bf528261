/**
 * Shapes Bolt 5.1 assumes without checking: a signed but malformed body (an event that is null or a
 * string, a null channel, actions that are not a list, a view without a user) makes it throw and
 * answer 500, or reject unhandled. These checks run after the signature is verified and before Bolt
 * looks; only what this bot listens to is let through.
 */
type Json = Record<string, unknown>;

/** A body that passes comes back parsed, so that nothing parses it again. */
export type Verdict = { pass: true; body: Json } | { pass: false; status: 200 | 400; reason: string };

const pass = (body: Json): Verdict => ({ pass: true, body });
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const refuse = (reason: string): Verdict => ({ pass: false, status: 400, reason });
/** Well-formed but nothing this bot handles: acknowledged (so Slack does not retry) and dropped. */
const ignore = (reason: string): Verdict => ({ pass: false, status: 200, reason });

/** Fields Slack sends as objects when present. */
const EVENT_OBJECTS = ['item', 'assistant_thread', 'message', 'previous_message', 'subteam'];

export function eventVerdict(body: unknown): Verdict {
  if (!isObject(body)) return refuse('body is not an object');
  if (body.type === 'url_verification')
    return isString(body.challenge) ? pass(body) : refuse('challenge missing');
  if (body.type !== 'event_callback') return ignore(`unhandled body type ${String(body.type).slice(0, 40)}`);
  const event = body.event;
  if (!isObject(event) || !isString(event.type)) return refuse('event is not an object with a type');
  for (const key of ['channel', 'user']) {
    if (key in event && event[key] !== undefined && !isString(event[key]) && !isObject(event[key])) {
      return refuse(`event.${key} has the wrong type`);
    }
  }
  for (const key of EVENT_OBJECTS) {
    if (key in event && event[key] !== undefined && !isObject(event[key]))
      return refuse(`event.${key} is not an object`);
  }
  if (!isString(body.team_id)) return refuse('event without a team_id');
  if (
    body.authorizations !== undefined &&
    !(Array.isArray(body.authorizations) && body.authorizations.every(isObject))
  ) {
    return refuse('authorizations is not a list of objects');
  }
  return pass(body);
}

export function commandVerdict(fields: Json): Verdict {
  for (const key of ['command', 'team_id', 'channel_id', 'user_id', 'trigger_id']) {
    if (!isString(fields[key])) return refuse(`command without ${key}`);
  }
  return pass(fields);
}

export function interactionVerdict(payload: unknown): Verdict {
  if (!isObject(payload)) return refuse('payload is not an object');
  if (payload.type === 'view_submission') return viewVerdict(payload);
  if (payload.type !== 'block_actions')
    return ignore(`unhandled interaction ${String(payload.type).slice(0, 40)}`);
  if (!Array.isArray(payload.actions) || !payload.actions.every(isObject))
    return refuse('actions is not a list of objects');
  if (!isObject(payload.user) || !isString(payload.user.id)) return refuse('action without a user');
  if (!isObject(payload.team) && !isString(payload.user.team_id)) return refuse('action without a team');
  for (const key of ['channel', 'container', 'message', 'enterprise', 'view', 'state']) {
    if (key in payload && payload[key] !== null && payload[key] !== undefined && !isObject(payload[key])) {
      return refuse(`${key} has the wrong type`);
    }
  }
  return pass(payload);
}

/** A modal's submission (the feedback comment): Bolt reads the view's callback id, state and user. */
function viewVerdict(payload: Json): Verdict {
  const view = payload.view;
  if (!isObject(view) || !isString(view.callback_id)) return refuse('view without a callback_id');
  if (view.state !== undefined && !isObject(view.state)) return refuse('view.state has the wrong type');
  if (!isObject(payload.user) || !isString(payload.user.id)) return refuse('view without a user');
  if (payload.team !== null && payload.team !== undefined && !isObject(payload.team))
    return refuse('team has the wrong type');
  return pass(payload);
}
