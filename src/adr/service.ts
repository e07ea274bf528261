import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Claude, ClaudeFailure } from '../claude/claude.js';
import { ClaudeError } from '../claude/claude.js';
import type { Logger } from '../log.js';
import { setPhrAdrLink } from '../phr/file.js';
import { padId, phrLabel } from '../phr/phr.js';
import type { PhrStore } from '../phr/store.js';
import {
  ADR_INDEX_ID,
  type AdrIndexEntry,
  type RecordDocument,
  type RecordPlacement,
} from '../records/documents.js';
import { newPublicId, recordUrl } from '../records/links.js';
import { updateMirror } from '../records/mirror.js';
import { FolderNumbers, type Numbering, nextNumber, writeNumberedFile } from '../records/numbered-files.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { ADR_DIR, ADR_DIR_FILE, adrFileName } from './adr.js';
import { adrDraftRequest } from './draft.js';
import { AdrDraftError, parseAdrDraft } from './draft-parse.js';
import { readAdr, setAdrStatus } from './file.js';
import { renderAdr } from './render.js';
import type { Adr, AdrStore, NewSuggestion, Suggestion } from './store.js';

export interface AdrRef {
  number: number;
  /** `ADR-0003` */
  label: string;
  title: string;
  status: string;
  url: string;
  publicId: string;
  /** Slack user id of who asked for it to be documented. */
  proposedBy: string;
  date: string;
  /** Where its card is, so a decision can update it. */
  channelId: string;
  cardTs: string | null;
}

export type SuggestionRefusal =
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'drafting' | 'dismissed'; suggestion: Suggestion }
  | { ok: false; reason: 'documented'; suggestion: Suggestion; adr: AdrRef | undefined };

export type DecisionResult =
  | { ok: true; adr: AdrRef; date: string }
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'decided'; adr: AdrRef };

export interface AdrServiceOptions extends RecordPlacement {
  adrs: AdrStore;
  phrStore: PhrStore;
  conversations: ConversationStore;
  claude: Claude;
  model: string;
  logger: Logger;
  now?: () => Date;
  /** `database` on PostgreSQL (the database numbers ADRs, files mirror it); default `files`. */
  numbering?: Numbering;
}

/**
 * The ADR lifecycle, Slack-free: suggestion (no file) → a human documents it (Claude drafts, the file
 * is written as Proposed) → an approver accepts or rejects it. Nothing the model writes can move a
 * suggestion: every transition is a call made for a person's click.
 */
export function createAdrService(options: AdrServiceOptions) {
  const now = options.now ?? (() => new Date());
  const folder = join(options.dataDir, ADR_DIR);
  const numbers = new FolderNumbers();
  const numbering = options.numbering ?? 'files';
  const ref = (adr: Adr): AdrRef => ({
    number: adr.number,
    label: `ADR-${padId(adr.number)}`,
    title: adr.title,
    status: adr.status,
    url: recordUrl(options.publicBaseUrl, options.linkSecret, 'adr', adr.publicId),
    publicId: adr.publicId,
    proposedBy: adr.proposedBy,
    date: adr.createdAt.slice(0, 10),
    channelId: adr.channelId,
    cardTs: adr.cardTs,
  });
  const refusal = async (suggestion: Suggestion | undefined): Promise<SuggestionRefusal> => {
    if (!suggestion) return { ok: false, reason: 'unknown' };
    if (suggestion.state === 'documented') {
      const adr =
        suggestion.adrNumber === null ? undefined : await options.adrs.adrByNumber(suggestion.adrNumber);
      return { ok: false, reason: 'documented', suggestion, adr: adr && ref(adr) };
    }
    return { ok: false, reason: suggestion.state === 'dismissed' ? 'dismissed' : 'drafting', suggestion };
  };

  return {
    async suggest(input: Omit<NewSuggestion, 'publicId'>): Promise<Suggestion> {
      const publicId = newPublicId();
      await options.adrs.insertSuggestion({ ...input, publicId });
      return (await options.adrs.suggestion(publicId)) as Suggestion;
    },

    async attachCard(publicId: string, cardTs: string): Promise<void> {
      await options.adrs.setCard(publicId, cardTs);
    },

    /** The one click that may draft: of concurrent or repeated clicks, exactly one gets `ok`. */
    async claimForDrafting(
      publicId: string,
      userId: string,
    ): Promise<{ ok: true; suggestion: Suggestion } | SuggestionRefusal> {
      if (await options.adrs.move(publicId, 'pending', 'drafting', userId)) {
        return { ok: true, suggestion: (await options.adrs.suggestion(publicId)) as Suggestion };
      }
      return refusal(await options.adrs.suggestion(publicId));
    },

    async dismiss(
      publicId: string,
      userId: string,
    ): Promise<{ ok: true; suggestion: Suggestion } | SuggestionRefusal> {
      if (await options.adrs.move(publicId, 'pending', 'dismissed', userId)) {
        return { ok: true, suggestion: (await options.adrs.suggestion(publicId)) as Suggestion };
      }
      return refusal(await options.adrs.suggestion(publicId));
    },

    /**
     * Drafts the ADR with Claude from the thread and writes it as Proposed. On failure the suggestion
     * goes back to pending, so the button can be clicked again later.
     */
    async draft(
      suggestion: Suggestion,
      input: { userId: string; userName: string; permalink: string | null },
    ): Promise<
      { ok: true; adr: AdrRef } | { ok: false; kind: ClaudeFailure | 'unusable_draft' | 'internal' }
    > {
      const log = options.logger.child({ suggestion: suggestion.publicId, channel: suggestion.channelId });
      try {
        const turns = await options.conversations.turns({
          channelId: suggestion.channelId,
          threadTs: suggestion.threadTs,
        });
        const transcript = turns.map((turn) => ({
          who:
            turn.role === 'assistant'
              ? 'FastAPI architect (assistant)'
              : (turn.userName ?? turn.userId ?? 'someone'),
          text: turn.text,
        }));
        const request = adrDraftRequest({ title: suggestion.title, brief: suggestion.brief, transcript });
        const reply = await options.claude.complete({
          model: options.model,
          system: [request.system],
          messages: [{ role: 'user', content: request.user }],
          maxTokens: 4096,
        });
        const draft = parseAdrDraft(reply.text);
        const phr = suggestion.phrPublicId ? await options.phrStore.phr(suggestion.phrPublicId) : undefined;
        const date = now().toISOString();
        const adr = await options.adrs.insertNumbered(suggestion.publicId, (maxStored) => {
          const first = nextNumber(numbering, maxStored, folder, numbers);
          const record = (number: number) => ({
            fileName: adrFileName(number, suggestion.title),
            text: renderAdr({
              number,
              title: suggestion.title,
              status: 'Proposed',
              date: date.slice(0, 10),
              feature: options.featureChannels.get(suggestion.channelId)?.feature ?? null,
              draft,
              references: {
                threadPermalink: input.permalink,
                phr: phr
                  ? {
                      label: phrLabel(phr.number, phr.route),
                      url: recordUrl(options.publicBaseUrl, options.linkSecret, 'phr', phr.publicId),
                    }
                  : null,
              },
              proposedBy: input.userName,
            }),
          });
          let file: { number: number; fileName: string; text: string } = { number: first, ...record(first) };
          let filePath: string | null = null;
          try {
            file = writeNumberedFile(numbering, folder, first, record, numbers);
            filePath = join(ADR_DIR, file.fileName);
            const marker = join(options.dataDir, ADR_DIR_FILE);
            if (!existsSync(marker)) writeFileSync(marker, `${ADR_DIR}\n`, { mode: 0o600 });
          } catch (error) {
            log.error('ADR file not written', { number: first, error });
          }
          const stored: Adr = {
            number: file.number,
            publicId: newPublicId(),
            suggestionId: suggestion.id,
            title: suggestion.title,
            status: 'Proposed',
            filePath,
            markdown: file.text,
            channelId: suggestion.channelId,
            threadTs: suggestion.threadTs,
            cardTs: suggestion.cardTs,
            proposedBy: input.userId,
            createdAt: date,
            decidedBy: null,
            decidedAt: null,
          };
          return stored;
        });
        if (phr && adr.filePath)
          await linkPhrToAdr(phr.publicId, phr.filePath, phr.markdown, adr.filePath, log);
        log.info('ADR written', { adr: adr.number, path: adr.filePath });
        return { ok: true, adr: ref(adr) };
      } catch (error) {
        await options.adrs.move(suggestion.publicId, 'drafting', 'pending', null);
        const kind =
          error instanceof ClaudeError
            ? error.kind
            : error instanceof AdrDraftError
              ? 'unusable_draft'
              : 'internal';
        log.warn('ADR not drafted', { kind, error });
        return { ok: false, kind };
      }
    },

    /** Accept or reject a Proposed ADR: the file's status line, the page and the record change together. */
    async decide(
      publicId: string,
      status: 'Accepted' | 'Rejected',
      userId: string,
      userName: string,
    ): Promise<DecisionResult> {
      const adr = await options.adrs.adr(publicId);
      if (!adr) return { ok: false, reason: 'unknown' };
      const date = now().toISOString().slice(0, 10);
      if (!(await options.adrs.decide(publicId, status, userId)))
        return { ok: false, reason: 'decided', adr: ref((await options.adrs.adr(publicId)) as Adr) };
      const note = `${status.toLowerCase()} by ${userName} on ${date}`;
      const markdown = setAdrStatus(adr.markdown, status, note);
      await options.adrs.setMarkdown(publicId, markdown);
      if (adr.filePath) {
        try {
          updateMirror(options.dataDir, adr.filePath, (text) => setAdrStatus(text, status, note), markdown);
        } catch (error) {
          options.logger.error('ADR file status not updated', { adr: adr.number, error });
        }
      }
      return { ok: true, adr: ref((await options.adrs.adr(publicId)) as Adr), date };
    },

    /** At start-up: drafts interrupted by a stop go back to pending, to be clicked again. */
    /** Drafts abandoned since before `before` go back to pending, so their Document button works again. */
    async recoverDrafting(before: Date): Promise<Suggestion[]> {
      const stuck = await options.adrs.drafting(before);
      for (const suggestion of stuck)
        await options.adrs.move(suggestion.publicId, 'drafting', 'pending', null);
      return stuck.map((suggestion) => ({ ...suggestion, state: 'pending' }));
    },

    /** Proposed ADRs (waiting for an approver), newest first. */
    async proposed(limit: number): Promise<AdrRef[]> {
      return (await options.adrs.proposed(limit)).map(ref);
    },

    async list(): Promise<AdrRef[]> {
      return (await options.adrs.allAdrs()).map(ref);
    },

    indexUrl(): string {
      return recordUrl(options.publicBaseUrl, options.linkSecret, 'adrs', ADR_INDEX_ID);
    },

    async indexEntries(): Promise<AdrIndexEntry[]> {
      return (await options.adrs.allAdrs()).map((adr) => ({
        number: padId(adr.number),
        title: adr.title,
        status: adr.status,
        date: adr.createdAt.slice(0, 10),
        id: adr.publicId,
      }));
    },

    async document(publicId: string): Promise<RecordDocument | undefined> {
      const adr = await options.adrs.adr(publicId);
      if (!adr) return undefined;
      const fileName = adrFileName(adr.number, adr.title);
      const read = readAdr(adr.markdown, fileName);
      return { title: `ADR-${padId(read.number)}: ${read.title}`, markdown: adr.markdown, fileName };
    },
  };

  /** The PHR whose answer suggested the decision now links to its ADR (`links.adr`), in file and database. */
  async function linkPhrToAdr(
    phrId: string,
    phrPath: string | null,
    markdown: string,
    adrPath: string,
    log: Logger,
  ): Promise<void> {
    try {
      const linked = setPhrAdrLink(markdown, adrPath);
      await options.phrStore.updatePhrMarkdown(phrId, linked);
      if (phrPath) updateMirror(options.dataDir, phrPath, (text) => setPhrAdrLink(text, adrPath), linked);
    } catch (error) {
      log.warn('PHR not linked to its ADR', { error });
    }
  }
}

export type AdrService = ReturnType<typeof createAdrService>;
