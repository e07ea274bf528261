import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { ADR_INDEX_ID, type AdrIndexEntry, type RecordDocument } from '../records/documents.js';
import {
  assertRecordSecret,
  isRecordKind,
  type RecordKind,
  recordUrl,
  signRecord,
  verifyRecord,
} from '../records/links.js';
import { html, PAGE_CONTENT_SECURITY_POLICY, page, type SafeHtml } from './html.js';
import { frontMatterTable, markdownToHtml } from './markdown-html.js';
import { internalError } from './server.js';

export interface RecordPagesOptions {
  secret: Buffer;
  /** Looks a record up by kind and public id; undefined when unknown. */
  lookup: (kind: RecordKind, id: string) => RecordDocument | undefined | Promise<RecordDocument | undefined>;
  /**
   * For the ADR index page: a list of entries to render as a table (number, title, status, date,
   * link) in a log4brains-like style; links made with recordUrl. Rendered in the order given.
   */
  adrIndex?: () => AdrIndexEntry[] | Promise<AdrIndexEntry[]>;
  publicBaseUrl: string;
  /** Where a failed lookup is logged before its bare 500. */
  logger?: Logger;
}

const PREFIX = '/records/';

// Every response: never cached or indexed (the URL is the credential), never framed, never sniffed,
// and never leaking the URL with its signature to another site through Referer.
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'private, no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
  'x-robots-tag': 'noindex, nofollow',
};

const HTML_TYPE = 'text/html; charset=utf-8';

const KIND_LABEL: Record<RecordKind, string> = {
  phr: 'Prompt History Record',
  adr: 'Architecture Decision Record',
  adrs: 'Architecture Decision Records',
};

/**
 * Returns a request handler that handles GET/HEAD `/records/<kind>/<id>` (HTML page: title, front
 * matter table, rendered body, a "Download markdown" link) and `/records/<kind>/<id>.md` (the raw
 * markdown as `text/markdown; charset=utf-8` with `Content-Disposition: attachment`), both requiring
 * `?sig=` valid for (kind, id without .md). It owns every path under `/records/` (so a bad kind or
 * shape gets the same 404 as a bad signature) and returns false for all other paths so the server
 * can 404 them. Which paths it owns is decided synchronously; the response is sent once `lookup`/`adrIndex`
 * have answered, and when they fail, the failure is logged and answered with a bare 500 here.
 */
export function createRecordPages(
  options: RecordPagesOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  assertRecordSecret(options.secret);
  const { secret, lookup, adrIndex, publicBaseUrl } = options;

  // Built once, so every "no" is byte-for-byte the same whatever the reason.
  const notFound = Buffer.from(
    page({
      title: 'Not found',
      body: html`<h1>Not found</h1>
<p>This link is not valid, or the record is no longer available.</p>`,
    }).toString(),
    'utf8',
  );
  const methodNotAllowed = Buffer.from(
    page({ title: 'Method not allowed', body: html`<h1>Method not allowed</h1>` }).toString(),
    'utf8',
  );

  return (req, res) => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (!path.startsWith(PREFIX)) return false;

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(req, res, 405, HTML_TYPE, methodNotAllowed, { allow: 'GET, HEAD' });
      return true;
    }

    const target = parseTarget(path.slice(PREFIX.length));
    const params = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
    const sigs = params.getAll('sig');
    // The signature is checked before anything looks at the store, so response time cannot tell
    // which ids exist; an unparseable path is checked against a dummy id to keep the same cost.
    const valid = verifyRecord(
      secret,
      target?.kind ?? 'phr',
      target?.id ?? '',
      sigs.length === 1 ? sigs[0] : undefined,
    );
    if (!target || !valid) {
      send(req, res, 404, HTML_TYPE, notFound);
      return true;
    }

    // Answered here, not by the server: the route has already returned true when the lookup fails.
    serve(req, res, target).catch((error: unknown) =>
      internalError(res, options.logger, 'record page failed', { kind: target.kind, error }),
    );
    return true;
  };

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    { kind, id, raw }: { kind: RecordKind; id: string; raw: boolean },
  ): Promise<void> {
    if (kind === 'adrs') {
      if (id !== ADR_INDEX_ID || raw || !adrIndex) {
        send(req, res, 404, HTML_TYPE, notFound);
      } else {
        const index = indexPage(await adrIndex(), publicBaseUrl, secret);
        send(req, res, 200, HTML_TYPE, Buffer.from(index.toString(), 'utf8'));
      }
      return;
    }

    const record = await lookup(kind, id);
    if (!record) {
      send(req, res, 404, HTML_TYPE, notFound);
      return;
    }
    if (raw) {
      send(req, res, 200, 'text/markdown; charset=utf-8', Buffer.from(record.markdown, 'utf8'), {
        'content-disposition': contentDisposition(record.fileName),
      });
    } else {
      const sig = signRecord(secret, kind, id);
      send(req, res, 200, HTML_TYPE, Buffer.from(recordPage(kind, id, sig, record).toString(), 'utf8'));
    }
  }
}

function parseTarget(rest: string): { kind: RecordKind; id: string; raw: boolean } | undefined {
  const parts = rest.split('/');
  const [kind, encoded] = parts;
  if (parts.length !== 2 || kind === undefined || encoded === undefined || !isRecordKind(kind))
    return undefined;
  const raw = encoded.endsWith('.md');
  let id: string;
  try {
    id = decodeURIComponent(raw ? encoded.slice(0, -3) : encoded);
  } catch {
    return undefined;
  }
  if (id === '') return undefined;
  return { kind, id, raw };
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  contentType: string,
  body: Buffer,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': contentType,
    'content-length': String(body.length),
    ...extra,
  });
  // HEAD gets the same headers, including the length of the body it does not get.
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * `attachment; filename="<name>"`, the name reduced to its last path segment and to characters
 * that are safe inside the quotes; when that changed it, the exact name follows as `filename*`.
 */
export function contentDisposition(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() || 'record.md';
  const fallback = base.replace(/[^A-Za-z0-9._ ()+,-]/g, '_');
  if (fallback === base) return `attachment; filename="${base}"`;
  const encoded = encodeURIComponent(base).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Splits off a leading YAML front matter block (`---` … `---` or `...`), if there is one. */
export function splitFrontMatter(markdown: string): { yaml: string | undefined; body: string } {
  const text = markdown.startsWith('\uFEFF') ? markdown.slice(1) : markdown;
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (!open) return { yaml: undefined, body: text };
  const close = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;
  const rest = text.slice(open[0].length);
  const end = close.exec(rest);
  if (!end) return { yaml: undefined, body: text };
  return { yaml: rest.slice(0, end.index), body: rest.slice(end.index + end[0].length) };
}

function recordPage(kind: RecordKind, id: string, sig: string, record: RecordDocument): SafeHtml {
  const { yaml, body } = splitFrontMatter(record.markdown);
  // ADR files open with `# ADR-NNNN: Title`; a second, page-made h1 above it would repeat it.
  const bodyHasTitle = /^\s*# /.test(body);
  let meta: SafeHtml | string = '';
  if (record.frontMatter && Object.keys(record.frontMatter).length > 0) {
    meta = html`<section aria-label="Front matter">${frontMatterTable(record.frontMatter)}</section>\n`;
  } else if (yaml !== undefined && yaml.trim() !== '') {
    meta = markdownToHtml(`~~~yaml\n${yaml.replace(/\n$/, '')}\n~~~`);
  }
  // Relative, so the link works behind whatever host or proxy served this page; `./` keeps an id
  // with a colon from reading as a URL scheme.
  const download = `./${encodeURIComponent(id)}.md?sig=${sig}`;
  return page({
    title: record.title,
    body: html`<header>
<p class="eyebrow">${KIND_LABEL[kind]} · ${record.fileName}</p>
${bodyHasTitle ? '' : html`<h1>${record.title}</h1>`}
<p class="actions"><a href="${download}" download>Download markdown</a></p>
</header>
${meta}<article>
${markdownToHtml(body)}</article>
${record.feedback ? feedbackSection(record.feedback) : ''}`,
  });
}

/** Votes and comments on the answer: counts, then each comment as plain (escaped) text. */
function feedbackSection(feedback: NonNullable<RecordDocument['feedback']>): SafeHtml {
  const comments = feedback.comments.map((comment) => html`<li>${comment}</li>\n`);
  return html`<section aria-label="Feedback">
<h2>Feedback</h2>
<p>Feedback: 👍 ${feedback.positive} · 👎 ${feedback.negative}</p>
${comments.length ? html`<ul class="feedback-comments">\n${comments}</ul>` : ''}
</section>`;
}

const STATUS_CLASSES = ['accepted', 'proposed', 'rejected', 'deprecated', 'superseded'] as const;

function indexPage(entries: readonly AdrIndexEntry[], publicBaseUrl: string, secret: Buffer): SafeHtml {
  const rows = entries.map((entry) => {
    const word = entry.status.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    const statusClass = (STATUS_CLASSES as readonly string[]).includes(word) ? word : 'other';
    // "Superseded by [0007-x](0007-x.md)": the link targets a file in the repository, so show its text.
    const status = entry.status.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const href = recordUrl(publicBaseUrl, secret, 'adr', entry.id);
    return html`<tr>
<td>${entry.number}</td>
<td><a href="${href}">${entry.title}</a></td>
<td><span class="status status-${statusClass}">${status}</span></td>
<td>${entry.date}</td>
</tr>\n`;
  });
  const table =
    entries.length === 0
      ? html`<p class="muted">No decisions have been recorded yet.</p>`
      : html`<div class="table-wrap"><table class="adr-index">
<thead><tr><th>#</th><th>Decision</th><th>Status</th><th>Date</th></tr></thead>
<tbody>
${rows}</tbody>
</table></div>`;
  return page({
    title: KIND_LABEL.adrs,
    body: html`<header>
<p class="eyebrow">Decision log</p>
<h1>${KIND_LABEL.adrs}</h1>
</header>
${table}`,
  });
}
