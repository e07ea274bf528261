// The YAML front matter of a PHR file, built node by node so every value is quoted and typed as intended.

import { Document, Pair, parse, Scalar, type ToStringOptions, YAMLMap, YAMLSeq } from 'yaml';
import { assertStage, DATE_PATTERN, EMPTY_LIST_ITEM, type PhrRecord, padId } from './phr.js';

// No folding (a title must stay on its key's line), double quotes only, and `["a", "b"]` as the template writes.
const YAML_OPTIONS: ToStringOptions = {
  lineWidth: 0,
  flowCollectionPadding: false,
  singleQuote: false,
  doubleQuotedMinMultiLineLength: Number.POSITIVE_INFINITY,
};

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

export function stringNode(value: string): Scalar<string> {
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

export function mapOf(entries: Array<[key: string, value: unknown]>): YAMLMap {
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

export function stringifyYaml(contents: YAMLMap): string {
  const doc = new Document();
  doc.contents = contents;
  return escapeRawControls(doc.toString(YAML_OPTIONS));
}

export function frontMatter(record: PhrRecord): YAMLMap {
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
