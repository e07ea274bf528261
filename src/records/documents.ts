/** What a record page shows: the shape PHRs and ADRs hand to the HTTP layer, which renders it. */

export interface RecordDocument {
  title: string;
  /** The whole file as written (front matter included): served as-is by the `.md` download. */
  markdown: string;
  fileName: string;
  /** Parsed front matter, shown as a table; the page drops the front matter block from the body. */
  frontMatter?: Record<string, unknown>;
  /** Votes and comments on the answer a PHR records (comments already redacted). */
  feedback?: { positive: number; negative: number; comments: string[] };
}

export interface AdrIndexEntry {
  number: string;
  title: string;
  status: string;
  date: string;
  /** The ADR's public id (as passed to lookup('adr', id)). */
  id: string;
}

/** The id under which kind `adrs` serves the ADR index. */
export const ADR_INDEX_ID = 'index';

/** Where records are written and how their links are made: the same for PHRs and ADRs. */
export interface RecordPlacement {
  dataDir: string;
  publicBaseUrl: string;
  linkSecret: Buffer;
  /** Channels bound to a Spec-Kit Plus feature (FEATURE_CHANNELS). */
  featureChannels: ReadonlyMap<string, { feature: string; stage: string }>;
}
