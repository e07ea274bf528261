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
import {
  Document,
  isMap,
  Pair,
  parse,
  parseDocument,
  Scalar,
  type ToStringOptions,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
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

const EMPTY_LIST_ITEM = 'none';
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

// No folding (a title must stay on its key's line), double quotes only, and `["a", "b"]` as the template writes.
const YAML_OPTIONS: ToStringOptions = {
  lineWidth: 0,
  flowCollectionPadding: false,
  singleQuote: false,
  doubleQuotedMinMultiLineLength: Number.POSITIVE_INFINITY,
};

export function padId(id: number): string {
  if (!Number.isSafeInteger(id) || id < 0)
    throw new RangeError(`PHR id must be a non-negative integer, got ${id}`);
  return String(id).padStart(4, '0');
}

function assertStage(stage: string): asserts stage is PhrStage {
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

/** Code points that YAML readers reject raw (js-yaml, used by gray-matter) or read as line breaks (YAML 1.1). */
function isUnsafeRaw(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0xfeff ||
    code === 0xfffe ||
    code === 0xffff ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}

/**
 * Whether a string must be quoted to read back as the same string in every reader a PHR meets: YAML 1.2
 * (`yaml`), YAML 1.1 (js-yaml in gray-matter: yes/no, 0010 octal, 1:20 sexagesimal, timestamps) and people.
 * Stricter than YAML needs: `/fastapi` and `@mention` are quoted so commands look alike.
 */
function needsQuotes(value: string): boolean {
  if (value === '' || value !== value.trim()) return true;
  if (/^[@/`'"!&*|>%#?:,[\]{}\-~=<]/.test(value) || value.endsWith(':')) return true;
  if (/:\s|\s#/.test(value)) return true;
  for (const char of value) {
    if (isUnsafeRaw(char.codePointAt(0) ?? 0) || char === '\t') return true;
  }
  for (const version of ['1.1', '1.2'] as const) {
    try {
      if (parse(value, { version, logLevel: 'silent' }) !== value) return true;
    } catch {
      return true;
    }
  }
  return false;
}

function stringNode(value: string): Scalar<string> {
  const node = new Scalar(value);
  node.type = needsQuotes(value) ? Scalar.QUOTE_DOUBLE : Scalar.PLAIN;
  return node;
}

function quotedNode(value: string): Scalar<string> {
  const node = new Scalar(value);
  node.type = Scalar.QUOTE_DOUBLE;
  return node;
}

function nullableNode(value: string | null): Scalar<string | null> {
  return value === null ? new Scalar(null) : stringNode(value);
}

function countNode(value: number, what: string): Scalar<number> {
  if (!Number.isFinite(value)) throw new RangeError(`PHR ${what} must be a finite number, got ${value}`);
  return new Scalar(value);
}

function blockList(values: string[]): YAMLSeq {
  const seq = new YAMLSeq();
  for (const value of values.length === 0 ? [EMPTY_LIST_ITEM] : values) seq.items.push(stringNode(value));
  return seq;
}

function mapOf(entries: Array<[key: string, value: unknown]>): YAMLMap {
  const map = new YAMLMap();
  for (const [key, value] of entries) map.items.push(new Pair(new Scalar(key), value));
  return map;
}

/**
 * The `yaml` library writes DEL, C1 controls, U+2028/2029 and BOM raw inside double quotes (JSON.stringify
 * leaves them), and js-yaml then refuses the whole front matter. needsQuotes double-quotes every string holding
 * one, so each raw occurrence is inside double quotes, where a \u escape means the same character.
 */
function escapeRawControls(yamlText: string): string {
  let out = '';
  for (const char of yamlText) {
    const code = char.codePointAt(0) ?? 0;
    out += code >= 0x7f && isUnsafeRaw(code) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}

function stringifyYaml(contents: YAMLMap): string {
  const doc = new Document();
  doc.contents = contents;
  return escapeRawControls(doc.toString(YAML_OPTIONS));
}

function frontMatter(record: PhrRecord): YAMLMap {
  assertStage(record.stage);
  if (!DATE_PATTERN.test(record.date))
    throw new RangeError(`PHR date must be YYYY-MM-DD, got "${record.date}"`);

  const labels = new YAMLSeq();
  labels.flow = true;
  for (const label of record.labels) labels.items.push(quotedNode(label));

  // Plain like the template writes it; YAML 1.1 readers (gray-matter) turn it into a Date, YAML 1.2 keeps a string.
  const date = new Scalar(record.date);
  date.type = Scalar.PLAIN;

  const entries: Array<[string, unknown]> = [
    // Quoted so it reads back as "0007", not 7 (YAML 1.2) or 8 for 0010 (YAML 1.1 octal).
    ['id', quotedNode(padId(record.id))],
    ['title', stringNode(record.title)],
    ['stage', stringNode(record.stage)],
    ['date', date],
    ['surface', stringNode(record.surface)],
    ['model', stringNode(record.model)],
    ['feature', stringNode(record.feature ?? 'none')],
    ['branch', stringNode(record.branch ?? 'none')],
    ['user', stringNode(record.user)],
    ['command', stringNode(record.command)],
    ['labels', labels],
    [
      'links',
      mapOf([
        ['spec', nullableNode(record.links.spec)],
        ['ticket', nullableNode(record.links.ticket)],
        ['adr', nullableNode(record.links.adr)],
        ['pr', nullableNode(record.links.pr)],
      ]),
    ],
    ['files', blockList(record.files)],
    ['tests', blockList(record.tests)],
  ];
  if (record.slack) {
    entries.push([
      'slack',
      mapOf([
        ['team', stringNode(record.slack.team)],
        ['channel', stringNode(record.slack.channel)],
        ['thread_ts', stringNode(record.slack.threadTs)],
        ['message_ts', nullableNode(record.slack.messageTs)],
        ['permalink', nullableNode(record.slack.permalink)],
      ]),
    ]);
  }
  if (record.usage) {
    entries.push([
      'usage',
      mapOf([
        ['input_tokens', countNode(record.usage.inputTokens, 'usage.inputTokens')],
        ['output_tokens', countNode(record.usage.outputTokens, 'usage.outputTokens')],
        ['cache_read_input_tokens', countNode(record.usage.cacheReadTokens, 'usage.cacheReadTokens')],
        ['cache_creation_input_tokens', countNode(record.usage.cacheWriteTokens, 'usage.cacheWriteTokens')],
      ]),
    ]);
  }
  if (record.latencyMs !== undefined) entries.push(['latency_ms', countNode(record.latencyMs, 'latencyMs')]);
  return mapOf(entries);
}

/** A fence one backtick longer than any backtick run in the text, so nothing inside can close it. */
function fenceFor(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longestRun + 1));
}

function fenced(text: string, info: string): string {
  const fence = fenceFor(text);
  return `${fence}${info}\n${text}\n${fence}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim() || 'none';
}

/**
 * The file text: YAML front matter (template keys in template order, then the extras slack, usage, latency_ms),
 * then the template's body sections with the prompt and response fenced as the module comment describes.
 */
export function renderPhr(record: PhrRecord): string {
  const { outcome, evaluation } = record;
  return [
    `---\n${stringifyYaml(frontMatter(record))}---`,
    '## Prompt',
    fenced(record.prompt, 'text'),
    '## Response snapshot',
    fenced(record.response, 'markdown'),
    '## Outcome',
    [
      `- ✅ Impact: ${oneLine(outcome.impact)}`,
      `- 🧪 Tests: ${oneLine(outcome.tests)}`,
      `- 📁 Files: ${oneLine(outcome.files)}`,
      `- 🔁 Next prompts: ${oneLine(outcome.nextPrompts)}`,
      `- 🧠 Reflection: ${oneLine(outcome.reflection)}`,
    ].join('\n'),
    '## Evaluation notes (flywheel)',
    [
      `- Failure modes observed: ${oneLine(evaluation.failureModes)}`,
      `- Graders run and results (PASS/FAIL): ${oneLine(evaluation.graders)}`,
      `- Prompt variant (if applicable): ${oneLine(evaluation.promptVariant)}`,
      `- Next experiment (smallest change to try): ${oneLine(evaluation.nextExperiment)}`,
    ].join('\n'),
  ]
    .join('\n\n')
    .concat('\n');
}

/** A file split into lines, remembering whether it uses CRLF (a checkout with core.autocrlf). */
interface Lines {
  lines: string[];
  crlf: boolean;
}

function splitLines(text: string): Lines {
  const lines = text.split('\n');
  return { lines, crlf: lines.length > 1 && (lines[0] ?? '').endsWith('\r') };
}

function bare(line: string | undefined): string {
  return line === undefined ? '' : line.replace(/\r$/, '');
}

/** Index of the line closing the front matter; the opening `---` must be the first line. */
function frontMatterEnd(lines: string[]): number {
  if (bare(lines[0]) !== '---')
    throw new PhrFormatError('PHR file does not start with a "---" front matter line');
  for (let index = 1; index < lines.length; index++) {
    const line = bare(lines[index]);
    if (line === '---' || line === '...') return index;
  }
  throw new PhrFormatError('PHR front matter is not closed by a "---" line');
}

function findLine(lines: string[], from: number, pattern: RegExp): number {
  for (let index = from; index < lines.length; index++) if (pattern.test(bare(lines[index]))) return index;
  return -1;
}

function skipBlank(lines: string[], from: number): number {
  let index = from;
  while (index < lines.length && bare(lines[index]).trim() === '') index++;
  return index;
}

function joinContent(file: Lines, start: number, end: number): string {
  const text = file.lines.slice(start, end).join('\n');
  return file.crlf ? text.replace(/\r$/, '') : text;
}

const PROMPT_HEADING = /^##\s+Prompt\s*$/i;
const RESPONSE_HEADING = /^##\s+Response snapshot\s*$/i;
const AFTER_RESPONSE_HEADING = /^##\s+(?:Outcome|Evaluation notes\b.*)\s*$/i;

/**
 * One section's text, starting after its heading. Our files hold one fenced block followed by the next section
 * (`isNext`); anything else (a PHR an agent wrote by hand) is read as the raw lines up to the next section,
 * without the blank lines around them.
 */
function sectionText(
  file: Lines,
  from: number,
  isNext: (line: string) => boolean,
): { text: string; end: number } {
  const { lines } = file;
  const open = skipBlank(lines, from);
  const opening = /^(`{3,})[^`]*$/.exec(bare(lines[open]));
  if (opening?.[1]) {
    const closing = new RegExp(`^ {0,3}\`{${opening[1].length},}[ \\t]*$`);
    const close = findLine(lines, open + 1, closing);
    const next = close === -1 ? -1 : skipBlank(lines, close + 1);
    if (close !== -1 && (next === lines.length || isNext(bare(lines[next])))) {
      return { text: joinContent(file, open + 1, close), end: next };
    }
  }
  let end = from;
  while (end < lines.length && !isNext(bare(lines[end]))) end++;
  let last = end;
  while (last > open && bare(lines[last - 1]).trim() === '') last--;
  return { text: open >= last ? '' : joinContent(file, open, last), end };
}

/**
 * Reads a PHR file back: front matter (YAML 1.2, so `id: "0007"` stays a string and dates stay strings) and
 * the Prompt and Response snapshot sections. The id comes from the file name (`0007-...prompt.md`, a path is
 * fine), never from YAML. Throws PhrFormatError on a malformed file.
 */
export function parsePhr(text: string, fileName: string): ParsedPhr {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const idMatch = /^(\d+)-.*\.prompt\.md$/.exec(base);
  if (!idMatch?.[1])
    throw new PhrFormatError(`"${fileName}" is not a PHR file name (NNNN-slug.stage.prompt.md)`);
  const id = Number.parseInt(idMatch[1], 10);

  const file = splitLines(text);
  const end = frontMatterEnd(file.lines);
  const doc = parseDocument(file.lines.slice(1, end).join('\n'));
  const [firstError] = doc.errors;
  if (firstError) throw new PhrFormatError(`PHR front matter is not valid YAML: ${firstError.message}`);
  if (!isMap(doc.contents)) throw new PhrFormatError('PHR front matter is not a YAML mapping');
  const frontMatter = doc.toJS() as Record<string, unknown>;

  const promptHeading = findLine(file.lines, end + 1, PROMPT_HEADING);
  if (promptHeading === -1) throw new PhrFormatError('PHR has no "## Prompt" section');
  const prompt = sectionText(file, promptHeading + 1, (line) => RESPONSE_HEADING.test(line));
  if (prompt.end >= file.lines.length) throw new PhrFormatError('PHR has no "## Response snapshot" section');
  const response = sectionText(file, prompt.end + 1, (line) => AFTER_RESPONSE_HEADING.test(line));

  return { id, frontMatter, prompt: prompt.text, response: response.text };
}

function indentOf(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0;
}

/**
 * Rewrites `links.adr` in a PHR file's text (an ADR written after the answer), leaving every other byte as it
 * was. Adds the key inside `links:` when missing. Throws PhrFormatError when there is no block `links:` map.
 */
export function setPhrAdrLink(text: string, adr: string): string {
  const file = splitLines(text);
  const { lines } = file;
  const end = frontMatterEnd(lines);
  const linksLine = findLine(lines.slice(0, end), 1, /^links:\s*(?:#.*)?$/);
  if (linksLine === -1) throw new PhrFormatError('PHR front matter has no block "links:" map');

  let blockEnd = linksLine + 1;
  while (blockEnd < end && (bare(lines[blockEnd]).trim() === '' || indentOf(bare(lines[blockEnd])) > 0))
    blockEnd++;
  const children = lines.slice(linksLine + 1, blockEnd).map(bare);
  const firstChild = children.find((line) => line.trim() !== '');
  const childIndent = firstChild === undefined ? 2 : indentOf(firstChild);

  const rendered = stringifyYaml(mapOf([['adr', stringNode(adr)]])).replace(/\n$/, '');
  if (rendered.includes('\n')) throw new PhrFormatError('links.adr does not fit on one line');
  const newLine = `${' '.repeat(childIndent)}${rendered}${file.crlf ? '\r' : ''}`;

  const isChild = (line: string, key: string): boolean =>
    indentOf(line) === childIndent && new RegExp(`^ *${key}:(?:\\s|$)`).test(line);
  const adrOffset = children.findIndex((line) => isChild(line, 'adr'));
  const out = [...lines];
  if (adrOffset === -1) {
    const ticketOffset = children.findIndex((line) => isChild(line, 'ticket'));
    let lastChild = children.length;
    while (lastChild > 0 && (children[lastChild - 1] ?? '').trim() === '') lastChild--;
    const at = linksLine + 1 + (ticketOffset === -1 ? lastChild : ticketOffset + 1);
    out.splice(at, 0, newLine);
  } else {
    const at = linksLine + 1 + adrOffset;
    // A value written over several lines continues on lines indented deeper than its key.
    let valueEnd = at + 1;
    while (valueEnd < blockEnd && indentOf(bare(lines[valueEnd])) > childIndent) valueEnd++;
    out.splice(at, valueEnd - at, newLine);
  }

  const result = out.join('\n');
  const check = parseDocument(out.slice(1, frontMatterEnd(out)).join('\n'));
  const links: unknown = check.errors.length === 0 ? check.get('links') : undefined;
  if (!isMap(links) || links.get('adr') !== adr) {
    throw new PhrFormatError(
      'could not set links.adr: the links map is not in a form this writer understands',
    );
  }
  return result;
}
