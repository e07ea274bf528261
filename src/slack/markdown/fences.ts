// Code fences: recognising openers and closers, and tracking which fence is open after some text.

export interface Fence {
  char: '`' | '~';
  len: number;
  info: string;
}

// Any indentation is accepted: models indent fences inside list items, and a stray indented code
// block that starts with ``` is far rarer than that.
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;

function fenceOpener(line: string): Fence | null {
  const m = FENCE_OPEN.exec(line);
  const marker = m?.[1];
  if (!m || marker === undefined) return null;
  const rest = m[2] ?? '';
  const char = marker.charAt(0) === '`' ? '`' : '~';
  if (char === '`' && rest.includes('`')) return null;
  return { char, len: marker.length, info: rest.trim() };
}

export function closesFence(line: string, fence: Fence): boolean {
  const marker = FENCE_CLOSE.exec(line)?.[1];
  return marker !== undefined && marker.charAt(0) === fence.char && marker.length >= fence.len;
}

export function advanceFence(fence: Fence | null, rawLine: string): Fence | null {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  if (fence) return closesFence(line, fence) ? null : fence;
  return fenceOpener(line);
}

/** Fence state after `text`, which starts at a line start with `fence` open; a last partial line counts. */
export function fenceAfter(fence: Fence | null, text: string): Fence | null {
  let state = fence;
  for (const line of text.split('\n')) state = advanceFence(state, line);
  return state;
}

export function fenceMarker(fence: Fence): string {
  return fence.char.repeat(fence.len);
}

/**
 * The code fence left open at the end of `markdown`, or null: used to close/reopen a fence when a
 * streamed message rolls over to a new Slack message.
 */
export function openFenceAt(markdown: string): { fence: string; info: string } | null {
  const fence = fenceAfter(null, markdown);
  return fence ? { fence: fenceMarker(fence), info: fence.info } : null;
}
