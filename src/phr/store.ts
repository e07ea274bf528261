export interface NewPhrRow {
  publicId: string;
  route: string;
  number: number;
  stage: string;
  title: string;
  filePath: string | null;
  teamId: string | null;
  channelId: string;
  threadTs: string;
  userId: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  latencyMs: number;
  costUsd: number;
  markdown: string;
  createdAt: string;
}

/** Token use and cost of a workspace's answers, per channel. */
export interface UsageRow {
  channelId: string;
  answers: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export interface PhrRow {
  publicId: string;
  route: string;
  number: number;
  stage: string;
  title: string;
  filePath: string | null;
  channelId: string;
  threadTs: string;
  markdown: string;
  createdAt: string;
}

/** A phrs row as both databases return it (the columns PhrRow needs). */
export interface PhrDbRow {
  public_id: string;
  route: string;
  number: number;
  stage: string;
  title: string;
  file_path: string | null;
  channel_id: string;
  thread_ts: string;
  markdown: string;
  created_at: string;
}

export function toPhr(row: PhrDbRow): PhrRow {
  return {
    publicId: row.public_id,
    route: row.route,
    number: row.number,
    stage: row.stage,
    title: row.title,
    filePath: row.file_path,
    channelId: row.channel_id,
    threadTs: row.thread_ts,
    markdown: row.markdown,
    createdAt: row.created_at,
  };
}

/**
 * PHR rows, the usage queries over them (the daily token budget and `/fastapi usage`) and the settings
 * row that keeps the secret signing record links.
 */
export interface PhrStore {
  /** The stored value, or `value` stored now if there was none (first start wins, later starts read it). */
  settingOrInit(key: string, value: string): Promise<string>;
  insertPhr(row: NewPhrRow): Promise<void>;
  /**
   * Numbers and stores a PHR in one transaction: `build` (synchronous; it may write the PHR's file) gets the
   * highest number stored for the route and returns the row to store and what to resolve with. Calls are
   * serialised: two PHRs of a route written together never see the same highest number.
   */
  insertNumbered<T>(route: string, build: (maxStored: number) => { row: NewPhrRow; result: T }): Promise<T>;
  phr(publicId: string): Promise<PhrRow | undefined>;
  /** Every stored PHR, oldest first (for `npm run export -- records`). */
  allPhrs(): Promise<PhrRow[]>;
  phrsForChannel(channelId: string, limit: number): Promise<PhrRow[]>;
  /** The newest PHRs of one asker's questions, across channels (for their App Home). */
  phrsOfUser(userId: string, limit: number): Promise<PhrRow[]>;
  latestPhrInThread(channelId: string, threadTs: string): Promise<PhrRow | undefined>;
  /** Input + output tokens of a workspace's answers since `since` (for the daily budget). */
  tokensSince(teamId: string, since: Date): Promise<number>;
  usageSince(teamId: string, since: Date): Promise<UsageRow[]>;
  /** Deletes PHR rows older than `before`; returns the files they were written to. */
  deletePhrsBefore(before: Date): Promise<string[]>;
  updatePhrMarkdown(publicId: string, markdown: string): Promise<void>;
}
