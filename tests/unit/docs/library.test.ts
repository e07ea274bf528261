import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDocsLibrary } from '../../../src/docs/library.js';
import { loadDocsConfig } from '../../../src/docs/settings.js';
import { createLogger } from '../../../src/log.js';
import { tempDir } from '../../helpers/temp.js';

describe('createDocsLibrary', () => {
  it('stops without waiting for a download that has not finished', async () => {
    // An archive server that takes the request and never answers, like a stalled download.
    const pending: ServerResponse[] = [];
    const server = createServer((_req, res) => pending.push(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const { port } = server.address() as AddressInfo;
    const library = createDocsLibrary({
      config: loadDocsConfig({
        FASTAPI_DOCS_SOURCE: `http://127.0.0.1:${port}/fastapi.tar.gz`,
        DOCS_INDEX_PATH: join(tempDir(), 'docs.sqlite'),
      }),
      logger: createLogger({ level: 'error', write: () => {} }),
    });
    library.start();
    expect(library.status()).toBe('syncing');
    await new Promise<void>((resolve) => {
      const check = () => (pending.length > 0 ? resolve() : setImmediate(check));
      check();
    });
    // Resolves while the download still hangs (the test would time out otherwise).
    await library.stop();
    expect(library.current()).toBeNull();
  });
});
