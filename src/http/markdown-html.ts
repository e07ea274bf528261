import MarkdownIt from 'markdown-it';
import { html, type SafeHtml, unsafeRaw } from './html.js';

/**
 * Record bodies (the user's prompt, Claude's answer) rendered with markdown-it. The text is untrusted,
 * so markdown-it runs with `html: false`: raw HTML shows as text, and every character of input reaches
 * the page escaped. Only http(s) links with a host become links; `javascript:`, `data:`, `mailto:`,
 * relative and scheme-relative targets stay text. Bare `http(s)://` URLs are linked (no fuzzy links).
 *
 * Rules the old renderer did not have are switched off, so a record shows what it holds: no indented
 * code blocks, setext headings, reference definitions (which would hide their line), images, entity
 * decoding (`&amp;` shows as typed) or strikethrough. A line break is kept, as in chat.
 */
const md = new MarkdownIt('default', { html: false, linkify: true, breaks: true, typographer: false });
md.disable(['code', 'lheading', 'reference', 'image', 'entity', 'strikethrough']);
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
md.normalizeLink = (url) => httpUrl(url) ?? '';
md.validateLink = (url) => url !== '';
// Link text is shown as written, not percent-decoded.
md.normalizeLinkText = (text) => text;
const EMPTY_TARGET = /\([ \t\n]*\)/y;
// `[text]()` would be a link to nowhere: its `[` is text instead, so it all shows as written.
md.inline.ruler.before('link', 'empty_link', (state, silent) => {
  if (state.src.charCodeAt(state.pos) !== 0x5b /* [ */) return false;
  const end = state.md.helpers.parseLinkLabel(state, state.pos, true);
  EMPTY_TARGET.lastIndex = end + 1;
  if (end < 0 || !EMPTY_TARGET.test(state.src)) return false;
  if (!silent) state.pending += '[';
  state.pos++;
  return true;
});

const LINK_REL = 'noopener noreferrer nofollow';
const rules = md.renderer.rules;

rules.link_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx];
  if (token) {
    // The title is dropped; every link gets rel.
    const href = String(token.attrGet('href') ?? '');
    token.attrs = null;
    token.attrSet('href', href);
    token.attrSet('rel', LINK_REL);
  }
  return self.renderToken(tokens, idx, options);
};

rules.fence = (tokens, idx) => {
  const info = tokens[idx]?.info.trim() ?? '';
  const code = tokens[idx]?.content.replace(/\n$/, '') ?? '';
  const label = info === '' ? '' : html`<div class="code-label">${info}</div>`;
  return String(html`<div class="code">${label}<pre><code>${code}</code></pre></div>\n`);
};

// Tables scroll inside a wrapper; alignment is a class, since the page's CSP allows no inline styles.
rules.table_open = () => '<div class="table-wrap"><table>\n';
rules.table_close = () => '</table></div>\n';
rules.th_open = rules.td_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx];
  const align = /text-align:(center|right)/.exec(String(token?.attrGet('style') ?? ''))?.[1];
  if (token) token.attrs = align ? [['class', `align-${align}`]] : null;
  return self.renderToken(tokens, idx, options);
};

/**
 * The page markup for a record body. markdown-it escapes `& < > "`; quotes and backticks are escaped
 * too, as everywhere else on our pages (its markup has neither outside attribute values, where the
 * entities mean the same character).
 */
export function markdownToHtml(markdown: string): SafeHtml {
  const out = md.render(markdown).replace(/['`]/g, (ch) => (ch === "'" ? '&#39;' : '&#96;'));
  return unsafeRaw(out);
}

/** The normalised URL when it is http or https with a host; every other scheme is refused. */
function httpUrl(candidate: string): string | undefined {
  if (!/^https?:\/\//i.test(candidate)) return undefined;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
  return url.href;
}

// ---------------------------------------------------------------------------------------------
// Front matter

const MAX_VALUE_DEPTH = 6;

/** Front matter values as a definition list; nested objects and arrays are shown nested, all escaped. */
export function frontMatterTable(data: Record<string, unknown>): SafeHtml {
  return definitionList(data, 0, new WeakSet());
}

function definitionList(data: object, depth: number, seen: WeakSet<object>): SafeHtml {
  const entries = Object.entries(data);
  if (entries.length === 0) return html`<span class="muted">{}</span>`;
  const rows = entries.map(
    ([key, value]) => html`<dt>${key}</dt><dd>${frontMatterValue(value, depth + 1, seen)}</dd>\n`,
  );
  return html`<dl class="front-matter">\n${rows}</dl>\n`;
}

function frontMatterValue(value: unknown, depth: number, seen: WeakSet<object>): SafeHtml {
  if (value === null || value === undefined) return html`<span class="muted">none</span>`;
  if (typeof value === 'string') {
    const href = /^https?:\/\/\S+$/i.test(value) ? httpUrl(value) : undefined;
    return href ? html`<a href="${href}" rel="${LINK_REL}">${value}</a>` : html`${value}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return html`${String(value)}`;
  }
  if (value instanceof Date) return html`${formatDate(value)}`;
  if (typeof value !== 'object') return html`<span class="muted">(${typeof value})</span>`;
  if (depth > MAX_VALUE_DEPTH || seen.has(value)) return html`<span class="muted">…</span>`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      if (value.length === 0) return html`<span class="muted">none</span>`;
      const items = value.map((item: unknown) => html`<li>${frontMatterValue(item, depth + 1, seen)}</li>`);
      return html`<ul>${items}</ul>`;
    }
    return definitionList(value, depth, seen);
  } finally {
    seen.delete(value);
  }
}

/** YAML readers turn `2025-01-31` into a Date at UTC midnight; show it as it was written. */
function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'Invalid Date';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
