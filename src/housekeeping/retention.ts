import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FeedbackStore } from '../feedback/store.js';
import type { InboxStore } from '../inbox/store.js';
import type { Logger } from '../log.js';
import type { PhrStore } from '../phr/store.js';
import { confinedPath } from '../records/confine.js';
import type { ConversationStore } from '../store/conversation-store.js';

/** Where PHR files live under DATA_DIR (history/prompts/<route>/…): retention deletes nothing elsewhere. */
const PROMPTS_DIR = join('history', 'prompts');

export interface RetentionOptions {
  days: number;
  conversations: ConversationStore;
  inbox: InboxStore;
  phrStore: PhrStore;
  /** Votes and their comments on answers. */
  feedback?: Pick<FeedbackStore, 'deleteBefore'>;
  dataDir: string;
  /**
   * Set when replicas share the database (PostgreSQL): DATA_DIR/history/ is this replica's mirror, and
   * the rows may have been deleted by another replica, so PHR files older than the limit (by mtime)
   * are deleted too, not only those of the rows this replica deleted.
   */
  mirror?: boolean;
  logger: Logger;
  now?: () => Date;
}

/**
 * RETENTION_DAYS: thread turns, closed questions, PHRs (rows and files) and feedback votes and
 * comments older than the limit are deleted. ADRs are decisions, not conversation, and are kept.
 */
export function createRetention(options: RetentionOptions): { run(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  return {
    async run() {
      if (options.days <= 0) return;
      const before = new Date(now().getTime() - options.days * 24 * 60 * 60 * 1000);
      const turns = await options.conversations.deleteTurnsBefore(before);
      const questions = await options.inbox.deleteClosedBefore(before);
      const files = await options.phrStore.deletePhrsBefore(before);
      for (const file of files) removeStored(options, file);
      const mirrorFiles = options.mirror ? removeOldMirrorFiles(options, before) : 0;
      const votes = (await options.feedback?.deleteBefore(before)) ?? 0;
      options.logger.info('retention applied', {
        before: before.toISOString(),
        turns,
        questions,
        phrs: files.length,
        ...(options.mirror ? { mirrorFiles } : {}),
        votes,
      });
    },
  };
}

/** Deletes a deleted row's file; a stored path outside DATA_DIR/history/prompts/ is refused. */
function removeStored(options: RetentionOptions, stored: string): void {
  const path = confinedPath(options.dataDir, PROMPTS_DIR, stored);
  if (path === undefined) {
    options.logger.warn('PHR file not deleted: stored path is outside history/prompts', { path: stored });
    return;
  }
  rmSync(path, { force: true });
}

/** Deletes this replica's PHR files last changed before `before`; returns how many. Symlinks are not followed. */
function removeOldMirrorFiles(options: RetentionOptions, before: Date): number {
  const root = join(options.dataDir, PROMPTS_DIR);
  let removed = 0;
  const visit = (folder: string) => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(folder, name);
      try {
        const stat = lstatSync(path);
        if (stat.isDirectory()) visit(path);
        else if (stat.isFile() && name.endsWith('.md') && stat.mtime < before) {
          rmSync(path, { force: true });
          removed += 1;
        }
      } catch (error) {
        options.logger.warn('PHR file not deleted', { path: relative(options.dataDir, path), error });
      }
    }
  };
  visit(root);
  return removed;
}
