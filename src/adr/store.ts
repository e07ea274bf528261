export type SuggestionState = 'pending' | 'drafting' | 'documented' | 'dismissed';

export interface NewSuggestion {
  publicId: string;
  source: 'detected' | 'command';
  teamId: string;
  channelId: string;
  threadTs: string;
  phrPublicId: string | null;
  brief: string;
  title: string;
  suggestedBy: string | null;
}

export interface Suggestion extends NewSuggestion {
  id: number;
  cardTs: string | null;
  state: SuggestionState;
  actedBy: string | null;
  adrNumber: number | null;
}

export interface NewAdr {
  number: number;
  publicId: string;
  suggestionId: number;
  title: string;
  status: string;
  filePath: string | null;
  markdown: string;
  channelId: string;
  threadTs: string;
  cardTs: string | null;
  proposedBy: string;
  createdAt: string;
}

export interface Adr extends NewAdr {
  decidedBy: string | null;
  decidedAt: string | null;
}

/** An adr_suggestions row as both databases return it. */
export interface SuggestionRow {
  id: number;
  public_id: string;
  source: 'detected' | 'command';
  team_id: string;
  channel_id: string;
  thread_ts: string;
  card_ts: string | null;
  phr_public_id: string | null;
  brief: string;
  title: string;
  suggested_by: string | null;
  state: SuggestionState;
  acted_by: string | null;
  adr_number: number | null;
}

/** An adrs row as both databases return it. */
export interface AdrRow {
  number: number;
  public_id: string;
  suggestion_id: number;
  title: string;
  status: string;
  file_path: string | null;
  markdown: string;
  channel_id: string;
  thread_ts: string;
  card_ts: string | null;
  proposed_by: string;
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
}

export function toSuggestion(row: SuggestionRow): Suggestion {
  return {
    id: row.id,
    publicId: row.public_id,
    source: row.source,
    teamId: row.team_id,
    channelId: row.channel_id,
    threadTs: row.thread_ts,
    cardTs: row.card_ts,
    phrPublicId: row.phr_public_id,
    brief: row.brief,
    title: row.title,
    suggestedBy: row.suggested_by,
    state: row.state,
    actedBy: row.acted_by,
    adrNumber: row.adr_number,
  };
}

export function toAdr(row: AdrRow): Adr {
  return {
    number: row.number,
    publicId: row.public_id,
    suggestionId: row.suggestion_id,
    title: row.title,
    status: row.status,
    filePath: row.file_path,
    markdown: row.markdown,
    channelId: row.channel_id,
    threadTs: row.thread_ts,
    cardTs: row.card_ts,
    proposedBy: row.proposed_by,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    createdAt: row.created_at,
  };
}

/**
 * ADR suggestions and ADRs. Every state change is one conditional UPDATE (`WHERE state = 'pending'`,
 * `WHERE status = 'Proposed'`): of two clicks racing, exactly one is told it made the change.
 */
export interface AdrStore {
  insertSuggestion(suggestion: NewSuggestion): Promise<void>;
  setCard(publicId: string, cardTs: string): Promise<void>;
  suggestion(publicId: string): Promise<Suggestion | undefined>;
  /** Moves a suggestion from one state to another; false when it was not in `from` any more. */
  move(publicId: string, from: SuggestionState, to: SuggestionState, actor: string | null): Promise<boolean>;
  /**
   * Suggestions `drafting` since before `before`: left so by a stopped process (with several replicas,
   * only drafts older than any draft takes are known to be abandoned rather than in progress elsewhere).
   */
  drafting(before: Date): Promise<Suggestion[]>;
  /**
   * Numbers and stores an ADR in one transaction, marking its suggestion documented: `build` (synchronous;
   * it may write the ADR's file) gets the highest stored ADR number and returns the ADR to store. Calls are
   * serialised: two ADRs written together never see the same highest number.
   */
  insertNumbered<T extends NewAdr>(suggestionPublicId: string, build: (maxStored: number) => T): Promise<T>;
  adr(publicId: string): Promise<Adr | undefined>;
  adrByNumber(number: number): Promise<Adr | undefined>;
  allAdrs(): Promise<Adr[]>;
  /** ADRs still waiting for a decision, newest first. */
  proposed(limit: number): Promise<Adr[]>;
  /** Accepts or rejects a Proposed ADR; false when it had already been decided. */
  decide(publicId: string, status: 'Accepted' | 'Rejected', decidedBy: string): Promise<boolean>;
  setMarkdown(publicId: string, markdown: string): Promise<void>;
}
