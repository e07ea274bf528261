// Defanging everything in Markdown that could notify people (mentions, broadcasts), whole or streamed.

import { ASCII_ALNUM, ASCII_LETTER, type Peek, UnitReader, unitAt } from './units.js';

/** U+2060 WORD JOINER: invisible, and breaks the character sequences Slack parses as mentions. */
export const WJ = '\u2060';

type Step = { kind: 'need' } | { kind: 'none' } | { kind: 'match'; end: number; out: string };

const NEED: Step = { kind: 'need' };
const NONE: Step = { kind: 'none' };

const WORD_CHAR = /^[\p{L}\p{M}\p{N}_]/u;

const BROADCAST_WORDS = ['channel', 'here', 'everyone'];
const BROADCAST_TOKENS = new Set(['channel', 'here', 'everyone', 'group']);
const MAX_ID = 32;
const MAX_LABEL = 100;

function stopStep(stop: Peek): Step {
  return stop === 'need' ? NEED : NONE;
}

/** `<@U123>`, `<@U123|name>`, `<!here>`, `<!channel|x>`, `<!subteam^S1|@team>` → "@⁠name". */
function matchMentionToken(text: string, at: number, final: boolean): Step {
  const r = new UnitReader(text, at, final);
  const lt = r.peek();
  if (typeof lt === 'string' || lt.ch !== '<') return NONE;
  r.take(lt);
  const sigil = r.peek();
  if (typeof sigil === 'string') return stopStep(sigil);
  r.take(sigil);
  if (sigil.ch === '@') {
    const id = r.run((ch) => ASCII_ALNUM.test(ch), MAX_ID);
    if (id.stop === 'need') return NEED;
    if (id.text === '') return NONE;
    return finishToken(r, id.raw);
  }
  if (sigil.ch !== '!') return NONE;
  const word = r.run((ch) => ASCII_LETTER.test(ch), 16);
  if (word.stop === 'need') return NEED;
  const keyword = word.text.toLowerCase();
  if (BROADCAST_TOKENS.has(keyword)) return finishToken(r, word.raw);
  if (keyword !== 'subteam') return NONE;
  const caret = r.peek();
  if (typeof caret === 'string') return stopStep(caret);
  if (caret.ch !== '^') return NONE;
  r.take(caret);
  const id = r.run((ch) => ASCII_ALNUM.test(ch), MAX_ID);
  if (id.stop === 'need') return NEED;
  if (id.text === '') return NONE;
  return finishToken(r, id.raw);
}

function finishToken(r: UnitReader, fallback: string): Step {
  const next = r.peek();
  if (typeof next === 'string') return stopStep(next);
  r.take(next);
  if (next.ch === '>') return { kind: 'match', end: r.pos, out: `@${WJ}${fallback}` };
  if (next.ch !== '|') return NONE;
  const label = r.run((ch) => ch !== '<' && ch !== '>' && ch !== '\n' && ch !== '\r', MAX_LABEL);
  if (typeof label.stop === 'string') return stopStep(label.stop);
  if (label.stop.ch !== '>') return NONE;
  r.take(label.stop);
  const shown = labelText(label.raw);
  // The closing joiner keeps the label's tail (say "@her" or "&l") from fusing with the text after ">".
  const out = shown === '' ? `@${WJ}${fallback}` : `@${WJ}${shown}${WJ}`;
  return { kind: 'match', end: r.pos, out };
}

/** The label without its leading "@" (we add our own), itself defanged. */
function labelText(raw: string): string {
  const r = new UnitReader(raw, 0, true);
  for (;;) {
    const unit = r.peek();
    if (typeof unit === 'string' || (unit.ch !== '@' && unit.ch.trim() !== '')) break;
    r.take(unit);
  }
  return neutraliseMentions(raw.slice(r.pos).trimEnd());
}

/** Any other `<!x` or `<@x` gets a joiner after "<", so no variant Slack may know of can ping. */
function matchAngleSigil(text: string, at: number, final: boolean): Step {
  const r = new UnitReader(text, at, final);
  const lt = r.peek();
  if (typeof lt === 'string' || lt.ch !== '<') return NONE;
  r.take(lt);
  const afterLt = r.pos;
  const broken: Step = { kind: 'match', end: afterLt, out: `${text.slice(at, afterLt)}${WJ}` };
  const sigil = r.peek();
  if (typeof sigil === 'string') return stopStep(sigil);
  if (sigil.ch !== '@' && sigil.ch !== '!') return NONE;
  r.take(sigil);
  const first = r.peek();
  if (typeof first === 'string') return stopStep(first);
  if (sigil.ch === '@') return ASCII_ALNUM.test(first.ch) ? broken : NONE;
  if (!ASCII_ALNUM.test(first.ch) && first.ch !== '^') return NONE;
  // `<!DOCTYPE html>` is common in code samples and cannot ping: leave it byte-for-byte intact.
  const doctype = 'doctype';
  for (let k = 0; k < doctype.length; k++) {
    const unit = r.peek();
    if (unit === 'need') return NEED;
    if (unit === 'end' || unit.ch.toLowerCase() !== doctype.charAt(k)) return broken;
    r.take(unit);
  }
  return NONE;
}

/** Bare "@here", "@channel", "@everyone" (any case) not followed by a word character. */
function matchBroadcastWord(text: string, at: number, final: boolean): Step {
  const r = new UnitReader(text, at, final);
  const sign = r.peek();
  if (typeof sign === 'string' || sign.ch !== '@') return NONE;
  r.take(sign);
  const afterSign = r.pos;
  let word = '';
  for (;;) {
    const unit = r.peek();
    if (unit === 'need') return NEED;
    if (unit === 'end' || !WORD_CHAR.test(unit.ch)) break;
    word += unit.ch.toLowerCase();
    if (!BROADCAST_WORDS.some((w) => w.startsWith(word))) return NONE;
    r.take(unit);
  }
  if (!BROADCAST_WORDS.includes(word)) return NONE;
  return { kind: 'match', end: afterSign, out: `${text.slice(at, afterSign)}${WJ}` };
}

/**
 * Defangs mentions from the start of `text`. Without `final` it stops at the first place where what
 * follows could still change the outcome, and reports how much it consumed: resuming there later with
 * more text gives exactly what one pass over the whole text would.
 */
function scanMentions(text: string, final: boolean): { out: string; consumed: number } {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c !== '<' && c !== '@' && c !== '&' && c !== '\\') {
      i++;
      continue;
    }
    const unit = unitAt(text, i, final);
    if (unit === null) break;
    let step: Step = NONE;
    if (unit.ch === '<') {
      step = matchMentionToken(text, i, final);
      if (step.kind === 'none') step = matchAngleSigil(text, i, final);
    } else if (unit.ch === '@') {
      step = matchBroadcastWord(text, i, final);
    }
    if (step.kind === 'need') break;
    if (step.kind === 'match') {
      out += text.slice(copied, i) + step.out;
      i = step.end;
      copied = i;
    } else {
      i += unit.len;
    }
  }
  return { out: out + text.slice(copied, i), consumed: i };
}

/**
 * Defang everything that could notify people: <!channel>, <!here>, <!everyone>, <!subteam^ID> and
 * <!subteam^ID|@name>, user mentions <@U…>/<@W…> (with or without |label), and bare @channel / @here /
 * @everyone words. The result reads naturally (e.g. "@here" with an invisible U+2060 word joiner after
 * the @, or the label of a subteam) but cannot ping. Applies everywhere, also inside code. Idempotent.
 */
export function neutraliseMentions(text: string): string {
  return scanMentions(text, true).out;
}

export function createMentionStream(): { push(chunk: string): string; end(): string } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk;
      const { out, consumed } = scanMentions(pending, false);
      pending = pending.slice(consumed);
      return out;
    },
    end() {
      const out = scanMentions(pending, true).out;
      pending = '';
      return out;
    },
  };
}
