import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { resolveModel, UnknownModelError } from './models.js';

/** One agent definition from `agents/*.md` (Claude Code's sub-agent format). */
export interface Agent {
  name: string;
  description: string;
  /** As written in the file (an alias such as `sonnet` or a full id); resolve with resolveModel. */
  model: string;
  color?: string;
  /** The Markdown body after the front matter. */
  systemPrompt: string;
  /** The path the agent was read from (dir joined with the file name). */
  file: string;
}

/** A problem in one agent file; `field` names the front matter field when one is to blame. */
export class AgentFileError extends Error {
  override readonly name = 'AgentFileError';
  readonly file: string;
  readonly field: string | undefined;

  constructor(file: string, field: string | undefined, problem: string, options?: ErrorOptions) {
    super(`${file}: ${field === undefined ? problem : `front matter field "${field}" ${problem}`}`, options);
    this.file = file;
    this.field = field;
  }
}

/** A problem with the set of agents rather than one file: nothing to load, or no way to pick one. */
export class AgentsError extends Error {
  override readonly name = 'AgentsError';
}

/**
 * Reads and validates every `*.md` in `dir`, in file name order. Throws on the first bad file, so a broken
 * agent stops the bot at start instead of surfacing on the first question.
 */
export function loadAgents(dir: string): Agent[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.md'))
      .sort();
  } catch (error) {
    throw new AgentsError(`cannot read the agents directory ${dir}`, { cause: error });
  }

  const agents: Agent[] = [];
  const byName = new Map<string, Agent>();
  for (const name of names) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    const agent = parseAgentFile(file, readFileSync(file, 'utf8'));
    const earlier = byName.get(agent.name);
    if (earlier) {
      throw new AgentFileError(file, 'name', `repeats "${agent.name}", already used by ${earlier.file}`);
    }
    byName.set(agent.name, agent);
    agents.push(agent);
  }
  if (agents.length === 0)
    throw new AgentsError(`no agents found in ${dir}: expected at least one *.md file`);
  return agents;
}

/** Parses one agent file's text; `file` is used in error messages and kept on the result. */
export function parseAgentFile(file: string, source: string): Agent {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // Always pass options: without them gray-matter caches every parsed string in a module-level map forever.
    parsed = matter(source, {});
  } catch (error) {
    throw new AgentFileError(file, undefined, `has invalid YAML: ${yamlReason(error)}`, { cause: error });
  }

  const data: unknown = parsed.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new AgentFileError(file, undefined, 'front matter is not a YAML mapping of fields');
  }
  const fields = data as Record<string, unknown>;
  if (Object.keys(fields).length === 0 && !/^\uFEFF?---/.test(source)) {
    throw new AgentFileError(
      file,
      undefined,
      'has no front matter: start it with a --- block holding name, description and model',
    );
  }
  const name = requiredString(file, fields, 'name');
  const description = requiredString(file, fields, 'description');
  const model = requiredString(file, fields, 'model');
  const color = optionalString(file, fields, 'color');

  try {
    resolveModel(model);
  } catch (error) {
    if (error instanceof UnknownModelError) {
      throw new AgentFileError(file, 'model', `has ${error.message}`, { cause: error });
    }
    throw error;
  }

  // gray-matter strips the closing `---` line but keeps the blank line that conventionally follows it; drop
  // exactly that one newline and nothing else, so the prompt is otherwise byte-for-byte the file's body.
  const systemPrompt = parsed.content.replace(/^\r?\n/, '');

  // Other fields (Claude Code's `tools`, ...) are ignored on purpose: the same file works in both places.
  const agent: Agent = { name, description, model, systemPrompt, file };
  if (color !== undefined) agent.color = color;
  return agent;
}

/** Picks the agent called `name`; without a name, the only agent there is. */
export function selectAgent(agents: readonly Agent[], name?: string): Agent {
  const known = agents.map((agent) => agent.name).join(', ');
  if (name !== undefined && name !== '') {
    const found = agents.find((agent) => agent.name === name);
    if (!found) throw new AgentsError(`no agent named "${name}"; known agents: ${known}`);
    return found;
  }
  const [only, ...rest] = agents;
  if (!only) throw new AgentsError('no agents loaded');
  if (rest.length > 0) {
    throw new AgentsError(`${agents.length} agents are defined (${known}): choose one by name (AGENT)`);
  }
  return only;
}

function requiredString(file: string, fields: Record<string, unknown>, field: string): string {
  const value = fields[field];
  if (value === undefined || value === null) throw new AgentFileError(file, field, 'is missing');
  if (typeof value !== 'string') throw new AgentFileError(file, field, 'is not a string');
  if (value.trim() === '') throw new AgentFileError(file, field, 'is empty');
  return value;
}

function optionalString(file: string, fields: Record<string, unknown>, field: string): string | undefined {
  const value = fields[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AgentFileError(file, field, 'is not a string');
  return value;
}

// js-yaml's `reason` is the short explanation; its `message` adds a multi-line source excerpt.
function yamlReason(error: unknown): string {
  if (error instanceof Error) {
    const reason = (error as Error & { reason?: unknown }).reason;
    const mark = (error as Error & { mark?: { line?: unknown } }).mark;
    const text = typeof reason === 'string' ? reason : error.message;
    // The mark counts from 0 and from the opening `---` line, which starts the file, so +1 is the file's line.
    return typeof mark?.line === 'number' ? `${text} (line ${mark.line + 1})` : text;
  }
  return String(error);
}
