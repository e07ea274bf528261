import { describe, expect, it } from 'vitest';
import { queryOf, searchResults, sourcesOf } from '../../../src/answering/docs-tool.js';

const hit = (page: string, heading: string, text: string) => ({
  url: `https://fastapi.tiangolo.com/${page}/#${heading.toLowerCase()}`,
  page: `${page}.md`,
  title: 'Page',
  heading,
  text,
});

describe('the docs search tool', () => {
  it('returns hits as citable search results, best first, within the size cap', () => {
    const results = searchResults(
      [hit('a', 'One', 'x'.repeat(80)), hit('b', 'Two', 'y'.repeat(80)), hit('c', 'Three', 'z')],
      100,
    );
    expect(results).toEqual([
      {
        type: 'search_result',
        source: 'https://fastapi.tiangolo.com/a/#one',
        title: 'Page > One',
        content: [{ type: 'text', text: 'x'.repeat(80) }],
        citations: { enabled: true },
      },
      expect.objectContaining({
        source: 'https://fastapi.tiangolo.com/b/#two',
        content: [{ type: 'text', text: 'y'.repeat(20) }],
      }),
    ]);
  });

  it('reads only a string query, cut to 300 characters', () => {
    expect(queryOf({ query: 'cors' })).toBe('cors');
    expect(queryOf({ query: 42 })).toBe('');
    expect(queryOf(null)).toBe('');
    expect(queryOf({ query: 'q'.repeat(400) })).toHaveLength(300);
  });

  it('lists each cited page once, in the order first cited, titled by its page', () => {
    const cite = (source: string, title: string) => ({ source, title, citedText: '' });
    expect(
      sourcesOf([
        cite('https://fastapi.tiangolo.com/tutorial/cors/#use-corsmiddleware', 'CORS > Use CORSMiddleware'),
        cite('https://fastapi.tiangolo.com/advanced/events/#lifespan', 'Lifespan Events > Lifespan'),
        cite('https://fastapi.tiangolo.com/tutorial/cors/#allowed-origins', 'CORS > Allowed origins'),
      ]),
    ).toEqual([
      { title: 'CORS', url: 'https://fastapi.tiangolo.com/tutorial/cors/#use-corsmiddleware' },
      { title: 'Lifespan Events', url: 'https://fastapi.tiangolo.com/advanced/events/#lifespan' },
    ]);
  });
});
