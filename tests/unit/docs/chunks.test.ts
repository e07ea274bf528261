import { describe, expect, it } from 'vitest';
import { chunkPage, pageUrl, slugify, splitHeading } from '../../../src/docs/chunks.js';
import { DOCS_FILES } from '../../helpers/docs-archive.js';

const files = new Map(Object.entries(DOCS_FILES));
const chunk = (page: string) => chunkPage(page, DOCS_FILES[`docs/en/docs/${page}`] ?? '', files);

describe('chunkPage', () => {
  it('splits at headings, with deep links from the docs own anchors and the anchors stripped', () => {
    const { chunks } = chunk('tutorial/cors.md');
    expect(chunks.map((c) => [c.heading, c.url])).toEqual([
      ['CORS (Cross-Origin Resource Sharing)', 'https://fastapi.tiangolo.com/tutorial/cors/'],
      ['Use CORSMiddleware', 'https://fastapi.tiangolo.com/tutorial/cors/#use-corsmiddleware'],
      ['Allowed origins', 'https://fastapi.tiangolo.com/tutorial/cors/#allowed-origins'],
    ]);
    expect(chunks[1]?.headingPath).toEqual(['CORS (Cross-Origin Resource Sharing)', 'Use CORSMiddleware']);
    expect(chunks.every((c) => c.title === 'CORS (Cross-Origin Resource Sharing)')).toBe(true);
    expect(chunks.map((c) => c.text).join('\n')).not.toContain('{ #');
  });

  it('inlines included docs_src lines (ln ranges, 1-based inclusive) as the chunk code', () => {
    const section = chunk('tutorial/cors.md').chunks[1];
    expect(section?.code).toBe(
      'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n# ...\n\norigins = ["http://localhost:3000"]\napp.add_middleware(CORSMiddleware, allow_origins=origins)',
    );
    expect(section?.text).toContain('```python\nfrom fastapi import FastAPI');
    expect(section?.body).not.toContain('from fastapi import');
    expect(section?.text).toContain('**Technical Details**');
  });

  it('leaves a one-line note for a missing include and counts it', () => {
    const result = chunk('tutorial/cors.md');
    expect(result.missingIncludes).toBe(1);
    expect(result.chunks[2]?.text).toContain('missing_py310.py *} is not in this release');
  });

  it('resolves the older {!> ... !} form inside a fence', () => {
    const section = chunk('advanced/events.md').chunks[1];
    expect(section?.code).toContain('@app.on_event("startup")');
    expect(section?.text).toContain('```Python\n@app.on_event("startup")');
  });

  it('indexes release notes per version section', () => {
    const { chunks } = chunk('release-notes.md');
    expect(chunks.map((c) => c.heading)).toEqual([
      'Release Notes',
      'Latest Changes',
      '9.9.9 (2030-01-02)',
      '9.9.8 (2030-01-01)',
    ]);
    expect(chunks[2]?.kind).toBe('release');
    expect(chunks[2]?.body).toContain('Add support for lifespan state');
    expect(chunks[2]?.url).toBe('https://fastapi.tiangolo.com/release-notes/#999-2030-01-02');
  });

  it('replaces a reference stub with the docstring from the source, and skips one it cannot find', () => {
    const result = chunk('reference/background.md');
    expect(result.stubsResolved).toBe(1);
    expect(result.stubsSkipped).toBe(1);
    const stub = result.chunks.find((c) => c.kind === 'reference');
    expect(stub?.url).toBe('https://fastapi.tiangolo.com/reference/background/#fastapi.BackgroundTasks');
    expect(stub?.body).toBe(
      'A collection of background tasks that will be called after a response has been\nsent to the client.',
    );
  });
});

describe('URLs and anchors', () => {
  it('maps pages to the published URLs', () => {
    expect(pageUrl('index.md')).toBe('https://fastapi.tiangolo.com/');
    expect(pageUrl('tutorial/dependencies/index.md')).toBe(
      'https://fastapi.tiangolo.com/tutorial/dependencies/',
    );
    expect(pageUrl('tutorial/query-params.md')).toBe('https://fastapi.tiangolo.com/tutorial/query-params/');
  });

  it('takes { #anchor } markers and slugifies headings without one', () => {
    expect(splitHeading('Query parameter type conversion { #query-parameter-type-conversion }')).toEqual({
      text: 'Query parameter type conversion',
      anchor: 'query-parameter-type-conversion',
    });
    expect(slugify('0.93.0 (2023-03-07)')).toBe('0930-2023-03-07');
  });
});
