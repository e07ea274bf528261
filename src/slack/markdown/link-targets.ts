// Where a link leads and whether its label says so: hosts, labels, host notes, angle-bracket autolinks.

import type { LinkTail } from './link-syntax.js';
import { WJ } from './mentions.js';
import { decodeMarkdown, UnitReader } from './units.js';

/** Schemes a link may keep; anything else is written out as text. */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto']);
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]{1,31}):/;
/** Joins a link and its host: splitting a long answer at spaces then never separates the two. */
const NBSP = '\u00a0';
const MAX_ANGLE = 2_048;
const HOST_TOKEN = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const URL_IN_LABEL = /[a-z][a-z0-9+.-]*:\/\/[^\s<>()]+/g;

/** The hosts a link leads to, or null when it must not stay a link. */
export function linkHosts(link: LinkTail): string[] | null {
  const inner = link.dest.startsWith('<') && link.dest.endsWith('>') ? link.dest.slice(1, -1) : link.dest;
  const decoded = decodeMarkdown(inner);
  // No URL holds a raw "<" or ">"; one here could only smuggle Slack's own `<url|label>` past the rules.
  if (/[<>]/.test(decoded + decodeMarkdown(link.title))) return null;
  // A named reference we do not decode could hide any character, "&colon;" included.
  if (/&[A-Za-z][A-Za-z0-9]*;/.test(decoded)) return null;
  const scheme = SCHEME.exec(decoded)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    try {
      const url = new URL(decoded);
      return url.protocol === `${scheme}:` && url.hostname !== '' ? [url.hostname] : null;
    } catch {
      return null;
    }
  }
  if (scheme !== 'mailto') return null;
  let addresses: string;
  try {
    addresses = decodeURIComponent(decoded.slice('mailto:'.length).split('?')[0] ?? '');
  } catch {
    return null;
  }
  const parts = addresses.split(',').map((a) => a.trim());
  const domains = parts.map((a) => (a.includes('@') ? a.slice(a.lastIndexOf('@') + 1).toLowerCase() : ''));
  return domains.includes('') ? null : [...new Set(domains)];
}

/** How a host is shown and compared: lower case, without a leading "www." or a trailing dot. */
function hostKey(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h.startsWith('www.') && h.length > 4 ? h.slice(4) : h;
}

/**
 * The label of the link whose "]" ends `recent`: back to the "[" that balances it. 'none' when the
 * paragraph has no such "[" (then there is no link); 'unsure' when a backtick could pair differently or
 * the "[" may be too far back: the host is shown then.
 */
export function labelBefore(recent: string, cut: boolean): string | 'none' | 'unsure' {
  let depth = 0;
  for (let j = recent.length - 1; j >= 0; j--) {
    const c = recent.charAt(j);
    if (c === '`') return 'unsure';
    if (c !== '[' && c !== ']') continue;
    let slashes = 0;
    while (j - slashes - 1 >= 0 && recent.charAt(j - slashes - 1) === '\\') slashes++;
    if (cut && slashes === j) return 'unsure';
    if (slashes % 2 === 1) continue;
    if (c === ']') depth++;
    else if (depth === 0) return recent.slice(j + 1);
    else depth--;
  }
  return cut ? 'unsure' : 'none';
}

/**
 * Whether the label already tells where the link goes: it names the destination's hosts and no other
 * (`[https://good.example](https://evil.example)` names another, so it gets "(evil.example)").
 */
export function labelShowsHosts(label: string, hosts: readonly string[]): boolean {
  const named: string[] = [];
  const rest = decodeMarkdown(label)
    .toLowerCase()
    .replace(URL_IN_LABEL, (url) => {
      try {
        named.push(new URL(url).hostname);
      } catch {
        named.push(url);
      }
      return ' ';
    });
  for (const m of rest.matchAll(HOST_TOKEN)) named.push(m[0]);
  const keys = new Set(hosts.map(hostKey));
  const namedKeys = new Set(named.map(hostKey));
  return (
    namedKeys.size > 0 && [...namedKeys].every((k) => keys.has(k)) && [...keys].every((k) => namedKeys.has(k))
  );
}

/** " (host)" in plain text; punycode hosts stay punycode, so a look-alike name shows as what it is. */
export function hostNote(hosts: readonly string[]): string {
  const shown = hosts.map((h) => hostKey(h).replace(/[!-,/;-@[-`{-~]/g, '\\$&'));
  return `${NBSP}(${shown.join(', ')})`;
}

type AngleStep = 'need' | 'none' | 'inert' | { keep: number };

/** A "<" unit at `at`: an autolink to keep, something to make inert, or plain text. */
export function angleAt(text: string, at: number, final: boolean): AngleStep {
  const r = new UnitReader(text, at, final);
  const lt = r.peek();
  if (typeof lt === 'string') return lt === 'need' ? 'need' : 'none';
  r.take(lt);
  const first = r.peek();
  if (first === 'need') return 'need';
  // Mentions are the mention rules' business; a joiner means this stage has been here already.
  if (first === 'end' || first.ch === '@' || first.ch === '!' || first.ch === WJ) return 'none';
  const target = r.run((ch) => !/[\s<>|]/u.test(ch), MAX_ANGLE);
  if (target.stop === 'need') return 'need';
  const stop = target.stop === 'end' ? '' : target.stop.ch;
  if (stop === '|') return target.text === '' ? 'none' : 'inert';
  if (/^a$/i.test(target.text) && (stop === '>' || /^\s$/u.test(stop))) return 'inert';
  const scheme = SCHEME.exec(target.text)?.[1]?.toLowerCase();
  if (scheme === undefined) return 'none';
  if (!LINK_SCHEMES.has(scheme)) return 'inert';
  // Only a literal "<…>" is an autolink; its content is not Markdown, so it is passed over whole.
  return lt.len === 1 && text.charAt(r.pos) === '>' ? { keep: r.pos + 1 } : 'none';
}
