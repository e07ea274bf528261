// The link stage of the conversion: keeping model links honest about where they go, as a stream.

import { closesFence, type Fence } from './fences.js';
import { fenceStartAt, linkTailAt, runEnd, spanFate } from './link-syntax.js';
import { angleAt, hostNote, labelBefore, labelShowsHosts, linkHosts } from './link-targets.js';
import { WJ } from './mentions.js';
import { unitAt } from './units.js';

// Model output is untrusted (a thread can smuggle instructions into it), so a link must not claim to go
// somewhere it does not:
// - `[label](http(s)://…)` and `[label](mailto:…)` stay links, followed by the host they go to unless the
//   label already names exactly that host: `[the docs](https://evil.example/login) (evil.example)`.
// - Any other destination (`javascript:`, `data:`, `slack:`, `file:`, relative, unparsable) is written out:
//   its "]" is escaped, so the reader sees `[label](javascript:…)` as text.
// - `<https://x>` autolinks stay (they show their own address); `<x:…>` autolinks of other schemes,
//   Slack's `<url|label>` syntax and HTML `<a …>` get a joiner after "<", also when written `&lt;` or
//   `\<` (the mention rules' worst case: Slack might parse after decoding).
// - Reference definitions (`[1]: https://…`) get their "]" escaped: without them `[label][1]` is no link.
// Every "](" is looked at, wherever its "[" is: which "[" pairs with it does not matter for safety (a
// host after text that is no link is only noise), and text before it never has to be held back.
// Code is left alone: fences, and code spans whose closing backticks are on the same line. A backtick
// without a closer on its line leaves it unclear how later backticks of the paragraph pair up (CommonMark
// pairs across lines), so until the paragraph ends no later span counts as code; a link inside one then
// gets its host, which is harmless, where skipping it could let a live link through.

// How far back a label is looked for; a longer one just gets its host shown.
const MAX_LINK_LABEL = 1_000;

interface OpenSpan {
  /** Length of the opening backtick run. */
  len: number;
  /** Set when the run began the line with three or more backticks: a fence opener unless more follow. */
  opener: Fence | null;
  backtickAfter: boolean;
}

interface LinkState {
  /** Fence open as CommonMark sees it (openers indented at most 3 spaces); closers as everywhere here. */
  fence: Fence | null;
  /** The current line opens this fence once it ends. */
  openerLine: Fence | null;
  atLineStart: boolean;
  /** The current line inside a fence so far, to spot its closer. */
  fenceLine: string;
  lineBlank: boolean;
  /** An unmatched backtick earlier in this paragraph: no later code span counts as code. */
  tainted: boolean;
  /** A code span opened on this line whose closer has not been seen yet. */
  span: OpenSpan | null;
  /** Input of this paragraph so far (its last MAX_LINK_LABEL characters), to find a link's label in. */
  recent: string;
  recentCut: boolean;
}

function newLinkState(): LinkState {
  return {
    fence: null,
    openerLine: null,
    atLineStart: true,
    fenceLine: '',
    lineBlank: true,
    tainted: false,
    span: null,
    recent: '',
    recentCut: false,
  };
}

const LINK_RELEVANT = new Set([']', '<', '&', '\\']);

/**
 * Makes links safe from the start of `text`, continuing `st`. Without `final` it stops where what follows
 * could still change the outcome and reports how much it consumed; resuming there with more text gives
 * what one pass over the whole text would.
 */
function scanLinks(text: string, final: boolean, st: LinkState): { out: string; consumed: number } {
  return new LinkScan(text, final, st).run();
}

/** What a step of the scan did: go on, or stop until more text arrives. */
type Flow = 'next' | 'stop';

/** One scanLinks call: its input, how far it got, and what it wrote. */
class LinkScan {
  private out = '';
  private i = 0;
  /** Start of the input consumed but not yet added to st.recent. */
  private mark = 0;

  constructor(
    private readonly text: string,
    private readonly final: boolean,
    private readonly st: LinkState,
  ) {}

  run(): { out: string; consumed: number } {
    const { text, st } = this;
    while (this.i < text.length) {
      if (this.step() === 'stop') break;
    }
    if (this.final && this.i >= text.length && (st.span || st.openerLine)) this.endLine();
    this.remember();
    return { out: this.out, consumed: this.i };
  }

  private remember(): void {
    const recent = this.st.recent + this.text.slice(this.mark, this.i);
    this.st.recentCut ||= recent.length > MAX_LINK_LABEL;
    this.st.recent = recent.slice(-MAX_LINK_LABEL);
    this.mark = this.i;
  }

  private newParagraph(): void {
    this.st.tainted = false;
    this.st.recent = '';
    this.st.recentCut = false;
    this.mark = this.i;
  }

  private put(s: string): void {
    this.out += s;
    if (/[^ \t]/.test(s)) this.st.lineBlank = false;
  }

  private endLine(): void {
    const st = this.st;
    if (st.span) {
      // Unclosed on its line: a ``` line with no further backtick opens a fence, anything else is literal.
      if (st.span.opener && !st.span.backtickAfter) st.openerLine = st.span.opener;
      else st.tainted = true;
      st.span = null;
    }
    if (st.openerLine) {
      st.fence = st.openerLine;
      st.openerLine = null;
      this.newParagraph();
    } else if (st.lineBlank) {
      this.newParagraph();
    }
    st.atLineStart = true;
  }

  /** One step from `i`: what it does depends on the state and the character there. */
  private step(): Flow {
    const { text, st } = this;
    if (st.fence) return this.fenceLine(st.fence);
    if (st.atLineStart) return this.lineStart();
    const c = text.charAt(this.i);
    if (c === '\n') {
      this.out += c;
      this.i++;
      this.endLine();
      return 'next';
    }
    if (st.openerLine) {
      // The rest of a ~~~ opener line: its info string, never rendered.
      const nl = text.indexOf('\n', this.i);
      const to = nl < 0 ? text.length : nl;
      this.put(text.slice(this.i, to));
      this.i = to;
      return 'next';
    }
    if (c === '`' && (st.span || !st.tainted)) return this.backticks();
    if (st.span) return this.inSpan(st.span, c);
    if (c === ']') return this.bracket(c);
    if (c === '<' || c === '&' || c === '\\') return this.angle();
    this.put(c);
    this.i++;
    return 'next';
  }

  /** Inside a fence: copied as it is, a line at a time, watching for the closer. */
  private fenceLine(fence: Fence): Flow {
    const { text, st, i } = this;
    const nl = text.indexOf('\n', i);
    const to = nl < 0 ? text.length : nl;
    st.fenceLine += text.slice(i, to);
    this.out += text.slice(i, nl < 0 ? to : to + 1);
    this.i = nl < 0 ? to : to + 1;
    st.atLineStart = nl >= 0;
    if (nl < 0) return 'next';
    if (closesFence(st.fenceLine, fence)) st.fence = null;
    st.fenceLine = '';
    this.newParagraph();
    return 'next';
  }

  /** The start of a line outside a fence: it may open one. */
  private lineStart(): Flow {
    const { text, st, i } = this;
    const start = fenceStartAt(text, i, this.final);
    if (start === 'need') return 'stop';
    st.atLineStart = false;
    st.lineBlank = true;
    if (start !== 'prose') {
      this.put(text.slice(i, start.end));
      this.i = start.end;
      if (start.fence.char === '~') st.openerLine = start.fence;
      else st.span = { len: start.fence.len, opener: start.fence, backtickAfter: false };
    }
    return 'next';
  }

  /** A backtick run: it opens a code span, or closes the open one if it is as long. */
  private backticks(): Flow {
    const { text, st, i } = this;
    const end = runEnd(text, i, '`');
    if (end >= text.length && !this.final) return 'stop';
    this.put(text.slice(i, end));
    if (st.span) {
      st.span.backtickAfter = true;
      if (end - i === st.span.len) st.span = null;
    } else {
      st.span = { len: end - i, opener: null, backtickAfter: false };
    }
    this.i = end;
    return 'next';
  }

  /** A character inside an open code span. */
  private inSpan(span: OpenSpan, c: string): Flow {
    const { text, st, i } = this;
    if (!LINK_RELEVANT.has(c)) {
      this.put(c);
      this.i++;
      return 'next';
    }
    // Code if the span closes on this line, text otherwise: only then is this character known.
    const fate = spanFate(text, i, span.len, this.final);
    if (fate === 'need') return 'stop';
    if (fate.closer >= 0 && !st.tainted) {
      this.put(text.slice(i, fate.closer));
      this.i = fate.closer;
      st.span = null;
    } else if (span.opener && !span.backtickAfter && !fate.backtick) {
      st.openerLine = span.opener;
      st.span = null;
    } else {
      st.span = null;
      st.tainted = true;
    }
    return 'next';
  }

  /** A "]": the end of a link label, of a reference definition's label, or plain text. */
  private bracket(c: string): Flow {
    const { text, st, i } = this;
    const tail = linkTailAt(text, i + 1, this.final);
    if (tail === 'need') return 'stop';
    const hosts = typeof tail === 'object' ? linkHosts(tail) : null;
    if (typeof tail !== 'object' || hosts === null) {
      // Escaped, a "]" ends no label and no reference definition; what follows is then plain text.
      this.put(tail === 'none' ? c : `\\${c}`);
      this.i++;
      return 'next';
    }
    this.remember();
    const label = labelBefore(st.recent, st.recentCut);
    const shown = label === 'none' || (label !== 'unsure' && labelShowsHosts(label, hosts));
    const note = shown ? '' : hostNote(hosts);
    this.put(text.slice(i, tail.end) + note);
    this.i = tail.end;
    return 'next';
  }

  /** A "<", "&" or "\" unit: "<" may start an autolink to keep or something to make inert. */
  private angle(): Flow {
    const { text, i, final } = this;
    const unit = unitAt(text, i, final);
    if (unit === null) return 'stop';
    if (unit.ch !== '<') {
      this.put(text.slice(i, i + unit.len));
      this.i += unit.len;
      return 'next';
    }
    const step = angleAt(text, i, final);
    if (step === 'need') return 'stop';
    if (typeof step === 'object') {
      this.put(text.slice(i, step.keep));
      this.i = step.keep;
      return 'next';
    }
    this.put(text.slice(i, i + unit.len) + (step === 'inert' ? WJ : ''));
    this.i += unit.len;
    return 'next';
  }
}

export function createLinkStream(): { push(chunk: string): string; end(): string } {
  let pending = '';
  const state = newLinkState();
  return {
    push(chunk) {
      pending += chunk;
      const { out, consumed } = scanLinks(pending, false, state);
      pending = pending.slice(consumed);
      return out;
    },
    end() {
      const out = scanLinks(pending, true, state).out;
      pending = '';
      return out;
    },
  };
}
