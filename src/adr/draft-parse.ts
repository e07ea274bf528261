// Reading Claude's ADR draft reply into an AdrDraft.

/**
 * The parser is tolerant because models drift from a format: heading levels and case vary, bullets use `*`,
 * sections go missing, a sentence comes before the first heading, the whole reply is wrapped in a fence.
 */

import { ADR_NOT_STATED, type AdrDraft } from './adr.js';
import { codeLineMask } from './fences.js';

/** The reply holds neither a Context nor a Decision: nothing to write a record from. */
export class AdrDraftError extends Error {
  override readonly name = 'AdrDraftError';
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing the reply.
// ---------------------------------------------------------------------------------------------------------------

type Section = 'context' | 'decision' | 'consequences' | 'positive' | 'negative' | 'alternatives' | 'ignored';

const ATX_HEADING = /^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
/** A line that is only a label: "**Context**", "**Positive:**", "__Decision__:", "Negative:". */
const LABEL_LINE =
  /^ {0,3}(?:(\*\*|__)([^*_]{1,60}?)[ \t]*:?[ \t]*\1|([A-Za-z][A-Za-z \t-]{0,60}?)[ \t]*:)[ \t]*:?[ \t]*$/;
const BULLET = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$/;
const PLACEHOLDER =
  /^(?:none|n\/a|nothing|not stated(?: in the discussion)?|none stated(?: in the discussion)?)\.?$/i;

function normaliseLabel(text: string): string {
  return text
    .replace(/[*_`]/g, '')
    .replace(/^(?:\d+[.)]|[ivx]+\.)\s+/i, '')
    .replace(/[\s:]+$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * The section a heading opens, or null for a heading that belongs to the current section's content (a `###
 * Rationale` inside the Decision, an alternative's own heading). Positive/Negative only count under Consequences
 * (or when they say "consequences"), so an alternative's "Pros" stays with that alternative.
 */
function sectionOf(label: string, current: Section | null): Section | null {
  if (/^context\b/.test(label)) return 'context';
  if (/^decision drivers?\b/.test(label)) return null;
  if (/^decision\b/.test(label)) return 'decision';
  if (/^consequences?\b/.test(label)) return 'consequences';
  if (/^(?:alternatives?|considered options|options considered|other options)\b/.test(label))
    return 'alternatives';
  if (/^status$/.test(label)) return 'ignored';
  const underConsequences = current === 'consequences' || current === 'positive' || current === 'negative';
  if (!underConsequences && !label.includes('consequence')) return null;
  if (/^(?:positive|pros?|benefits?|upsides?)\b/.test(label)) return 'positive';
  if (/^(?:negative|cons?|drawbacks?|downsides?|risks?|costs?)\b/.test(label)) return 'negative';
  return null;
}

/** The heading or label text of a line, or null when it is neither. */
function headingLabel(line: string): { label: string; atx: boolean } | null {
  const atx = ATX_HEADING.exec(line);
  if (atx?.[1]) return { label: normaliseLabel(atx[1]), atx: true };
  const label = LABEL_LINE.exec(line);
  const text = label?.[2] ?? label?.[3];
  return text ? { label: normaliseLabel(text), atx: false } : null;
}

function splitSections(lines: readonly string[]): Map<Section, string[]> {
  const code = codeLineMask(lines);
  const sections = new Map<Section, string[]>();
  let current: Section | null = null;
  lines.forEach((line, index) => {
    const heading = code[index] ? null : headingLabel(line);
    const next = heading ? sectionOf(heading.label, current) : null;
    if (next) {
      current = next;
      if (!sections.has(next)) sections.set(next, []);
      return;
    }
    // Text before the first section is preamble ("Here is the ADR:"); unknown headings stay as content.
    if (current) sections.get(current)?.push(line);
  });
  return sections;
}

function trimBlankLines(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(start, end);
}

/** One paragraph: headings (a "Decision Drivers" label) and list markers dropped, everything on one line. */
function paragraph(lines: readonly string[]): string {
  return lines
    .filter((line) => !ATX_HEADING.test(line))
    .map((line) => line.replace(BULLET, '$2').trim())
    .filter((line) => line !== '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

interface Item {
  /** The first part; later paragraphs join it with a space. */
  parts: string[];
  fromHeading: boolean;
}

/**
 * Bullets of a list section, each with its continuation lines; nested bullets join their parent with "; ".
 * Paragraphs in a section without bullets become items too (a model that wrote prose instead of a list still said
 * something); an unindented paragraph after a blank line that follows bullets ends the list (it is a closing
 * remark such as "Let me know if you want changes."). In Alternatives, a heading starts an item (an alternative
 * per `###`) that takes everything up to the next heading.
 */
function listItems(lines: readonly string[], headingsStartItems: boolean): Item[] {
  const code = codeLineMask(lines);
  const items: Item[] = [];
  let current: Item | null = null;
  let baseIndent: number | null = null;
  let afterBlank = false;
  let ended = false;
  const append = (item: Item, text: string, newPart: boolean): void => {
    const trimmed = text.trim();
    if (trimmed === '') return;
    if (newPart || item.parts.length === 0) item.parts.push(trimmed);
    else item.parts[item.parts.length - 1] = `${item.parts.at(-1) ?? ''} ${trimmed}`;
  };
  const start = (text: string, fromHeading: boolean): Item => {
    const item = { parts: [text.trim()], fromHeading };
    items.push(item);
    ended = false;
    return item;
  };
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') {
      afterBlank = true;
      continue;
    }
    const heading = code[index] ? null : ATX_HEADING.exec(line);
    const bullet = code[index] ? null : BULLET.exec(line);
    const indent = bullet?.[1]?.replace(/\t/g, '    ').length ?? 0;
    if (heading?.[1] && headingsStartItems) {
      current = start(heading[1], true);
      baseIndent = null;
    } else if (current?.fromHeading) {
      // parts[0] is the heading (the name); what follows is the tradeoffs.
      append(current, bullet ? (bullet[2] ?? '') : line, bullet !== null || current.parts.length === 1);
    } else if (bullet && (baseIndent === null || indent <= baseIndent + 1)) {
      baseIndent ??= indent;
      current = start(bullet[2] ?? '', false);
    } else if (!current) {
      current = start(line, false);
    } else if (afterBlank && /^\S/.test(line)) {
      if (baseIndent === null) current = start(line, false);
      else ended = true;
    } else if (!ended) {
      append(current, bullet ? (bullet[2] ?? '') : line, bullet !== null);
    }
    afterBlank = false;
  }
  return items;
}

function itemText(item: Item): string {
  return item.parts.join('; ').replace(/\s+/g, ' ').trim();
}

function bulletTexts(lines: readonly string[]): string[] {
  return listItems(lines, false)
    .map(itemText)
    .filter((text) => text !== '' && !PLACEHOLDER.test(text));
}

const POSITIVE_LABEL =
  /^(?:\*\*|__)?(?:positive|pro|benefit|upside)s?(?:\*\*|__)?\s*[:\-–—]\s*(?:\*\*|__)?\s*/i;
const NEGATIVE_LABEL =
  /^(?:\*\*|__)?(?:negative|con|drawback|downside|risk|cost|trade-?off)s?(?:\*\*|__)?\s*[:\-–—]\s*(?:\*\*|__)?\s*/i;

/** Bullets written straight under Consequences: a "Negative:"/"Con:"/"Risk:" label sorts one; the rest count as positive. */
function classifyConsequences(items: readonly string[]): { positive: string[]; negative: string[] } {
  const positive: string[] = [];
  const negative: string[] = [];
  for (const item of items) {
    if (NEGATIVE_LABEL.test(item)) negative.push(item.replace(NEGATIVE_LABEL, ''));
    else positive.push(item.replace(POSITIVE_LABEL, ''));
  }
  return {
    positive: positive.filter((text) => text !== ''),
    negative: negative.filter((text) => text !== ''),
  };
}

/** "**Name**: tradeoffs", "**Name:** tradeoffs", "Name — tradeoffs", "Name: tradeoffs", or just "Name". */
function splitAlternative(text: string): { name: string; tradeoffs: string } {
  const bold = /^(\*\*|__)(.+?)\1\s*(?:[:\-–—]\s*)?(.*)$/.exec(text);
  const plain = bold ? null : /^(.+?)(?::\s+|\s+[-–—]\s+)(.*)$/.exec(text);
  const name = (bold?.[2] ?? plain?.[1] ?? text).replace(/[\s:]+$/, '').trim();
  const tradeoffs = (bold?.[3] ?? plain?.[2] ?? '').trim();
  return { name, tradeoffs: tradeoffs === '' ? ADR_NOT_STATED : tradeoffs };
}

function alternativesOf(lines: readonly string[]): AdrDraft['alternatives'] {
  const alternatives: AdrDraft['alternatives'] = [];
  for (const item of listItems(lines, true)) {
    if (item.fromHeading) {
      // "Option 2: Offset pagination" names the option after its number.
      const name = (item.parts[0] ?? '')
        .replace(/^option\s+\w+\s*[:.\-–—]\s*(?=\S)/i, '')
        .replace(/[*_]/g, '');
      const tradeoffs = item.parts.slice(1).join('; ').replace(/\s+/g, ' ').trim();
      if (name !== '') alternatives.push({ name, tradeoffs: tradeoffs === '' ? ADR_NOT_STATED : tradeoffs });
      continue;
    }
    const [first = '', ...rest] = item.parts;
    if (PLACEHOLDER.test(first.trim()) && rest.length === 0) continue;
    const split = splitAlternative(first.replace(/\s+/g, ' ').trim());
    const more = rest.join('; ').replace(/\s+/g, ' ').trim();
    if (split.name === '') continue;
    alternatives.push({
      name: split.name,
      tradeoffs:
        more === ''
          ? split.tradeoffs
          : split.tradeoffs === ADR_NOT_STATED
            ? more
            : `${split.tradeoffs}; ${more}`,
    });
  }
  return alternatives;
}

/** The draft, or null when there is neither a Context nor a Decision. */
function draftFrom(lines: readonly string[]): AdrDraft | null {
  const sections = splitSections(lines);
  const context = paragraph(sections.get('context') ?? []);
  const decision = trimBlankLines(sections.get('decision') ?? []).join('\n');
  if (context === '' && decision.trim() === '') return null;

  const direct = classifyConsequences(bulletTexts(sections.get('consequences') ?? []));
  return {
    context: context === '' ? ADR_NOT_STATED : context,
    decision: decision.trim() === '' ? ADR_NOT_STATED : decision,
    positive: [...direct.positive, ...bulletTexts(sections.get('positive') ?? [])],
    negative: [...direct.negative, ...bulletTexts(sections.get('negative') ?? [])],
    alternatives: alternativesOf(sections.get('alternatives') ?? []),
  };
}

const MARKDOWN_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*(?:markdown|md)?[ \t]*$/i;
const BARE_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/**
 * Candidate texts for a reply wrapped in a Markdown fence: between the first markdown (or untagged) fence line and
 * the last bare fence line, whatever fences are nested inside (models close a ```markdown wrapper with ``` after a
 * ```python block, which CommonMark reads as the end of the wrapper); then each such block as CommonMark closes it.
 */
function fencedCandidates(lines: readonly string[]): string[][] {
  const candidates: string[][] = [];
  const first = lines.findIndex((line) => MARKDOWN_FENCE.test(line));
  const opening = MARKDOWN_FENCE.exec(lines[first] ?? '')?.[1];
  if (opening) {
    let last = lines.length - 1;
    while (last > first && !(BARE_FENCE.exec(lines[last] ?? '')?.[1] ?? '').startsWith(opening)) last--;
    candidates.push(lines.slice(first + 1, last > first ? last : lines.length));
  }
  let open: { fence: string; start: number } | null = null;
  for (const [index, line] of lines.entries()) {
    if (open) {
      const close = BARE_FENCE.exec(line)?.[1];
      if (close?.startsWith(open.fence.charAt(0)) && close.length >= open.fence.length) {
        candidates.push(lines.slice(open.start + 1, index));
        open = null;
      }
      continue;
    }
    const fence = MARKDOWN_FENCE.exec(line)?.[1];
    if (fence) open = { fence, start: index };
  }
  // A reply cut off inside its wrapping fence still carries the draft.
  if (open) candidates.push(lines.slice(open.start + 1));
  return candidates;
}

/** How much of the format a parse recovered: one point per section that is not a placeholder. */
function completeness(draft: AdrDraft): number {
  return [
    draft.context !== ADR_NOT_STATED,
    draft.decision !== ADR_NOT_STATED,
    draft.positive.length > 0,
    draft.negative.length > 0,
    draft.alternatives.length > 0,
  ].filter(Boolean).length;
}

/**
 * Claude's reply as an AdrDraft. Headings of any level (or lines that are only a bold or "Label:" label) open
 * sections, matched case-insensitively: Context, Decision, Consequences (Positive/Negative, Pros/Cons below it),
 * Alternatives Considered. Bullets may use `-`, `*`, `+` or numbers. Text before the first section is ignored, a
 * whole reply wrapped in a Markdown fence is unwrapped, headings inside code blocks are content. Missing parts
 * become ADR_NOT_STATED (context, decision, a tradeoff) or empty lists; placeholder bullets ("None.") are dropped;
 * unlabelled bullets directly under Consequences count as Positive. Throws AdrDraftError when there is neither a
 * Context nor a Decision.
 */
export function parseAdrDraft(reply: string): AdrDraft {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  // The reply as it is wins ties: a code block in a plain reply is not a wrapper.
  let draft: AdrDraft | null = null;
  for (const candidate of [lines, ...fencedCandidates(lines)]) {
    const parsed = draftFrom(candidate);
    if (parsed && (!draft || completeness(parsed) > completeness(draft))) draft = parsed;
  }
  if (!draft) {
    throw new AdrDraftError(
      `the ADR draft has no Context or Decision section (${reply.trim() === '' ? 'empty reply' : `${reply.length} characters`})`,
    );
  }
  return draft;
}
