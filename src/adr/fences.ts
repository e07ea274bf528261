// Fenced code in ADR Markdown, tracked line by line, so rendering and reading leave code alone.

// ---------------------------------------------------------------------------------------------------------------
// Fenced code, tracked line by line.
//
// There is no Markdown parser in the project, so fences are followed with a few rules chosen so that CommonMark
// and this tracker agree on where code ends *in the text we write*: a fence opens at any indent (fences inside
// list items are indented); it closes on a run of the same character at least as long, indented at most 3 more
// than the opening (rewritten to the opening's indent, where every reading accepts it); a non-blank line indented
// less than the opening ends it (a list item ending ends its fence) and gets an explicit closing line first; a
// fence still open at the end is closed. Readers use the same tracker without the rewriting.
// ---------------------------------------------------------------------------------------------------------------

interface Fence {
  char: '`' | '~';
  length: number;
  indent: number;
}

interface ScannedLine {
  text: string;
  /** Fence line or fenced content. */
  code: boolean;
  /** Index in the input, or null for a closing line the scanner added. */
  source: number | null;
}

function indentWidth(line: string): number {
  let width = 0;
  for (const char of line) {
    if (char === ' ') width++;
    else if (char === '\t') width += 4 - (width % 4);
    else break;
  }
  return width;
}

function openingFence(line: string): Fence | null {
  const match = /^[ \t]*(`{3,}|~{3,})(.*)$/.exec(line);
  const run = match?.[1];
  if (!run) return null;
  const char = run.startsWith('`') ? '`' : '~';
  // "```a`b" is an inline code span, not a fence.
  if (char === '`' && (match?.[2] ?? '').includes('`')) return null;
  return { char, length: run.length, indent: indentWidth(line) };
}

function closingRun(line: string, fence: Fence): string | null {
  const run = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
  if (!run?.startsWith(fence.char) || run.length < fence.length) return null;
  return indentWidth(line) <= fence.indent + 3 ? run : null;
}

export function scanFences(lines: readonly string[]): ScannedLine[] {
  const out: ScannedLine[] = [];
  const closeLine = (open: Fence, run: string): string => `${' '.repeat(open.indent)}${run}`;
  let fence: Fence | null = null;
  for (const [source, text] of lines.entries()) {
    if (fence && text.trim() !== '' && indentWidth(text) < fence.indent) {
      out.push({ text: closeLine(fence, fence.char.repeat(fence.length)), code: true, source: null });
      fence = null;
    }
    if (fence) {
      const run = closingRun(text, fence);
      out.push({ text: run ? closeLine(fence, run) : text, code: true, source });
      if (run) fence = null;
      continue;
    }
    fence = openingFence(text);
    out.push({ text, code: fence !== null, source });
  }
  if (fence) out.push({ text: closeLine(fence, fence.char.repeat(fence.length)), code: true, source: null });
  return out;
}

/**
 * For each line, whether it is a fence line or inside a fenced block, by the tracker above. Shared with
 * draft.ts so a `# comment` in a drafted Python block is never taken for a heading.
 */
export function codeLineMask(lines: readonly string[]): boolean[] {
  const mask = lines.map(() => false);
  for (const line of scanFences(lines)) if (line.source !== null) mask[line.source] = line.code;
  return mask;
}
