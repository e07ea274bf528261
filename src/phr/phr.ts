// Prompt History Records: their types, ids, labels, file names and routes.

/**
 * Prompt History Records in Spec-Kit Plus's layout (`.specify/templates/phr-template.prompt.md`), so the files
 * drop into a Spec-Kit Plus repository's `history/prompts/`. See docs/records-format.md.
 *
 * Body encoding: the template puts PROMPT_TEXT and RESPONSE_TEXT bare under their headings, which cannot be
 * read back once the text itself holds `## ` headings, `---` lines or fences. Here each of them sits in a
 * backtick fenced code block (info string `text` for the prompt, `markdown` for the response) whose fence is
 * one backtick longer than the longest backtick run in the text (at least 3), so no line of the text can close
 * it, in CommonMark or in parsePhr. Between the fence lines the text is written byte for byte (no trailing
 * newline added or removed), which lets parsePhr return exactly what renderPhr was given.
 */

import { slugify } from './title.js';

export const PHR_STAGES = [
  'constitution',
  'spec',
  'plan',
  'tasks',
  'red',
  'green',
  'refactor',
  'explainer',
  'misc',
  'general',
] as const;
export type PhrStage = (typeof PHR_STAGES)[number];

export interface PhrUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface PhrRecord {
  /** Rendered as at least 4 digits: 7 -> "0007". */
  id: number;
  title: string;
  stage: PhrStage;
  /** YYYY-MM-DD. */
  date: string;
  /** 'slack' | 'cli'. */
  surface: string;
  /** The exact model id used, e.g. claude-sonnet-5-5. */
  model: string;
  /** null renders as "none". */
  feature: string | null;
  /** null renders as "none". */
  branch: string | null;
  /** The Slack user's display name. */
  user: string;
  /** "@mention", "/fastapi", "thread reply", "direct message", "npm run ask". */
  command: string;
  labels: string[];
  links: { spec: string | null; ticket: string | null; adr: string | null; pr: string | null };
  /** Empty renders as a block list holding "none". */
  files: string[];
  /** Empty renders as a block list holding "none". */
  tests: string[];
  slack?: {
    team: string;
    channel: string;
    threadTs: string;
    messageTs: string | null;
    permalink: string | null;
  };
  usage?: PhrUsage;
  latencyMs?: number;
  /** The user's message, verbatim and complete. */
  prompt: string;
  /** The answer: may be long and contain fences, `---` lines, HTML, anything. */
  response: string;
  /** Docs pages the answer cites; when there are any, a `## Sources` section follows the response. */
  sources?: { title: string; url: string }[];
  /** One line each in the file: runs of whitespace (newlines included) become one space; empty becomes "none". */
  outcome: { impact: string; tests: string; files: string; nextPrompts: string; reflection: string };
  /** Same one-line rule as outcome. */
  evaluation: { failureModes: string; graders: string; promptVariant: string; nextExperiment: string };
}

/** The parts of a PHR file that parsePhr reads back. */
export interface ParsedPhr {
  id: number;
  frontMatter: Record<string, unknown>;
  prompt: string;
  response: string;
}

/** A file that does not have the shape of a PHR. */
export class PhrFormatError extends Error {
  override readonly name = 'PhrFormatError';
}

export const EMPTY_LIST_ITEM = 'none';
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function padId(id: number): string {
  if (!Number.isSafeInteger(id) || id < 0)
    throw new RangeError(`PHR id must be a non-negative integer, got ${id}`);
  return String(id).padStart(4, '0');
}

export function assertStage(stage: string): asserts stage is PhrStage {
  if (!(PHR_STAGES as readonly string[]).includes(stage)) {
    throw new RangeError(`unknown PHR stage "${stage}": expected one of ${PHR_STAGES.join(', ')}`);
  }
}

/** `PHR-0007 (general)`: numbers are per folder, so the folder is always shown beside the number. */
export function phrLabel(id: number, route: string): string {
  return `PHR-${padId(id)} (${route})`;
}

/** `0007-<slug>.<stage>.prompt.md` */
export function phrFileName(id: number, title: string, stage: PhrStage): string {
  assertStage(stage);
  return `${padId(id)}-${slugify(title)}.${stage}.prompt.md`;
}

/**
 * The routing folder under `history/prompts/`, as Spec-Kit Plus routes: the `constitution` stage goes to
 * `constitution`, the `general` stage and anything without a feature to `general`, every other stage to the
 * feature's folder. A feature name that is not a safe single path segment is slugified.
 */
export function phrRoute(stage: PhrStage, feature: string | null): string {
  assertStage(stage);
  if (stage === 'constitution') return 'constitution';
  const name = feature?.trim() ?? '';
  if (stage === 'general' || name === '') return 'general';
  // The route becomes a directory name; "../x" or "a/b" must not escape history/prompts/.
  return /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/.test(name) ? name : slugify(name);
}
