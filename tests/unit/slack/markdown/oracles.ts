// Independent models of what Slack would parse, to check the markdown conversion against.

export const WJ = '\u2060';

/** Resolves backslash escapes and the character references that matter, as a Markdown renderer would. */
function decoded(s: string): string {
  return s.replace(
    /\\([!-/:-@[-`{-~])|&#([0-9]{1,7});|&#[xX]([0-9a-fA-F]{1,6});|&(lt|LT|gt|GT|excl|commat|vert|verbar|Hat);/g,
    (_m, esc?: string, dec?: string, hex?: string, name?: string) => {
      if (esc !== undefined) return esc;
      if (dec !== undefined || hex !== undefined) {
        const cp = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
        return cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)
          ? '\ufffd'
          : String.fromCodePoint(cp);
      }
      const names: Record<string, string> = {
        lt: '<',
        LT: '<',
        gt: '>',
        GT: '>',
        excl: '!',
        commat: '@',
        vert: '|',
        verbar: '|',
        Hat: '^',
      };
      return names[name ?? ''] ?? '';
    },
  );
}

const LIVE_PATTERNS = [
  /<@[A-Za-z0-9]/,
  /<!(?!doctype)[A-Za-z0-9^]/i,
  /@(?:here|channel|everyone)(?![\p{L}\p{M}\p{N}_])/iu,
];

export function liveMention(s: string): string | null {
  for (const text of [s, decoded(s)]) {
    for (const re of LIVE_PATTERNS) {
      const m = re.exec(text);
      if (m) return `${re}: …${text.slice(Math.max(0, m.index - 10), m.index + 20)}…`;
    }
  }
  return null;
}

// --- fences, as Slack would see each message --------------------------------------------------------

export function isFenceLine(line: string): boolean {
  return /^[ \t]*(`{3,}|~{3,})/.test(line);
}

/** Non-whitespace characters outside fence lines, each tagged with whether it renders as code. */
export function codeMask(text: string): string[] {
  const out: string[] = [];
  let fence: { char: string; len: number } | null = null;
  for (const line of text.split('\n')) {
    const open = /^[ \t]*(`{3,}|~{3,})(.*)$/.exec(line);
    const marker = open?.[1];
    if (fence) {
      const close = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
      if (close !== undefined && close.charAt(0) === fence.char && close.length >= fence.len) {
        fence = null;
        continue;
      }
    } else if (marker !== undefined && !(marker.charAt(0) === '`' && (open?.[2] ?? '').includes('`'))) {
      fence = { char: marker.charAt(0), len: marker.length };
      continue;
    }
    for (const ch of line) if (/\S/.test(ch)) out.push((fence ? 'c' : 'p') + ch);
  }
  return out;
}

export function nonWs(s: string): string {
  return s.replace(/\s+/g, '');
}

export function isSubsequence(needle: string, haystack: string): boolean {
  let i = 0;
  for (let j = 0; j < haystack.length && i < needle.length; j++) {
    if (needle.charCodeAt(i) === haystack.charCodeAt(j)) i++;
  }
  return i === needle.length;
}

// --- links, as a reader could follow them ------------------------------------------------------------

const NBSP = '\u00a0';

/** What toSlackMarkdown appends after a link whose label does not show where it goes. */
export function note(host: string): string {
  return `${NBSP}(${host})`;
}

/** An odd number of backslashes right before `at` escapes the character there. */
function escapedAt(s: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && s.charAt(i) === '\\'; i--) n++;
  return n % 2 === 1;
}

/**
 * Prose without code: every live `[label](dest)` must be http(s)/mailto and either name its host in the
 * label or be followed by it; no reference definition may stay live; no `<url|label>` or non-web autolink
 * may be left for Slack to parse, even after decoding.
 */
export function misleadingLinks(out: string): string[] {
  const found: string[] = [];
  // An autolink's content is no Markdown.
  const prose = out.replace(/<(?:https?|mailto):[^\s<>]*>/gi, (m) => ' '.repeat(m.length));
  for (const m of prose.matchAll(/\[((?:[^[\]\\\n]|\\.)*)\]\(([^()\s<>\\]*)\)/g)) {
    const at = m.index ?? 0;
    if (escapedAt(prose, at)) continue;
    const [whole, label = '', dest = ''] = m;
    const scheme = /^(https?|mailto):/i.exec(dest)?.[1]?.toLowerCase();
    if (scheme === undefined) {
      found.push(`live link to ${dest}`);
      continue;
    }
    let host = dest.slice(dest.lastIndexOf('@') + 1).toLowerCase();
    if (scheme !== 'mailto') {
      try {
        host = new URL(dest).hostname.replace(/^www\./, '');
      } catch {
        found.push(`live link to unparsable ${dest}`);
        continue;
      }
    }
    const after = prose.slice(at + whole.length);
    if (!label.toLowerCase().includes(host) && !after.startsWith(note(host))) found.push(`unmarked ${whole}`);
  }
  const outsideLinks = prose.replace(/\[((?:[^[\]\\\n]|\\.)*)\]\(([^()\s<>\\]*)\)/g, (m) =>
    ' '.repeat(m.length),
  );
  for (const m of outsideLinks.matchAll(/\]:/g)) {
    if (!escapedAt(outsideLinks, m.index ?? 0)) found.push('a reference definition');
  }
  const plain = decoded(out);
  for (const m of plain.matchAll(/<(?![@!\u2060\s])[^\s<>|]+\|[^<>\n]*>/g)) found.push(`slack link ${m[0]}`);
  for (const m of out.matchAll(/<(?!https?:|mailto:)[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>/gi)) {
    found.push(`autolink ${m[0]}`);
  }
  return found;
}
