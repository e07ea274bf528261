import type Anthropic from '@anthropic-ai/sdk';

/**
 * Client tools the model may call while answering (the docs search), and the bookkeeping of a
 * tool round: what goes back to the API after the model asked for a tool.
 */

/** What a tool returns to the model: text, or search results the model can cite. */
export type ToolContent =
  | { type: 'text'; text: string }
  | {
      type: 'search_result';
      /** The deep link the model cites. */
      source: string;
      title: string;
      content: { type: 'text'; text: string }[];
      citations: { enabled: boolean };
    };

export interface ClaudeTool {
  name: string;
  description: string;
  /** JSON Schema of the tool's input. Keep it byte-stable: tool definitions open the cached prefix. */
  inputSchema: { type: 'object'; properties: Record<string, unknown>; required?: string[] };
  /** Runs one call; a throw becomes an error result the model reads, never a failed answer. */
  run(input: unknown): Promise<ToolContent[]>;
}

export interface ToolSet {
  tools: readonly ClaudeTool[];
  /** Calls allowed per answer; past it the model is told to answer with what it has. */
  maxCalls: number;
  /** Told of each call before it runs (the surface shows the step). Must not throw. */
  onCall?: (name: string, input: unknown) => void;
}

/** A passage the answer cites, as the API reports it on the text. */
export interface Citation {
  source: string;
  title: string | null;
  citedText: string;
}

export function toolDefinitions(set: ToolSet | undefined): Anthropic.Tool[] | undefined {
  if (!set || set.tools.length === 0) return undefined;
  return set.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema,
  }));
}

/** The assistant turn as it must be repeated in the next request (text and tool_use blocks). */
export function assistantTurn(final: Anthropic.Message): Anthropic.MessageParam {
  const content: Anthropic.ContentBlockParam[] = [];
  for (const block of final.content) {
    if (block.type === 'text' && block.text) content.push({ type: 'text', text: block.text });
    if (block.type === 'tool_use')
      content.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
  }
  return { role: 'assistant', content };
}

/** Runs every tool call of a turn and returns the user turn of results, in the same order. */
export async function runToolCalls(
  final: Anthropic.Message,
  set: ToolSet,
  callsSoFar: number,
): Promise<{ turn: Anthropic.MessageParam; calls: number }> {
  const results: Anthropic.ToolResultBlockParam[] = [];
  let calls = callsSoFar;
  for (const block of final.content) {
    if (block.type !== 'tool_use') continue;
    calls++;
    results.push({ type: 'tool_result', tool_use_id: block.id, ...(await resultOf(block, set, calls)) });
  }
  return { turn: { role: 'user', content: results }, calls: calls };
}

async function resultOf(
  call: Anthropic.ToolUseBlock,
  set: ToolSet,
  number: number,
): Promise<{ content: Anthropic.ToolResultBlockParam['content']; is_error?: boolean }> {
  const tool = set.tools.find((candidate) => candidate.name === call.name);
  if (!tool) return { content: `There is no tool named ${call.name}.`, is_error: true };
  if (number > set.maxCalls) {
    return {
      content: `Only ${set.maxCalls} calls per answer: answer with what you have found.`,
      is_error: true,
    };
  }
  set.onCall?.(call.name, call.input);
  try {
    return { content: await tool.run(call.input) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { content: `The tool failed (${reason}); answer without it and say so.`, is_error: true };
  }
}

/** A citation from a streamed `citations_delta` or a text block's `citations`, when it names a source. */
export function citationOf(raw: unknown): Citation | null {
  const value = raw as { type?: string; source?: unknown; title?: unknown; cited_text?: unknown };
  if (value?.type !== 'search_result_location' || typeof value.source !== 'string') return null;
  return {
    source: value.source,
    title: typeof value.title === 'string' ? value.title : null,
    citedText: typeof value.cited_text === 'string' ? value.cited_text : '',
  };
}
