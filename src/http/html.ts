import { createHash } from 'node:crypto';

/**
 * An HTML template that escapes by default: every value interpolated into html`...` is escaped
 * unless it is SafeHtml, which only `html` itself and `unsafeRaw` can make.
 */
const MINT = Symbol('SafeHtml');

class SafeHtml {
  readonly #html: string;

  constructor(mint: symbol, markup: string) {
    // Only this module holds MINT, so escaped-ness cannot be forged by constructing one elsewhere.
    if (mint !== MINT) throw new TypeError('SafeHtml is made by html`...` or unsafeRaw()');
    this.#html = markup;
  }

  static is(value: unknown): value is SafeHtml {
    return typeof value === 'object' && value !== null && #html in value;
  }

  toString(): string {
    return this.#html;
  }
}

export type { SafeHtml };

/** What may be interpolated: text and numbers are escaped; null, undefined and booleans render nothing. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

export function isSafeHtml(value: unknown): value is SafeHtml {
  return SafeHtml.is(value);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || typeof value === 'boolean') return '';
  if (SafeHtml.is(value)) return value.toString();
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value as readonly HtmlValue[]) out += render(item);
    return out;
  }
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(MINT, out);
}

/**
 * Marks a string as markup without escaping it. Only for our own constant markup (never for text
 * that came from a user, Slack, Claude or a file): anything passed here reaches the page as HTML.
 */
export function unsafeRaw(markup: string): SafeHtml {
  return new SafeHtml(MINT, markup);
}

/** Joins fragments with an optional separator (itself markup). */
export function joinHtml(items: readonly SafeHtml[], separator: SafeHtml = unsafeRaw('')): SafeHtml {
  return new SafeHtml(MINT, items.map(String).join(separator.toString()));
}

// The one stylesheet of every page. It is inline so pages need no second request, and the CSP
// allows exactly this text by hash, so any injected <style> or style="" stays inert.
const PAGE_STYLE = `
:root {
  color-scheme: light dark;
  --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --border: #d1d9e0; --subtle: #f6f8fa;
  --link: #0969da; --green: #1a7f37; --blue: #0969da; --red: #cf222e; --grey: #59636e; --amber: #9a6700;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --border: #3d444d; --subtle: #151b23;
    --link: #4493f8; --green: #3fb950; --blue: #4493f8; --red: #f85149; --grey: #9198a1; --amber: #d29922;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; overflow-wrap: anywhere; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.6em 0 0.6em; }
h1 { font-size: 1.75rem; margin-top: 0.4em; }
h2 { font-size: 1.4rem; padding-bottom: 0.25em; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.15rem; }
h4, h5, h6 { font-size: 1rem; }
p, ul, ol, blockquote, dl, pre, table { margin: 0 0 1rem; }
ul, ol { padding-left: 1.6rem; }
li + li, li > ul, li > ol { margin-top: 0.25rem; }
li > ul, li > ol { margin-bottom: 0; }
a { color: var(--link); }
hr { border: 0; border-top: 1px solid var(--border); margin: 1.5rem 0; }
blockquote { margin-left: 0; padding: 0 1rem; color: var(--muted); border-left: 0.25rem solid var(--border); }
code, pre {
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; font-size: 0.875em;
}
:not(pre) > code { background: var(--subtle); padding: 0.1em 0.35em; border-radius: 4px; }
pre {
  background: var(--subtle); border: 1px solid var(--border); border-radius: 6px; padding: 0.8rem 1rem;
  overflow-x: auto; line-height: 1.45; overflow-wrap: normal; white-space: pre;
}
.code { margin: 0 0 1rem; }
.code > pre { margin: 0; border-top-left-radius: 0; border-top-right-radius: 0; }
.code-label {
  display: inline-block; font-size: 0.75rem; color: var(--muted); background: var(--subtle);
  border: 1px solid var(--border); border-bottom: 0; border-radius: 6px 6px 0 0; padding: 0.1rem 0.6rem;
}
.table-wrap { overflow-x: auto; margin: 0 0 1rem; }
table { border-collapse: collapse; min-width: 100%; overflow-wrap: normal; }
.table-wrap > table { margin: 0; }
th, td { border: 1px solid var(--border); padding: 0.35rem 0.7rem; text-align: left; vertical-align: top; }
th { background: var(--subtle); }
.align-center { text-align: center; }
.align-right { text-align: right; }
.eyebrow { color: var(--muted); font-size: 0.875rem; margin: 0; }
.actions { margin: 0.5rem 0 1.5rem; }
.muted { color: var(--muted); }
dl.front-matter {
  display: grid; grid-template-columns: minmax(6rem, max-content) 1fr; gap: 0.25rem 1rem;
  padding: 0.75rem 1rem; background: var(--subtle); border: 1px solid var(--border); border-radius: 6px;
  font-size: 0.9rem;
}
dl.front-matter dl.front-matter { padding: 0.25rem 0.5rem; margin: 0; background: transparent; }
dl.front-matter dt { font-weight: 600; }
dl.front-matter dd { margin: 0; white-space: pre-wrap; }
dl.front-matter ul { margin: 0; padding-left: 1.2rem; white-space: normal; }
.status {
  display: inline-block; font-size: 0.8rem; font-weight: 600; padding: 0 0.5rem; border-radius: 999px;
  border: 1px solid currentColor; white-space: nowrap;
}
.status-accepted { color: var(--green); }
.status-proposed { color: var(--blue); }
.status-rejected { color: var(--red); }
.status-deprecated, .status-superseded { color: var(--grey); }
.status-other { color: var(--amber); }
.adr-index td:first-child { white-space: nowrap; font-variant-numeric: tabular-nums; }
`;

/** The CSP source for the page style, e.g. `sha256-…`; quote it in a policy: `style-src '${…}'`. */
export const PAGE_STYLE_CSP_HASH = `sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}`;

/** The policy for every page made by `page()`: nothing may load or run but its own style element. */
export const PAGE_CONTENT_SECURITY_POLICY =
  `default-src 'none'; style-src '${PAGE_STYLE_CSP_HASH}'; img-src 'none'; base-uri 'none'; ` +
  `form-action 'none'; frame-ancestors 'none'`;

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** BCP 47 language tag; defaults to `en`. */
  lang?: string;
}

const LANG_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;

/** A complete HTML5 document with no scripts and no external resources. */
export function page({ title, body, lang = 'en' }: PageOptions): SafeHtml {
  return html`<!doctype html>
<html lang="${LANG_TAG.test(lang) ? lang : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>${unsafeRaw(PAGE_STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
