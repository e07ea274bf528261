export type Role = 'user' | 'assistant';

export interface ThreadKey {
  channelId: string;
  threadTs: string;
}

export interface NewTurn extends ThreadKey {
  role: Role;
  userId: string | null;
  userName: string | null;
  text: string;
  /** The Slack message the turn came from; a message is stored once however often it is seen. */
  messageTs: string | null;
  /** The question this turn asks; a question's turn is stored once however often it is answered. */
  questionId?: number | null;
  /**
   * Where the turn sits in the thread when it has no message of its own (a `/fastapi` question sits at
   * its root); by default its message ts, else the time it is stored.
   */
  sortTs?: string;
}

export interface Turn {
  id: number;
  role: Role;
  userId: string | null;
  userName: string | null;
  text: string;
  messageTs: string | null;
}

/** A turns row as both databases return it. */
export interface TurnRow {
  id: number;
  role: Role;
  user_id: string | null;
  user_name: string | null;
  text: string;
  message_ts: string | null;
}

export function toTurn(row: TurnRow): Turn {
  return {
    id: row.id,
    role: row.role,
    userId: row.user_id,
    userName: row.user_name,
    text: row.text,
    messageTs: row.message_ts,
  };
}

/** Threads the bot is part of, what was said in them, and the names of who said it. */
export interface ConversationStore {
  hasThread(key: ThreadKey): Promise<boolean>;
  /** Returns true when the thread was new to the bot. */
  addThread(key: ThreadKey & { teamId: string }): Promise<boolean>;
  /** Returns false when the message was already stored. */
  addTurn(turn: NewTurn): Promise<boolean>;
  turns(key: ThreadKey): Promise<Turn[]>;
  /** The thread of the channel with the newest turn: "the current discussion" for `/fastapi adr`. */
  latestThread(channelId: string): Promise<string | undefined>;
  deleteTurnsBefore(before: Date): Promise<number>;
  userName(userId: string): Promise<{ name: string; fetchedAt: Date } | undefined>;
  saveUserName(userId: string, name: string): Promise<void>;
}

/** A time written like a Slack message ts (seconds.microseconds), so it sorts among real ones. */
export function slackTsOf(time: Date): string {
  const ms = time.getTime();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}
