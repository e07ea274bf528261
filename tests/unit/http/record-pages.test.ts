import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PAGE_STYLE_CSP_HASH } from '../../../src/http/html.js';
import { contentDisposition, createRecordPages, splitFrontMatter } from '../../../src/http/record-pages.js';
import { listen } from '../../../src/http/server.js';
import type { AdrIndexEntry, RecordDocument } from '../../../src/records/documents.js';
import { type RecordKind, recordUrl, signRecord } from '../../../src/records/links.js';

const SECRET = Buffer.from('test-secret-test-secret-test-secret!', 'utf8');
const PUBLIC_BASE = 'https://bot.example.com';
const PHR_ID = 'Pq3xN1cVb7Rt9sLmKa2wEg';
const ADR_ID = 'Zk8yH4dQw2Uo6jTnBf5rXc';
const HOSTILE_ID = 'Hs7tL3eRm9Wq1aZxCv4bNy';
const UNKNOWN_ID = 'Uu0nKnOwNiDdDdDdDdDdDd';

const PHR_MARKDOWN = `---
id: "0007"
title: Async SQLAlchemy sessions
stage: general
labels: ["fastapi", "sqlalchemy"]
---

## Prompt

How do I share an AsyncSession per request?

## Response snapshot

Use a dependency with \`yield\`.
`;

const ADR_MARKDOWN = `# ADR-0003: Use async SQLAlchemy

- **Status:** Proposed
- **Date:** 2025-01-31

## Decision

Adopt \`AsyncSession\`.
`;

const HOSTILE_PROMPT = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '[click me](javascript:alert(1))',
  '<a href="javascript:alert(1)">x</a>',
  '</code></pre><script>alert(2)</script>',
  '```',
  '</code></pre><img src=x onerror=alert(3)>',
  '```',
].join('\n');

const records = new Map<string, RecordDocument>([
  [
    `phr:${PHR_ID}`,
    {
      title: 'Async SQLAlchemy sessions',
      markdown: PHR_MARKDOWN,
      fileName: '0007-async-sqlalchemy-sessions.general.prompt.md',
      frontMatter: {
        id: '0007',
        title: 'Async SQLAlchemy sessions',
        stage: 'general',
        labels: ['fastapi', 'sqlalchemy'],
      },
    },
  ],
  [
    `adr:${ADR_ID}`,
    {
      title: 'ADR-0003: Use async SQLAlchemy',
      markdown: ADR_MARKDOWN,
      fileName: '0003-use-async-sqlalchemy.md',
    },
  ],
  [
    `phr:${HOSTILE_ID}`,
    {
      title: '<script>alert("title")</script>',
      markdown: `---\ntitle: x\n---\n## Prompt\n\n${HOSTILE_PROMPT}\n`,
      fileName: '0008-x.general.prompt.md',
      frontMatter: { title: '"><img src=x onerror=alert(1)>', links: { spec: 'javascript:alert(1)' } },
    },
  ],
]);

const ADR_INDEX: AdrIndexEntry[] = [
  { number: '0003', title: 'Use async SQLAlchemy', status: 'Proposed', date: '2025-01-31', id: ADR_ID },
  {
    number: '0002',
    title: '<b>Pin</b> Pydantic v2',
    status: 'Superseded by [0003-use-async-sqlalchemy](0003-use-async-sqlalchemy.md)',
    date: '2025-01-20',
    id: 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7o',
  },
  {
    number: '0001',
    title: 'Record decisions',
    status: 'Accepted',
    date: '2025-01-02',
    id: 'Qr8St9Uv0Wx1Yz2Ab3Cd4e',
  },
];

const CSP =
  `default-src 'none'; style-src '${PAGE_STYLE_CSP_HASH}'; img-src 'none'; base-uri 'none'; ` +
  `form-action 'none'; frame-ancestors 'none'`;

const lookups: [RecordKind, string][] = [];
let server: Server;
let origin: string;

beforeAll(async () => {
  const handle = createRecordPages({
    secret: SECRET,
    publicBaseUrl: PUBLIC_BASE,
    lookup: (kind, id) => {
      lookups.push([kind, id]);
      return records.get(`${kind}:${id}`);
    },
    adrIndex: () => ADR_INDEX,
  });
  server = createServer((req, res) => {
    if (handle(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('server 404\n');
  });
  const port = await listen(server, 0, '127.0.0.1');
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  lookups.length = 0;
});

/** The signed link the bot would post, pointed at the test server instead of the public host. */
function local(kind: RecordKind, id: string): string {
  const url = new URL(recordUrl(PUBLIC_BASE, SECRET, kind, id));
  return `${origin}${url.pathname}${url.search}`;
}

interface Snapshot {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function get(path: string, method = 'GET'): Promise<Snapshot> {
  const res = await fetch(path.startsWith('http') ? path : `${origin}${path}`, { method });
  const headers = Object.fromEntries(res.headers);
  // The only header allowed to differ between two identical responses.
  delete headers.date;
  return { status: res.status, headers, body: await res.text() };
}

function expectSecurityHeaders(headers: Record<string, string>): void {
  expect(headers['cache-control']).toBe('private, no-store');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['content-security-policy']).toBe(CSP);
}

describe('a record page', () => {
  it('shows the title, the front matter, the body and a download link', async () => {
    const res = await get(local('phr', PHR_ID));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expectSecurityHeaders(res.headers);
    expect(res.body).toContain('<title>Async SQLAlchemy sessions</title>');
    expect(res.body).toContain('<h1>Async SQLAlchemy sessions</h1>');
    expect(res.body).toContain('<dt>stage</dt><dd>general</dd>');
    expect(res.body).toContain('<h2>Prompt</h2>');
    expect(res.body).toContain('<p>Use a dependency with <code>yield</code>.</p>');
    // The YAML block is shown as the table, not again as text in the body.
    expect(res.body).not.toContain('stage: general');
    const sig = signRecord(SECRET, 'phr', PHR_ID);
    expect(res.body).toContain(`<a href="./${PHR_ID}.md?sig=${sig}" download>Download markdown</a>`);
    expect(lookups).toEqual([['phr', PHR_ID]]);
  });

  it('does not repeat the title when the body starts with it (ADRs)', async () => {
    const res = await get(local('adr', ADR_ID));
    expect(res.status).toBe(200);
    expect(res.body.match(/<h1>/g)).toHaveLength(1);
    expect(res.body).toContain('<h1>ADR-0003: Use async SQLAlchemy</h1>');
    expect(res.body).toContain('<li><strong>Status:</strong> Proposed</li>');
  });

  it('serves the raw markdown as an attachment, reachable from the page’s own link', async () => {
    const page = await fetch(local('phr', PHR_ID));
    const href = /<a href="([^"]+)" download>/.exec(await page.text())?.[1] ?? '';
    const res = await get(new URL(href.replaceAll('&amp;', '&'), page.url).href);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="0007-async-sqlalchemy-sessions.general.prompt.md"',
    );
    expectSecurityHeaders(res.headers);
    expect(res.body).toBe(PHR_MARKDOWN);
  });

  it('answers HEAD with the GET headers and no body', async () => {
    for (const url of [local('phr', PHR_ID), local('phr', PHR_ID).replace('?', '.md?')]) {
      const full = await get(url);
      const head = await get(url, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      // fetch sends HEAD with `connection: close`; that transport detail aside, the headers match.
      const { connection: _c1, 'keep-alive': _k1, ...headHeaders } = head.headers;
      const { connection: _c2, 'keep-alive': _k2, ...fullHeaders } = full.headers;
      expect(headHeaders).toEqual(fullHeaders);
      expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(full.body));
    }
  });

  it('shows front matter as YAML text when none was parsed for it', async () => {
    records.set(`phr:${UNKNOWN_ID}x`, {
      title: 't',
      markdown: '---\na: "<1>"\n---\nbody\n',
      fileName: 'f.md',
    });
    try {
      const res = await get(local('phr', `${UNKNOWN_ID}x`));
      expect(res.body).toContain(
        '<div class="code-label">yaml</div><pre><code>a: &quot;&lt;1&gt;&quot;</code></pre>',
      );
      expect(res.body).toContain('<p>body</p>');
    } finally {
      records.delete(`phr:${UNKNOWN_ID}x`);
    }
  });
});

describe('hostile record content', () => {
  it('renders a prompt full of markup as inert text', async () => {
    const res = await get(local('phr', HOSTILE_ID));
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/<img/i);
    expect(body).not.toMatch(/href="javascript:/i);
    expect(body).not.toMatch(/<[^>]*\sonerror=/i);
    expect(body).toContain('<title>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;</title>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(body).toContain('[click me](javascript:alert(1))');
    expect(body).toContain('&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;');
    // Outside a fence the closing tags are text; inside one they cannot end our <pre>.
    expect(body).toContain('&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(body).toContain(
      '<pre><code>&lt;/code&gt;&lt;/pre&gt;&lt;img src=x onerror=alert(3)&gt;</code></pre>',
    );
    // Front matter values are escaped too, and a javascript: value is not a link.
    expect(body).toContain('<dd>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</dd>');
    expect(body).toContain('<dt>spec</dt><dd>javascript:alert(1)</dd>');
  });

  it('has exactly one style element, the one the CSP hash allows, and no scripts', async () => {
    const res = await get(local('phr', HOSTILE_ID));
    expect(res.body.match(/<style/g)).toHaveLength(1);
    expect(res.body).not.toMatch(/<script|<link|<[a-z][^>]*\s(?:src|style)=/i);
  });
});

describe('refusals', () => {
  const sig = signRecord(SECRET, 'phr', PHR_ID);
  const path = `/records/phr/${PHR_ID}`;
  const otherKindSig = signRecord(SECRET, 'adr', PHR_ID);
  const otherIdSig = signRecord(SECRET, 'phr', ADR_ID);
  const flipped = sig.replace(/[a-z]/, (c) => c.toUpperCase());

  const badRequests: [string, string][] = [
    ['a wrong signature', `${path}?sig=${'A'.repeat(43)}`],
    ['a truncated signature', `${path}?sig=${sig.slice(0, -1)}`],
    ['a missing signature', path],
    ['an empty signature', `${path}?sig=`],
    ['a signature with an extra character', `${path}?sig=${sig}A`],
    ['a padded signature', `${path}?sig=${sig}%3D`],
    ['a differently cased signature', `${path}?sig=${flipped}`],
    ['a signature given twice', `${path}?sig=${sig}&sig=${sig}`],
    ['a signature for another kind', `${path}?sig=${otherKindSig}`],
    ['a signature used under another kind', `/records/adr/${PHR_ID}?sig=${sig}`],
    ['a signature for another id', `${path}?sig=${otherIdSig}`],
    ['a wrong signature on the download', `${path}.md?sig=${otherIdSig}`],
    ['the page signature on another id’s download', `/records/phr/${ADR_ID}.md?sig=${sig}`],
    ['an unknown kind', `/records/prompt/${PHR_ID}?sig=${sig}`],
    ['a malformed path', `/records/phr/${PHR_ID}/extra?sig=${sig}`],
    ['bad percent-encoding', `/records/phr/%E0%A4%A?sig=${sig}`],
    ['the bare prefix', '/records/'],
  ];

  it.each(badRequests)(
    'answers %s with the unknown-id 404 and never consults the store',
    async (_name, request) => {
      const unknownId = await get(local('phr', UNKNOWN_ID));
      expect(lookups).toEqual([['phr', UNKNOWN_ID]]);
      lookups.length = 0;

      const res = await get(request);
      expect(res).toEqual(unknownId);
      expect(res.status).toBe(404);
      expectSecurityHeaders(res.headers);
      expect(lookups).toEqual([]);
    },
  );

  it('gives HEAD the same 404 headers for a bad signature and an unknown id', async () => {
    const unknownId = await get(local('phr', UNKNOWN_ID), 'HEAD');
    const badSig = await get(`${path}?sig=${sig.slice(0, -1)}`, 'HEAD');
    expect(badSig).toEqual(unknownId);
    expect(badSig.status).toBe(404);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('answers %s with 405', async (method) => {
    const res = await get(local('phr', PHR_ID), method);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expectSecurityHeaders(res.headers);
    expect(lookups).toEqual([]);
  });

  it('leaves other paths to the server', async () => {
    for (const path of [
      '/',
      '/healthz',
      '/records',
      '/recordsx/phr/a',
      `/RECORDS/phr/${PHR_ID}?sig=${sig}`,
    ]) {
      const res = await get(path);
      expect(res.body).toBe('server 404\n');
    }
  });
});

describe('the ADR index', () => {
  it('lists decisions with signed links, status badges and escaped titles', async () => {
    const res = await get(local('adrs', 'index'));
    expect(res.status).toBe(200);
    expectSecurityHeaders(res.headers);
    expect(res.body).toContain('<h1>Architecture Decision Records</h1>');
    const link = recordUrl(PUBLIC_BASE, SECRET, 'adr', ADR_ID);
    expect(res.body).toContain(
      `<tr>\n<td>0003</td>\n<td><a href="${link}">Use async SQLAlchemy</a></td>\n` +
        '<td><span class="status status-proposed">Proposed</span></td>\n<td>2025-01-31</td>\n</tr>',
    );
    expect(res.body).toContain('&lt;b&gt;Pin&lt;/b&gt; Pydantic v2');
    expect(res.body).toContain(
      '<span class="status status-superseded">Superseded by 0003-use-async-sqlalchemy</span>',
    );
    expect(res.body).toContain('<span class="status status-accepted">Accepted</span>');
    expect(lookups).toEqual([]);
  });

  it('links rows to pages that open', async () => {
    const res = await get(local('adrs', 'index'));
    const href = new URL(recordUrl(PUBLIC_BASE, SECRET, 'adr', ADR_ID));
    expect(res.body).toContain(href.href);
    const target = await get(`${href.pathname}${href.search}`);
    expect(target.status).toBe(200);
  });

  it('has no markdown download and no other ids', async () => {
    const notFound = await get(local('phr', UNKNOWN_ID));
    expect(await get(local('adrs', 'index').replace('?', '.md?'))).toEqual(notFound);
    expect(await get(local('adrs', 'other'))).toEqual(notFound);
  });

  it('is a 404 when no index is configured', async () => {
    const handle = createRecordPages({ secret: SECRET, publicBaseUrl: PUBLIC_BASE, lookup: () => undefined });
    const bare = createServer((req, res) => {
      if (!handle(req, res)) res.end();
    });
    const port = await listen(bare, 0, '127.0.0.1');
    try {
      const res = await fetch(
        `http://127.0.0.1:${port}/records/adrs/index?sig=${signRecord(SECRET, 'adrs', 'index')}`,
      );
      expect(res.status).toBe(404);
    } finally {
      bare.closeAllConnections();
      await new Promise((resolve) => bare.close(resolve));
    }
  });
});

describe('createRecordPages', () => {
  it('refuses a short secret at start-up', () => {
    expect(() =>
      createRecordPages({
        secret: Buffer.from('short'),
        publicBaseUrl: PUBLIC_BASE,
        lookup: () => undefined,
      }),
    ).toThrow(RangeError);
  });
});

describe('contentDisposition', () => {
  it('quotes a plain record file name as is', () => {
    expect(contentDisposition('0003-use-async-sqlalchemy.md')).toBe(
      'attachment; filename="0003-use-async-sqlalchemy.md"',
    );
  });

  it('keeps quotes, paths and line breaks out of the header and gives the exact name as filename*', () => {
    expect(contentDisposition('../x"y\r\nz.md')).toBe(
      'attachment; filename="x_y__z.md"; filename*=UTF-8\'\'x%22y%0D%0Az.md',
    );
    expect(contentDisposition('0001-café.md')).toBe(
      'attachment; filename="0001-caf_.md"; filename*=UTF-8\'\'0001-caf%C3%A9.md',
    );
  });
});

describe('splitFrontMatter', () => {
  it('splits a leading YAML block from the body', () => {
    expect(splitFrontMatter('---\na: 1\n---\n# T\n')).toEqual({ yaml: 'a: 1\n', body: '# T\n' });
  });

  it('leaves a document without one alone, including a later ---', () => {
    expect(splitFrontMatter('# T\n---\nx')).toEqual({ yaml: undefined, body: '# T\n---\nx' });
    expect(splitFrontMatter('---\nnot closed')).toEqual({ yaml: undefined, body: '---\nnot closed' });
  });
});
