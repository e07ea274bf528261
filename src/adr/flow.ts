import type { WebClient } from '@slack/web-api';
import type { BackgroundTasks } from '../background.js';
import type { Logger } from '../log.js';
import { postEphemeral } from '../slack/ephemeral.js';
import { callSlack, slackReason } from '../slack/errors.js';
import type { UserNames } from '../slack/user-names.js';
import type { ApproverCheck } from './approvers.js';
import {
  type AdrCard,
  cardText,
  decidedBlocks,
  dismissedBlocks,
  draftingBlocks,
  proposedBlocks,
  suggestionBlocks,
} from './cards.js';
import type { AdrRef, AdrService, SuggestionRefusal } from './service.js';
import type { Suggestion } from './store.js';
import type { AdrSuggestion } from './suggestion.js';

export interface AdrFlowDeps {
  client: WebClient;
  service: AdrService;
  isApprover: ApproverCheck;
  userNames: UserNames;
  tasks: BackgroundTasks;
  logger: Logger;
  onEvent?: (event: 'suggested' | 'documented' | 'dismissed' | 'accepted' | 'rejected') => void;
}

export interface Click {
  /** The suggestion's or ADR's public id, from the button value. */
  id: string;
  userId: string;
  channelId: string;
  threadTs: string | undefined;
}

/** Slack side of the ADR lifecycle: cards in the thread, the buttons' effects, the private refusals. */
export function createAdrFlow(deps: AdrFlowDeps) {
  const { client, service } = deps;

  const updateCard = async (
    channel: string,
    ts: string | null,
    blocks: ReturnType<typeof suggestionBlocks>,
    text: string,
  ) => {
    if (!ts) return;
    try {
      await callSlack('chat.update', () => client.chat.update({ channel, ts, blocks, text }));
    } catch (error) {
      deps.logger.warn('ADR card not updated', { channel, ts, slack_error: slackReason(error) });
    }
  };

  // A click from the App Home tab has no channel to whisper in; the refreshed Home shows the outcome.
  const tell = async (click: Click, text: string) => {
    if (click.channelId) await postEphemeral(client, deps.logger, click, text);
  };

  const refusalText = (refusal: SuggestionRefusal): string => {
    switch (refusal.reason) {
      case 'unknown':
        return 'I do not know this decision any more; it may come from an older installation.';
      case 'drafting':
        return `<@${refusal.suggestion.actedBy}> already asked me to document this decision; the ADR is being drafted.`;
      case 'dismissed':
        return `<@${refusal.suggestion.actedBy}> dismissed this decision, so no ADR will be written for it.`;
      case 'documented':
        return refusal.adr
          ? `This decision is already documented as <${refusal.adr.url}|${refusal.adr.label}>.`
          : 'This decision is already documented.';
    }
  };

  const cardOf = (adr: AdrRef): AdrCard => ({
    label: adr.label,
    title: adr.title,
    url: adr.url,
    publicId: adr.publicId,
    proposedBy: adr.proposedBy,
  });

  return {
    /** Shows a card for a suggestion (detected in an answer, or proposed with `/fastapi adr`). */
    async offer(
      detected: AdrSuggestion,
      where: { teamId: string; channelId: string; threadTs: string; phrPublicId: string | null },
      suggestedBy: string | null,
    ): Promise<Suggestion> {
      const suggestion = await service.suggest({
        source: suggestedBy ? 'command' : 'detected',
        teamId: where.teamId,
        channelId: where.channelId,
        threadTs: where.threadTs,
        phrPublicId: where.phrPublicId,
        brief: detected.brief,
        title: detected.title,
        suggestedBy,
      });
      const note = suggestedBy ? `Proposed by <@${suggestedBy}>.` : undefined;
      const posted = await callSlack('chat.postMessage', () =>
        client.chat.postMessage({
          channel: where.channelId,
          thread_ts: where.threadTs,
          text: cardText(detected.title, 'suggested'),
          blocks: suggestionBlocks(suggestion, note),
          unfurl_links: false,
        }),
      );
      if (posted.ts) await service.attachCard(suggestion.publicId, posted.ts);
      deps.onEvent?.('suggested');
      return suggestion;
    },

    /** Document ADR: one click wins; the draft happens after the ack, in the background. */
    async document(click: Click): Promise<void> {
      const claimed = await service.claimForDrafting(click.id, click.userId);
      if (!claimed.ok) return tell(click, refusalText(claimed));
      const suggestion = claimed.suggestion;
      await updateCard(
        suggestion.channelId,
        suggestion.cardTs,
        draftingBlocks(suggestion, click.userId),
        cardText(suggestion.title, 'drafting'),
      );
      deps.tasks.run('draft ADR', async () => {
        const userName = await deps.userNames(click.userId);
        // The record reads fine without the link to its thread.
        const permalink = await callSlack('chat.getPermalink', () =>
          client.chat.getPermalink({ channel: suggestion.channelId, message_ts: suggestion.threadTs }),
        ).then(
          (r) => r.permalink ?? null,
          () => null,
        );
        const result = await service.draft(suggestion, { userId: click.userId, userName, permalink });
        if (result.ok) {
          deps.onEvent?.('documented');
          await updateCard(
            suggestion.channelId,
            suggestion.cardTs,
            proposedBlocks(cardOf(result.adr)),
            cardText(suggestion.title, 'proposed'),
          );
          return;
        }
        await updateCard(
          suggestion.channelId,
          suggestion.cardTs,
          suggestionBlocks(
            suggestion,
            ':warning: The last attempt to draft this ADR failed; you can try again.',
          ),
          cardText(suggestion.title, 'suggested'),
        );
        await tell(
          click,
          result.kind === 'unusable_draft'
            ? 'Claude did not return a usable draft, so no ADR was written; click *Document ADR* to try again.'
            : 'I could not reach Claude to draft the ADR, so nothing was written; click *Document ADR* again in a few minutes.',
        );
      });
    },

    async dismiss(click: Click): Promise<void> {
      const result = await service.dismiss(click.id, click.userId);
      if (!result.ok) return tell(click, refusalText(result));
      const suggestion = result.suggestion;
      deps.onEvent?.('dismissed');
      await updateCard(
        suggestion.channelId,
        suggestion.cardTs,
        dismissedBlocks(suggestion, click.userId),
        cardText(suggestion.title, 'dismissed'),
      );
    },

    /** Accept / Reject: only approvers; a decided ADR stays decided. */
    async decide(click: Click, status: 'Accepted' | 'Rejected'): Promise<void> {
      const verb = status === 'Accepted' ? 'accept' : 'reject';
      if (!(await deps.isApprover(click.userId))) {
        return tell(click, `Only approvers can ${verb} ADRs here; nothing changed.`);
      }
      const result = await service.decide(click.id, status, click.userId, await deps.userNames(click.userId));
      if (!result.ok) {
        return tell(
          click,
          result.reason === 'unknown'
            ? 'I do not know this ADR any more.'
            : `<${result.adr.url}|${result.adr.label}> is already ${result.adr.status.toLowerCase()}; nothing changed.`,
        );
      }
      deps.onEvent?.(status === 'Accepted' ? 'accepted' : 'rejected');
      await updateCard(
        result.adr.channelId,
        result.adr.cardTs,
        decidedBlocks(cardOf(result.adr), status, click.userId, result.date),
        cardText(result.adr.title, status.toLowerCase()),
      );
    },

    /** Cards left showing "Drafting…" by a stop get their buttons back. */
    async restoreInterrupted(before: Date): Promise<void> {
      for (const suggestion of await service.recoverDrafting(before)) {
        await updateCard(
          suggestion.channelId,
          suggestion.cardTs,
          suggestionBlocks(suggestion, 'Drafting was interrupted by a restart; you can try again.'),
          cardText(suggestion.title, 'suggested'),
        );
      }
    },
  };
}

export type AdrFlow = ReturnType<typeof createAdrFlow>;
