import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Usage } from '../claude/claude.js';
import type { Logger } from '../log.js';
import type { RecordDocument, RecordPlacement } from '../records/documents.js';
import { newPublicId, recordUrl } from '../records/links.js';
import { FolderNumbers, type Numbering, nextNumber, writeNumberedFile } from '../records/numbered-files.js';
import { REDACTED } from '../security/redact.js';
import { parsePhr } from './file.js';
import { type PhrRecord, type PhrStage, phrFileName, phrLabel, phrRoute } from './phr.js';
import { renderPhr } from './render.js';
import type { NewPhrRow, PhrRow, PhrStore } from './store.js';
import { phrTitle } from './title.js';
import { topicLabels } from './topics.js';

/** One answered question, as the surfaces (Slack, `npm run ask`) know it. */
export interface Exchange {
  /** The record's public id when the surface already showed it (feedback buttons); else a new one. */
  publicId?: string;
  surface: 'slack' | 'cli';
  /** How the question was asked: "@mention", "/fastapi", "thread reply", "direct message", "npm run ask". */
  command: string;
  userName: string;
  userId: string | null;
  teamId: string | null;
  channelId: string;
  threadTs: string;
  messageTs: string | null;
  permalink: string | null;
  prompt: string;
  response: string;
  model: string;
  usage: Usage;
  latencyMs: number;
  /** Estimated from the price table; 0 when the model has no known price. */
  costUsd: number;
  agentName: string;
  /** Things that went wrong but did not stop the answer (e.g. it hit the length limit). */
  failureModes: string[];
  /** Docs pages the answer cites. */
  sources?: { title: string; url: string }[];
}

export interface PhrRef {
  /** `PHR-0007 (general)`: numbers are per folder, so the route is always shown beside them. */
  label: string;
  url: string;
  title: string;
  /** Where the file was written, relative to DATA_DIR; null when only the database has it. */
  path: string | null;
  publicId: string;
  createdAt: string;
}

/** A PHR of one person's own question, with where it was asked. */
export interface AskedRef extends PhrRef {
  channelId: string;
}

export interface PhrServiceOptions extends RecordPlacement {
  phrStore: PhrStore;
  logger: Logger;
  now?: () => Date;
  onRecorded?: () => void;
  /**
   * `database` when replicas share a PostgreSQL database: it alone numbers PHRs and the files are its
   * mirror. Default `files` (SQLite): the folder's files count too and are never overwritten.
   */
  numbering?: Numbering;
}

export interface PhrService {
  /** Writes the PHR to the database and to its file. Never rejects: a failure is logged and yields null. */
  record(exchange: Exchange, log?: Logger): Promise<PhrRef | null>;
  /** The newest PHRs of a channel, newest first. */
  recent(channelId: string, limit: number): Promise<PhrRef[]>;
  /** The newest PHRs of the questions one person asked, newest first, across channels. */
  askedBy(userId: string, limit: number): Promise<AskedRef[]>;
  /** The newest PHR of a thread (the one an ADR proposed there refers to). */
  latestInThread(channelId: string, threadTs: string): Promise<PhrRef | undefined>;
  /** The page link for a stored PHR. */
  link(publicId: string): string;
  /** A stored PHR as its page shows it; undefined for an unknown id. */
  document(publicId: string): Promise<RecordDocument | undefined>;
}

export const PROMPTS_DIR = join('history', 'prompts');

/**
 * Prompt History Records in the Spec-Kit Plus layout (`history/prompts/<route>/NNNN-slug.<stage>.prompt.md`).
 * Numbering and the file write happen inside one database transaction (`PhrStore.insertNumbered`; the
 * write itself is synchronous), so two answers finishing together cannot take the same number. On SQLite
 * files are created exclusively (`wx`), so an existing file, whoever wrote it, is never overwritten: the
 * next number is taken instead. On PostgreSQL (`numbering: 'database'`) the database alone numbers PHRs
 * and the file, a mirror of the row, is written with exactly that number.
 */
export function createPhrService(options: PhrServiceOptions): PhrService {
  const now = options.now ?? (() => new Date());
  const numbers = new FolderNumbers();
  const numbering = options.numbering ?? 'files';
  const link = (publicId: string) => recordUrl(options.publicBaseUrl, options.linkSecret, 'phr', publicId);
  const refOf = (row: PhrRow): PhrRef => ({
    label: phrLabel(row.number, row.route),
    url: link(row.publicId),
    title: row.title,
    path: row.filePath,
    publicId: row.publicId,
    createdAt: row.createdAt,
  });

  return {
    async record(exchange, parentLog) {
      // A caller's logger already names the channel; a log line names each field once.
      const log = parentLog
        ? parentLog.child({ thread_ts: exchange.threadTs })
        : options.logger.child({ channel: exchange.channelId, thread_ts: exchange.threadTs });
      try {
        const binding = options.featureChannels.get(exchange.channelId);
        const stage = (binding?.stage ?? 'general') as PhrStage;
        const feature = binding?.feature ?? null;
        const route = phrRoute(stage, feature);
        // A redaction marker is not a topic.
        const title = phrTitle(exchange.prompt.replaceAll(REDACTED, ' '));
        const createdAt = now();
        const publicId = exchange.publicId ?? newPublicId();
        const base: Omit<PhrRecord, 'id'> = {
          title,
          stage,
          date: createdAt.toISOString().slice(0, 10),
          surface: exchange.surface,
          model: exchange.model,
          feature,
          branch: null,
          user: exchange.userName,
          command: exchange.command,
          labels: [exchange.surface, route, ...topicLabels(`${exchange.prompt}\n${exchange.response}`)],
          links: { spec: null, ticket: null, adr: null, pr: null },
          files: [],
          tests: [],
          ...(exchange.surface === 'slack'
            ? {
                slack: {
                  team: exchange.teamId ?? '',
                  channel: exchange.channelId,
                  threadTs: exchange.threadTs,
                  messageTs: exchange.messageTs,
                  permalink: exchange.permalink,
                },
              }
            : {}),
          usage: exchange.usage,
          latencyMs: exchange.latencyMs,
          prompt: exchange.prompt,
          response: exchange.response,
          ...(exchange.sources?.length ? { sources: exchange.sources } : {}),
          outcome: {
            impact: `Answered a question from ${exchange.userName} (${exchange.command}).`,
            tests: 'none',
            files: 'none',
            nextPrompts: 'Follow-up questions in the same thread.',
            reflection: 'none',
          },
          evaluation: {
            failureModes: exchange.failureModes.length ? exchange.failureModes.join('; ') : 'none observed',
            graders: 'none',
            promptVariant: `${exchange.agentName} agent prompt, model ${exchange.model}`,
            nextExperiment: 'none',
          },
        };
        const folder = join(options.dataDir, PROMPTS_DIR, route);

        const written = await options.phrStore.insertNumbered(route, (maxStored) => {
          const first = nextNumber(numbering, maxStored, folder, numbers);
          let number = first;
          let markdown = renderPhr({ ...base, id: number });
          let path: string | null = null;
          try {
            const file = writeNumberedFile(
              numbering,
              folder,
              first,
              (candidate) => ({
                fileName: phrFileName(candidate, title, stage),
                text: renderPhr({ ...base, id: candidate }),
              }),
              numbers,
            );
            ({ number, text: markdown } = file);
            path = join(PROMPTS_DIR, route, file.fileName);
          } catch (error) {
            // The record still goes to the database and its page works; only the file is missing.
            log.error('PHR file not written', { route, number, error });
          }
          const row: NewPhrRow = {
            publicId,
            route,
            number,
            stage,
            title,
            filePath: path,
            teamId: exchange.teamId,
            channelId: exchange.channelId,
            threadTs: exchange.threadTs,
            userId: exchange.userId,
            model: exchange.model,
            inputTokens: exchange.usage.inputTokens,
            outputTokens: exchange.usage.outputTokens,
            cacheReadTokens: exchange.usage.cacheReadTokens,
            cacheWriteTokens: exchange.usage.cacheWriteTokens,
            latencyMs: exchange.latencyMs,
            costUsd: exchange.costUsd,
            markdown,
            createdAt: createdAt.toISOString(),
          };
          return { row, result: { number, path } };
        });
        const ref: PhrRef = {
          label: phrLabel(written.number, route),
          url: link(publicId),
          title,
          path: written.path,
          publicId,
          createdAt: createdAt.toISOString(),
        };
        log.info('PHR recorded', { phr: ref.label, path: ref.path });
        options.onRecorded?.();
        return ref;
      } catch (error) {
        log.error('PHR not recorded', { error });
        return null;
      }
    },

    async recent(channelId, limit) {
      return (await options.phrStore.phrsForChannel(channelId, limit)).map(refOf);
    },

    async askedBy(userId, limit) {
      return (await options.phrStore.phrsOfUser(userId, limit)).map((row) => ({
        ...refOf(row),
        channelId: row.channelId,
      }));
    },

    async latestInThread(channelId, threadTs) {
      const row = await options.phrStore.latestPhrInThread(channelId, threadTs);
      return row && refOf(row);
    },

    link,

    async document(publicId) {
      const row = await options.phrStore.phr(publicId);
      if (!row) return undefined;
      const fileName = phrFileName(row.number, row.title, row.stage as PhrStage);
      return {
        title: `${phrLabel(row.number, row.route)}: ${row.title}`,
        markdown: row.markdown,
        fileName,
        frontMatter: parsePhr(row.markdown, fileName).frontMatter,
      };
    },
  };
}

/** A link secret for deployments that did not configure one: made once, kept in the database. */
export async function linkSecretFrom(phrStore: PhrStore, configured: string | undefined): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  return Buffer.from(
    await phrStore.settingOrInit('records_link_secret', randomBytes(32).toString('base64url')),
    'utf8',
  );
}
