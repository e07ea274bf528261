import { describe, expect, it } from 'vitest';
import { DocsConfigError, isStale, loadDocsConfig } from '../../../src/docs/settings.js';

describe('loadDocsConfig', () => {
  it('has defaults and reads the four settings', () => {
    expect(loadDocsConfig({})).toEqual({
      source: undefined,
      version: undefined,
      indexPath: './data/fastapi-docs.sqlite',
      refreshHours: 168,
    });
    expect(
      loadDocsConfig({
        FASTAPI_DOCS_SOURCE: ' /tmp/f.tar.gz ',
        FASTAPI_DOCS_VERSION: 'v0.141.1',
        DOCS_INDEX_PATH: '/x/i.sqlite',
        DOCS_REFRESH_HOURS: '0',
      }),
    ).toEqual({ source: '/tmp/f.tar.gz', version: '0.141.1', indexPath: '/x/i.sqlite', refreshHours: 0 });
  });

  it('reports malformed values together', () => {
    expect(() => loadDocsConfig({ DOCS_REFRESH_HOURS: 'weekly', FASTAPI_DOCS_VERSION: '../x' })).toThrow(
      DocsConfigError,
    );
  });

  it('says when an index is due for a sync', () => {
    const synced = new Date('2030-01-01T00:00:00Z');
    expect(isStale(synced, { refreshHours: 168 }, new Date('2030-01-08T00:00:00Z'))).toBe(true);
    expect(isStale(synced, { refreshHours: 168 }, new Date('2030-01-07T23:00:00Z'))).toBe(false);
    expect(isStale(synced, { refreshHours: 0 }, new Date('2040-01-01T00:00:00Z'))).toBe(false);
  });
});
