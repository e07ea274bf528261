// Removing the raw `/sp.adr` instruction from an answer, whole or as a stream of deltas.

import {
  advanceFence,
  candidates,
  type Fence,
  findInstruction,
  instructionAt,
  parseCommand,
} from './instruction.js';

// ---------------------------------------------------------------------------------------------------
// Stripping
// ---------------------------------------------------------------------------------------------------

/** Only punctuation, emphasis markers and spaces: what is left after "Run `/sp.adr x`" at a line end. */
const LEFTOVER = /^[\s.,;:!?*_~]*$/;

/** `rest` starts with an instruction and runs to the end of its line (a '\r' there is kept). */
function stripFrom(rest: string): string {
  const cr = rest.endsWith('\r') ? '\r' : '';
  const body = cr ? rest.slice(0, -1) : rest;
  const { end } = parseCommand(body);
  if (end === null) {
    // Runs to the line end; keep closing emphasis so "**… Run /adr x**" does not leave a dangling "**".
    const emphasis = /([*_]+)[ \t]*$/.exec(body)?.[1] ?? '';
    return emphasis + cr;
  }
  const tail = body.slice(end);
  if (LEFTOVER.test(tail)) return tail.replace(/[^*_~]/g, '') + cr;
  return stripLine(tail.replace(/^[ \t]+/, '')) + cr;
}

/** One line outside fenced code, with its instructions removed. */
function stripLine(line: string): string {
  const i = findInstruction(line);
  return i < 0 ? line : line.slice(0, i) + stripFrom(line.slice(i));
}

/**
 * The answer with every raw slash-command instruction removed ("Run `/sp.adr x`", "Run /adr x", a bare
 * "`/sp.adr x`"), leaving the rest of the line readable; text inside fenced code blocks is left alone.
 * Spaces before a removed instruction stay (the stream has sent them already), so such a line may end in a
 * space.
 */
export function stripAdrInstructions(answer: string): string {
  let fence: Fence | null = null;
  const out: string[] = [];
  for (const line of answer.split('\n')) {
    out.push(fence ? line : stripLine(line));
    fence = advanceFence(fence, line);
  }
  return out.join('\n');
}

/**
 * Streaming form of stripAdrInstructions for the raw model deltas (before Markdown conversion): push(delta)
 * returns the text safe to send now, end() the rest. However the input is split, the concatenated outputs
 * equal stripAdrInstructions(concatenated inputs). Text is held back only from a character that may start
 * an instruction ("R"/"r" at a word start, "`", "/") until the next characters decide, and a confirmed
 * instruction until the end of its line; fenced code comes out at once.
 */
export function createAdrInstructionFilter(): { push(delta: string): string; end(): string } {
  let fence: Fence | null = null;
  /** Raw text of the current line so far; the fence rule needs the whole line. */
  let line = '';
  /** How much of `line` has been emitted (or taken into the instruction being held). */
  let done = 0;
  let inCode = false;
  let holdingInstruction = false;
  let ended = false;

  const drain = (complete: boolean): string => {
    if (inCode) {
      const out = line.slice(done);
      done = line.length;
      return out;
    }
    if (!holdingInstruction) {
      let out = '';
      const re = candidates();
      re.lastIndex = done;
      for (let m = re.exec(line); m; m = re.exec(line)) {
        const i = m.index;
        const decision = instructionAt(line, i, i > 0 ? line.charAt(i - 1) : '', complete);
        if (decision === 'no') continue;
        out += line.slice(done, i);
        done = i;
        if (decision === 'more') return out;
        holdingInstruction = true;
        break;
      }
      if (!holdingInstruction) {
        out += line.slice(done);
        done = line.length;
        return out;
      }
      return out + drain(complete);
    }
    if (!complete) return '';
    const out = stripFrom(line.slice(done));
    done = line.length;
    return out;
  };

  const endLine = (): void => {
    fence = advanceFence(fence, line);
    line = '';
    done = 0;
    holdingInstruction = false;
    inCode = fence !== null;
  };

  return {
    push(delta) {
      if (ended) throw new Error('createAdrInstructionFilter: push() after end()');
      let out = '';
      let rest = delta;
      for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
        line += rest.slice(0, nl);
        out += `${drain(true)}\n`;
        endLine();
        rest = rest.slice(nl + 1);
      }
      line += rest;
      return out + drain(false);
    },
    end() {
      if (ended) return '';
      ended = true;
      const out = drain(true);
      endLine();
      return out;
    },
  };
}
