import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  html,
  isSafeHtml,
  joinHtml,
  PAGE_CONTENT_SECURITY_POLICY,
  PAGE_STYLE_CSP_HASH,
  page,
  unsafeRaw,
} from '../../../src/http/html.js';

describe('escapeHtml', () => {
  it('escapes & < > " \' and backtick', () => {
    expect(escapeHtml('&<>"\'`')).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });

  it('leaves other text alone', () => {
    expect(escapeHtml('plain text – ünïcødé 🚀')).toBe('plain text – ünïcødé 🚀');
  });
});

describe('html', () => {
  it('escapes interpolated strings', () => {
    const evil = '<script>alert("x")</script>';
    expect(String(html`<p>${evil}</p>`)).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
  });

  it('escapes values inside attributes so they cannot break out', () => {
    const value = '" onmouseover="alert(1)';
    expect(String(html`<a title="${value}">x</a>`)).toBe(
      '<a title="&quot; onmouseover=&quot;alert(1)">x</a>',
    );
  });

  it('does not escape nested templates twice', () => {
    const inner = html`<em>${'a & b'}</em>`;
    expect(String(html`<p>${inner}</p>`)).toBe('<p><em>a &amp; b</em></p>');
  });

  it('joins arrays, escaping the strings among them', () => {
    const items = [html`<li>1</li>`, '<li>2</li>', html`<li>${'<3>'}</li>`];
    expect(String(html`<ul>${items}</ul>`)).toBe(
      '<ul><li>1</li>&lt;li&gt;2&lt;/li&gt;<li>&lt;3&gt;</li></ul>',
    );
  });

  it('renders null, undefined and booleans as nothing, numbers as text', () => {
    expect(String(html`${null}${undefined}${false}${true}|${0}|${12.5}|${10n}`)).toBe('|0|12.5|10');
  });

  it('lets unsafeRaw through untouched', () => {
    expect(String(html`<p>${unsafeRaw('<b>ours</b>')}</p>`)).toBe('<p><b>ours</b></p>');
  });

  it('treats a look-alike object as text, not markup', () => {
    const fake = { toString: () => '<b>forged</b>' } as unknown as string;
    expect(String(html`${fake}`)).toBe('&lt;b&gt;forged&lt;/b&gt;');
    expect(isSafeHtml(fake)).toBe(false);
    expect(isSafeHtml(html`x`)).toBe(true);
  });

  it('joinHtml joins fragments with a separator', () => {
    expect(String(joinHtml([html`a`, html`${'<b>'}`], html`<br>`))).toBe('a<br>&lt;b&gt;');
  });
});

describe('page', () => {
  const doc = String(page({ title: 'A <title> & "quotes"', body: html`<p>${'<b>body</b>'}</p>` }));

  it('is a complete HTML5 document for phones', () => {
    expect(doc.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(doc).toContain('<meta charset="utf-8">');
    expect(doc).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(doc).toContain('</html>');
  });

  it('escapes the title and keeps the body as given', () => {
    expect(doc).toContain('<title>A &lt;title&gt; &amp; &quot;quotes&quot;</title>');
    expect(doc).toContain('<p>&lt;b&gt;body&lt;/b&gt;</p>');
  });

  it('has no scripts and loads nothing from anywhere', () => {
    expect(doc).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(|@import/i);
    expect(doc.match(/<style>/g)).toHaveLength(1);
  });

  it('is dark-mode friendly and lets wide code scroll', () => {
    expect(doc).toContain('prefers-color-scheme: dark');
    expect(doc).toMatch(/pre \{[^}]*overflow-x: auto/);
  });

  it('exports the sha256 of exactly its style element for the CSP', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(doc)?.[1] ?? '';
    const hash = `sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}`;
    expect(PAGE_STYLE_CSP_HASH).toBe(hash);
    expect(PAGE_CONTENT_SECURITY_POLICY).toBe(
      `default-src 'none'; style-src '${hash}'; img-src 'none'; base-uri 'none'; form-action 'none'; ` +
        `frame-ancestors 'none'`,
    );
  });

  it('takes a language tag and ignores one that is not a tag', () => {
    expect(String(page({ title: 't', body: html``, lang: 'de-CH' }))).toContain('<html lang="de-CH">');
    expect(String(page({ title: 't', body: html``, lang: '"><x' }))).toContain('<html lang="en">');
  });
});
