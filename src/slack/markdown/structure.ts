// The line-structure stage of the conversion: tables, task lists, thematic breaks and CRLF, as a stream.

import { advanceFence, type Fence } from './fences.js';
import { isDelimiterRow, renderTable } from './tables.js';
import { isBlank, isDigit } from './units.js';

const RULE = '─'.repeat(16);

type LineStart =
  | { kind: 'need' }
  | { kind: 'prose' }
  | { kind: 'pipe' }
  | { kind: 'rule' }
  | { kind: 'task'; len: number; out: string };

const LS_NEED: LineStart = { kind: 'need' };
const LS_PROSE: LineStart = { kind: 'prose' };

/** Decides what a line outside a fence is, from as few of its characters as possible. */
function classifyLineStart(s: string, final: boolean, afterParagraph: boolean): LineStart {
  const undecided = final ? LS_PROSE : LS_NEED;
  let i = 0;
  while (i < s.length && isBlank(s.charAt(i))) i++;
  if (i >= s.length) return undecided;
  const c = s.charAt(i);
  if (c === '\n') return LS_PROSE;
  if (i <= 3 && c === '|') return { kind: 'pipe' };
  // "---" under a paragraph underlines a heading, which Slack does render.
  if (i <= 3 && (c === '*' || c === '_' || (c === '-' && !afterParagraph))) {
    const rule = thematicBreak(s, i, c, final);
    if (rule !== 'no') return rule === 'yes' ? { kind: 'rule' } : LS_NEED;
  }
  return taskItem(s, i, final);
}

function thematicBreak(s: string, from: number, marker: string, final: boolean): 'yes' | 'no' | 'need' {
  let count = 0;
  let j = from;
  for (; j < s.length; j++) {
    const c = s.charAt(j);
    if (c === '\n') break;
    if (c === marker) count++;
    else if (!isBlank(c)) return 'no';
  }
  if (j >= s.length && !final) return 'need';
  return count >= 3 ? 'yes' : 'no';
}

function taskItem(s: string, from: number, final: boolean): LineStart {
  const undecided = final ? LS_PROSE : LS_NEED;
  let j = from;
  const c = s.charAt(j);
  if (c === '-' || c === '*' || c === '+') {
    j++;
  } else if (isDigit(c)) {
    while (j < s.length && j - from < 9 && isDigit(s.charAt(j))) j++;
    if (j >= s.length) return undecided;
    if (s.charAt(j) !== '.' && s.charAt(j) !== ')') return LS_PROSE;
    j++;
  } else {
    return LS_PROSE;
  }
  if (j >= s.length) return undecided;
  if (!isBlank(s.charAt(j))) return LS_PROSE;
  while (j < s.length && isBlank(s.charAt(j))) j++;
  const box = s.slice(j, j + 3);
  if (box.length < 3) return /^(?:\[[ xX]?)?$/.test(box) ? undecided : LS_PROSE;
  if (!/^\[[ xX]\]$/.test(box)) return LS_PROSE;
  const after = j + 3;
  if (after >= s.length) return final ? taskOut(s, j, after) : LS_NEED;
  const next = s.charAt(after);
  return isBlank(next) || next === '\n' ? taskOut(s, j, after) : LS_PROSE;
}

function taskOut(s: string, boxAt: number, after: number): LineStart {
  const checked = s.charAt(boxAt + 1) !== ' ';
  return { kind: 'task', len: after, out: s.slice(0, boxAt) + (checked ? '☑' : '☐') };
}

function nextLineIsPipe(s: string, final: boolean): 'need' | 'pipe' | 'other' {
  let i = 0;
  while (i < s.length && isBlank(s.charAt(i))) i++;
  if (i >= s.length) return final ? 'other' : 'need';
  return i <= 3 && s.charAt(i) === '|' ? 'pipe' : 'other';
}

const HEADING = /^[ \t]{0,3}#{1,6}(?:[ \t]|$)/;

/**
 * The line-structure half of the conversion, as a stream. Every decision is taken only once the text
 * that decides it has arrived, so the output never depends on how the input was split.
 */
export function createStructureStream(): { push(delta: string): string; end(): string } {
  let pending = '';
  let heldCR = false;
  let fence: Fence | null = null;
  let line = '';
  let atLineStart = true;
  let afterParagraph = false;
  let held: string[] = [];
  let heldIsTable = false;
  let heldEndsLine = true;

  const takeLine = (final: boolean): { text: string; newline: boolean } | null => {
    const nl = pending.indexOf('\n');
    if (nl < 0) {
      if (!final) return null;
      const text = pending;
      pending = '';
      return { text, newline: false };
    }
    const text = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    return { text, newline: true };
  };

  const flushHeld = (): string => {
    const tail = heldEndsLine ? '\n' : '';
    const out = heldIsTable ? renderTable(held) + tail : (held[0] ?? '') + tail;
    afterParagraph = !heldIsTable;
    held = [];
    heldIsTable = false;
    atLineStart = true;
    return out;
  };

  const endLine = (text: string): void => {
    if (fence) {
      fence = advanceFence(fence, text);
      afterParagraph = false;
      return;
    }
    fence = advanceFence(null, text);
    afterParagraph = !fence && text.trim() !== '' && !HEADING.test(text);
  };

  const run = (final: boolean): string => {
    let out = '';
    for (;;) {
      if (atLineStart && held.length > 0) {
        const next = nextLineIsPipe(pending, final);
        if (next === 'need') break;
        if (next === 'other') {
          out += flushHeld();
          continue;
        }
        const taken = takeLine(final);
        if (!taken) break;
        if (heldIsTable) {
          held.push(taken.text);
        } else if (isDelimiterRow(taken.text, held[0] ?? '')) {
          held.push(taken.text);
          heldIsTable = true;
        } else {
          out += `${held[0] ?? ''}\n`;
          afterParagraph = true;
          held = [taken.text];
        }
        heldEndsLine = taken.newline;
        if (!taken.newline) out += flushHeld();
        continue;
      }
      if (pending === '') break;
      if (atLineStart) {
        if (fence) {
          atLineStart = false;
          continue;
        }
        const kind = classifyLineStart(pending, final, afterParagraph);
        if (kind.kind === 'need') break;
        if (kind.kind === 'pipe') {
          const taken = takeLine(final);
          if (!taken) break;
          held = [taken.text];
          heldIsTable = false;
          heldEndsLine = taken.newline;
          if (!taken.newline) out += flushHeld();
          continue;
        }
        if (kind.kind === 'rule') {
          const taken = takeLine(final);
          if (!taken) break;
          out += RULE + (taken.newline ? '\n' : '');
          afterParagraph = false;
          continue;
        }
        if (kind.kind === 'task') {
          out += kind.out;
          line = pending.slice(0, kind.len);
          pending = pending.slice(kind.len);
        }
        atLineStart = false;
        continue;
      }
      const nl = pending.indexOf('\n');
      if (nl < 0) {
        out += pending;
        line += pending;
        pending = '';
        break;
      }
      out += pending.slice(0, nl + 1);
      line += pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      endLine(line);
      line = '';
      atLineStart = true;
    }
    return out;
  };

  return {
    push(delta) {
      let s = (heldCR ? '\r' : '') + delta;
      heldCR = s.endsWith('\r');
      if (heldCR) s = s.slice(0, -1);
      pending += s.replace(/\r\n?/g, '\n');
      return run(false);
    },
    end() {
      if (heldCR) pending += '\n';
      heldCR = false;
      return run(true);
    },
  };
}
