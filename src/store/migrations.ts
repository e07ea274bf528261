/**
 * Append-only: entry N brings the schema from user_version N to N+1. Never edit a shipped entry;
 * add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  -- Threads the bot takes part in: follow-ups there are answered without a mention.
  CREATE TABLE threads (
    channel_id TEXT NOT NULL,
    thread_ts  TEXT NOT NULL,
    team_id    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (channel_id, thread_ts)
  ) WITHOUT ROWID;

  -- What was said in a thread, in order: the memory sent back to Claude.
  CREATE TABLE turns (
    id         INTEGER PRIMARY KEY,
    channel_id TEXT NOT NULL,
    thread_ts  TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    user_id    TEXT,
    user_name  TEXT,
    text       TEXT NOT NULL,
    message_ts TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX turns_by_thread ON turns (channel_id, thread_ts, id);
  CREATE UNIQUE INDEX turns_by_message ON turns (channel_id, message_ts) WHERE message_ts IS NOT NULL;

  -- Slack event ids already accepted: retries of the same delivery are dropped here.
  CREATE TABLE seen_events (
    event_id    TEXT PRIMARY KEY,
    received_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX seen_events_by_age ON seen_events (received_at);

  -- The inbox: every accepted question, durable before Slack gets its ack. One row per Slack
  -- message (channel + ts), so the app_mention and message twins of one message collapse.
  CREATE TABLE questions (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL CHECK (source IN ('mention', 'thread', 'dm', 'command')),
    team_id      TEXT NOT NULL,
    channel_id   TEXT NOT NULL,
    message_key  TEXT NOT NULL,
    thread_ts    TEXT,
    user_id      TEXT NOT NULL,
    text         TEXT NOT NULL,
    response_url TEXT,
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'answering', 'answered', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    partial_ts   TEXT,
    answer_ts    TEXT,
    error        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (channel_id, message_key)
  );
  CREATE INDEX questions_open ON questions (state, id) WHERE state IN ('pending', 'answering');

  -- Display names for prompts and records, refreshed from users.info now and then.
  CREATE TABLE users (
    user_id    TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    fetched_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- Small process-wide values, e.g. the secret that signs record links when none is configured.
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  -- Prompt History Records. The markdown is kept here too: the page works even if the file was
  -- moved, and a failed file write never loses the record.
  CREATE TABLE phrs (
    id                 INTEGER PRIMARY KEY,
    public_id          TEXT NOT NULL UNIQUE,
    route              TEXT NOT NULL,
    number             INTEGER NOT NULL,
    stage              TEXT NOT NULL,
    title              TEXT NOT NULL,
    file_path          TEXT,
    team_id            TEXT,
    channel_id         TEXT NOT NULL,
    thread_ts          TEXT NOT NULL,
    user_id            TEXT,
    model              TEXT NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cache_read_tokens  INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    latency_ms         INTEGER NOT NULL,
    markdown           TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    UNIQUE (route, number)
  );
  CREATE INDEX phrs_by_channel ON phrs (channel_id, id);
  `,
  `
  -- ADR suggestions shown as cards with buttons. A button carries public_id, never the text; the
  -- state moves only forward through one conditional UPDATE, which is what makes clicks race-free.
  CREATE TABLE adr_suggestions (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    source        TEXT NOT NULL CHECK (source IN ('detected', 'command')),
    team_id       TEXT NOT NULL,
    channel_id    TEXT NOT NULL,
    thread_ts     TEXT NOT NULL,
    card_ts       TEXT,
    phr_public_id TEXT,
    brief         TEXT NOT NULL,
    title         TEXT NOT NULL,
    suggested_by  TEXT,
    state         TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'drafting', 'documented', 'dismissed')),
    acted_by      TEXT,
    adr_number    INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );
  CREATE INDEX adr_suggestions_by_state ON adr_suggestions (state);

  -- Architecture Decision Records: one sequence of numbers, one per suggestion at most.
  CREATE TABLE adrs (
    id            INTEGER PRIMARY KEY,
    number        INTEGER NOT NULL UNIQUE,
    public_id     TEXT NOT NULL UNIQUE,
    suggestion_id INTEGER NOT NULL UNIQUE REFERENCES adr_suggestions (id),
    title         TEXT NOT NULL,
    status        TEXT NOT NULL,
    file_path     TEXT,
    markdown      TEXT NOT NULL,
    channel_id    TEXT NOT NULL,
    thread_ts     TEXT NOT NULL,
    card_ts       TEXT,
    proposed_by   TEXT NOT NULL,
    decided_by    TEXT,
    decided_at    TEXT,
    created_at    TEXT NOT NULL
  );
  `,
  `
  -- Today's token use per workspace (DAILY_TOKEN_BUDGET) and age-based deletion (RETENTION_DAYS).
  CREATE INDEX phrs_by_team_day ON phrs (team_id, created_at);
  CREATE INDEX phrs_by_age ON phrs (created_at);
  CREATE INDEX turns_by_age ON turns (created_at);
  CREATE INDEX questions_by_age ON questions (created_at);
  `,
  `
  -- Each answer's estimated cost, from the price table at the time it was answered.
  ALTER TABLE phrs ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0;
  `,
  `
  -- Turns clustered by thread (WITHOUT ROWID, keyed by channel, thread and a per-thread sequence):
  -- reading a long thread is one contiguous range instead of a row lookup per turn.
  CREATE TABLE turns_clustered (
    channel_id TEXT NOT NULL,
    thread_ts  TEXT NOT NULL,
    id         INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    user_id    TEXT,
    user_name  TEXT,
    text       TEXT NOT NULL,
    message_ts TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (channel_id, thread_ts, id)
  ) WITHOUT ROWID;
  INSERT INTO turns_clustered
    SELECT channel_id, thread_ts, id, role, user_id, user_name, text, message_ts, created_at FROM turns;
  DROP TABLE turns;
  ALTER TABLE turns_clustered RENAME TO turns;
  CREATE UNIQUE INDEX turns_by_message ON turns (channel_id, message_ts) WHERE message_ts IS NOT NULL;
  CREATE INDEX turns_by_age ON turns (created_at);
  CREATE INDEX turns_by_channel_age ON turns (channel_id, created_at);
  `,
  `
  -- Turns are read in Slack's order (a side message posted while an answer streams comes after that
  -- answer), and the asking turn of a question is stored once however often the question is retried.
  -- sort_ts is the message ts, or the time of storing written like one for turns without a message.
  ALTER TABLE turns ADD COLUMN sort_ts TEXT NOT NULL DEFAULT '';
  ALTER TABLE turns ADD COLUMN question_id INTEGER;
  UPDATE turns SET sort_ts = coalesce(message_ts, printf('%d.%06d',
    CAST(strftime('%s', created_at) AS INTEGER), CAST(substr(strftime('%f', created_at), 4) AS INTEGER) * 1000));
  CREATE UNIQUE INDEX turns_by_question ON turns (question_id) WHERE question_id IS NOT NULL;
  `,
  `
  -- The asker's own workspace, which differs from the bot's in Slack Connect channels: a streamed
  -- answer is addressed to it (chat.startStream's recipient_team_id).
  ALTER TABLE questions ADD COLUMN user_team_id TEXT;
  `,
  `
  -- Feedback on answers: one vote per person per answer (a later click replaces it), keyed by the
  -- public id of the answer's PHR, which the answer's buttons carry; a negative vote's comment, redacted.
  CREATE TABLE feedback_votes (
    phr_public_id TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    team_id       TEXT,
    vote          TEXT NOT NULL CHECK (vote IN ('positive', 'negative')),
    comment       TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (phr_public_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX feedback_by_team_age ON feedback_votes (team_id, updated_at);
  CREATE INDEX feedback_by_age ON feedback_votes (updated_at);
  `,
];
