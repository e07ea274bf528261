import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FeedbackStore } from '../feedback/store.js';
import type { InboxStore } from '../inbox/store.js';
import type { Logger } from '../log.js';
import type { PhrStore } from '../phr/store.js';
import type { ConversationStore } from '../store/conversation-store.js';

export interface RetentionOptions {
  days: number;
  conversations: ConversationStore;
  inbox: InboxStore;
  phrStore: PhrStore;
  /** Votes and their comments on answers. */
  feedback?: Pick<FeedbackStore, 'deleteBefore'>;
  dataDir: string;
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
      for (const file of files) rmSync(join(options.dataDir, file), { force: true });
      const votes = (await options.feedback?.deleteBefore(before)) ?? 0;
      options.logger.info('retention applied', {
        before: before.toISOString(),
        turns,
        questions,
        phrs: files.length,
        votes,
      });
    },
  };
}
