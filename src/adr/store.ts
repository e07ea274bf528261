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
  /** Suggestions left `drafting` by a stopped process. */
  drafting(): Promise<Suggestion[]>;
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
