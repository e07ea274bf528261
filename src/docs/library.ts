import { existsSync } from 'node:fs';
import type { Logger } from '../log.js';
import { type DocsIndex, type IndexMeta, openDocsIndex } from './search.js';
import { type DocsConfig, isStale } from './settings.js';
import { describeSync, type SyncOptions, syncDocs } from './sync.js';

export type DocsStatus = 'ready' | 'syncing' | 'unavailable';

export interface DocsLibrary {
  /** The index to answer from now, or null while there is none (answers then go without docs). */
  current(): { index: DocsIndex; meta: IndexMeta } | null;
  status(): DocsStatus;
  /** Opens the index on disk, and syncs in the background when there is none or it is due. */
  start(): void;
  /**
   * Stops the refresh timer and closes the index. A sync in progress is not waited for: a download may
   * take minutes, far longer than a shutdown's grace period.
   */
  stop(): Promise<void>;
}

const CHECK_EVERY_MS = 60 * 60 * 1000;

/**
 * The docs index the bot answers from, kept fresh. A sync builds a new file and renames it into place,
 * so the index open until then keeps serving; after a sync the new file is opened and the old closed.
 */
export function createDocsLibrary(options: {
  config: DocsConfig;
  logger: Logger;
  /** Overrides for tests: the HTTP client, the clock. */
  sync?: Partial<Pick<SyncOptions, 'fetch' | 'releasesApi' | 'now'>>;
}): DocsLibrary {
  const { config, logger } = options;
  let open: { index: DocsIndex; meta: IndexMeta } | null = null;
  let syncing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const reopen = () => {
    if (!existsSync(config.indexPath)) return;
    const index = openDocsIndex(config.indexPath);
    const previous = open;
    open = { index, meta: index.meta() };
    previous?.index.close();
  };

  const sync = (why: string) => {
    if (syncing) return;
    logger.info('docs sync started', { reason: why, index: config.indexPath });
    syncing = syncDocs({ config, ...options.sync })
      .then((summary) => {
        // A sync that outlived the bot still leaves its index on disk for the next start.
        if (!stopped) reopen();
        logger.info('docs sync finished', { summary: describeSync(summary) });
      })
      .catch((error: unknown) => {
        // Answers go on without docs (or with the previous index); the next check tries again.
        logger.warn('docs sync failed', { error });
      })
      .finally(() => {
        syncing = null;
      });
  };

  const check = () => {
    if (!open) sync('no index');
    else if (isStale(open.meta.syncedAt, config, options.sync?.now?.())) sync('index due for refresh');
  };

  return {
    current: () => open,
    status: () => (syncing ? 'syncing' : open ? 'ready' : 'unavailable'),
    start() {
      try {
        reopen();
      } catch (error) {
        logger.warn('docs index could not be opened; syncing a new one', { error });
      }
      check();
      if (config.refreshHours > 0 || !open) {
        timer = setInterval(check, CHECK_EVERY_MS);
        timer.unref();
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      open?.index.close();
      open = null;
    },
  };
}
