// Finding the agent's ADR suggestions (brief and title) in a finished answer.

/**
 * The agent prompt asks Claude to end an answer that makes an architecturally significant decision with
 * "📋 Architectural decision detected: <brief> — Document reasoning and tradeoffs? Run `/sp.adr <title>`".
 * Slack has no /sp.adr command: the bot offers a card with buttons instead. So this module finds those
 * suggestions in a finished answer (brief and title), and removes the raw slash-command instruction from
 * the text, both for a whole answer and for the stream of deltas while the answer is being written.
 */

import { advanceFence, type Fence, findInstruction, parseCommand } from './instruction.js';

export interface AdrSuggestion {
  /** The decision in a sentence: markup and emoji stripped, trimmed, no trailing dash or full stop. */
  brief: string;
  /**
   * The decision title as words: a kebab/snake slug becomes spaced words ("use-postgres-for-jobs" ->
   * "Use postgres for jobs"), otherwise the author's words; first letter capitalised, no brackets, quotes or
   * backticks, at most MAX_TITLE_LENGTH characters.
   */
  title: string;
}

export const MAX_TITLE_LENGTH = 120;

// ---------------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------------

const HEADER = /architect(?:ural|ure)\s+decisions?\s+(?:detected|identified)/i;
/** What may come before the header on its line: bullets, quote marks, emphasis, emoji, numbering. */
const HEADER_PREFIX = /^(?:[\s>*_~#+•\-–—\d.)(]|\p{Extended_Pictographic}|\uFE0F|\u200D)*$/u;
/** Separators and decoration between the header and the brief ("detected 📋:**", "identified."). */
const AFTER_HEADER = /^(?:[\s*_~:.!)\-–—]|\p{Extended_Pictographic}|\uFE0F|\u200D)+/u;
/** The prompt's second sentence, with the dash that leads into it. */
const DOCUMENT_CLAUSE = /(?:^|[\s*_]*(?:[—–]|--?)?[\s*_]*)\bdocument\s+(?:the\s+)?reasoning\b.*$/i;
const SLUG = /^[\p{L}\p{N}]+(?:[-_]+[\p{L}\p{N}]+)+$/u;
const PLACEHOLDER_TITLES = new Set(['decision-title', 'decision_title', 'decision title', 'title']);
/** Lines after a header that may hold its "Document reasoning … Run …" sentence. */
const CONTINUATION_LINES = 2;

/** Markup and emoji out, spaces collapsed; underscores inside identifiers (snake_case) kept. */
function plainText(text: string): string {
  return text
    .replace(/\p{Extended_Pictographic}|\uFE0F|\u200D/gu, '')
    .replace(/[`*]|~~/g, '')
    .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function cleanBrief(segment: string): string {
  return plainText(segment.replace(DOCUMENT_CLAUSE, ''))
    .replace(/^[\s:;,.\-–—]+/, '')
    .replace(/[\s:;,.\-–—]+$/, '');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function capTitle(title: string): string {
  if (title.length <= MAX_TITLE_LENGTH) return title;
  const cut = title.slice(0, MAX_TITLE_LENGTH + 1);
  const space = cut.lastIndexOf(' ');
  const words = space > 0 ? cut.slice(0, space) : cut.slice(0, MAX_TITLE_LENGTH);
  return words.replace(/[\s:;,.\-–—]+$/, '');
}

/** The title a command names, as words; '' when it names none (or only the prompt's placeholder). */
function titleFrom(arg: string): string {
  let t = plainText(arg);
  const wrapped = /^(?:\[([^\]]*)\]|<([^>]*)>|"([^"]*)"|“([^”]*)”|'([^']*)')/.exec(t);
  if (wrapped) t = wrapped.slice(1).find((group) => group !== undefined) ?? '';
  t = t
    .replace(/^[\s"'“”[\]<>]+/, '')
    .replace(/[\s"'“”[\]<>.,;:!?]+$/, '')
    .trim();
  if (PLACEHOLDER_TITLES.has(t.toLowerCase())) return '';
  if (SLUG.test(t)) t = t.split(/[-_]+/).join(' ');
  return capTitle(capitalise(t));
}

/** The command on a line, if any: its title and the text before it. */
function commandOn(line: string): { before: string; title: string; sp: boolean } | null {
  const i = findInstruction(line);
  if (i < 0) return null;
  const rest = line.endsWith('\r') ? line.slice(i, -1) : line.slice(i);
  const { arg } = parseCommand(rest);
  return {
    before: line.slice(0, i),
    title: titleFrom(arg),
    sp: /^(?:[Rr]un:?[ \t]+)?`{0,2}(?:[Rr]un:?[ \t]+)?\/sp\./.test(rest),
  };
}

function headerIn(line: string): { index: number; length: number } | null {
  const m = HEADER.exec(line);
  if (!m || !HEADER_PREFIX.test(line.slice(0, m.index))) return null;
  return { index: m.index, length: m[0].length };
}

/** The answer's lines with fenced code (fence lines included) blanked, so nothing inside them matches. */
function proseLines(answer: string): string[] {
  let fence: Fence | null = null;
  return answer.split('\n').map((line) => {
    const inside = fence !== null;
    fence = advanceFence(fence, line);
    return inside || fence !== null ? '' : line;
  });
}

/**
 * All ADR suggestions in a finished answer, in order; [] when there are none. A suggestion is a line that
 * starts (after bullets, quote marks, emphasis and emoji) with "Architectural decision detected" or
 * "Architecture decision(s) detected/identified", with its title from a /sp.adr or /adr command on that line
 * or within the next two lines; or a line with a "/sp.adr <title>" command alone (that command exists only
 * because of the agent prompt). Fenced code is ignored, as are "/adr" and "architecture" in passing.
 */
export function detectAdrSuggestions(answer: string): AdrSuggestion[] {
  const lines = proseLines(answer);
  const found: AdrSuggestion[] = [];
  const consumed = new Set<number>();
  for (let n = 0; n < lines.length; n++) {
    if (consumed.has(n)) continue;
    const line = lines[n] ?? '';
    const header = headerIn(line);
    if (!header) {
      const command = commandOn(line);
      if (!command?.sp || command.title === '') continue;
      // Without the header the brief is the text before "Document reasoning", when the model wrote it.
      const brief = DOCUMENT_CLAUSE.test(command.before) ? cleanBrief(command.before) : '';
      found.push({ brief: brief || command.title, title: command.title });
      continue;
    }
    const rest = line.slice(header.index + header.length).replace(AFTER_HEADER, '');
    let brief = '';
    let title = '';
    const command = commandOn(rest);
    if (command) {
      brief = cleanBrief(command.before);
      title = command.title;
    } else {
      brief = cleanBrief(rest);
      // The second sentence on a later line: the next non-blank line, unless it starts a suggestion itself.
      for (let k = n + 1; k < lines.length && k <= n + CONTINUATION_LINES; k++) {
        const next = lines[k] ?? '';
        if (next.trim() === '') continue;
        if (headerIn(next)) break;
        const later = commandOn(next);
        if (later) {
          consumed.add(k);
          title = later.title;
          if (brief === '') brief = cleanBrief(later.before.replace(/^[\s>*_~#+•\-–—]+/, ''));
        }
        break;
      }
    }
    if (brief === '' && title === '') continue;
    found.push({ brief: brief || title, title: title || capTitle(brief) });
  }
  return found;
}
