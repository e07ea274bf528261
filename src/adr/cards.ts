import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;

import { neutraliseMentions } from '../slack/markdown/mentions.js';
import { escapeMrkdwn } from '../slack/markdown/mrkdwn.js';

/** Action ids of the ADR buttons, defined once for the cards and the listeners. */
export const ADR_ACTIONS = {
  document: 'adr_document',
  dismiss: 'adr_dismiss',
  accept: 'adr_accept',
  reject: 'adr_reject',
} as const;

/** Model- or user-written text shown in a card: inert (no links, no mentions) and within Slack's limits. */
function inert(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return neutraliseMentions(escapeMrkdwn(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat));
}

export interface SuggestionCard {
  publicId: string;
  brief: string;
  title: string;
}

/** The fallback `text` of a card: what notifications and screen readers get. */
export function cardText(title: string, state: string): string {
  return `ADR: ${title.replace(/\s+/g, ' ').slice(0, 150)} (${state})`;
}

function decisionSection(card: SuggestionCard, heading: string): KnownBlock {
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `${heading}\n*${inert(card.title, 200)}*\n${inert(card.brief, 2_000)}`,
    },
  };
}

/** A suggestion waiting for a human: Document or Dismiss. The buttons carry only the suggestion's id. */
export function suggestionBlocks(card: SuggestionCard, note?: string): KnownBlock[] {
  return [
    decisionSection(card, ':clipboard: *Architectural decision detected*'),
    ...(note ? [context(note)] : []),
    {
      type: 'actions',
      block_id: `adr_suggestion:${card.publicId}`,
      elements: [
        {
          type: 'button',
          action_id: ADR_ACTIONS.document,
          style: 'primary',
          text: { type: 'plain_text', text: 'Document ADR' },
          value: card.publicId,
        },
        {
          type: 'button',
          action_id: ADR_ACTIONS.dismiss,
          text: { type: 'plain_text', text: 'Dismiss' },
          value: card.publicId,
        },
      ],
    },
  ];
}

export function draftingBlocks(card: SuggestionCard, userId: string): KnownBlock[] {
  return [
    decisionSection(card, ':clipboard: *Architectural decision detected*'),
    context(`:hourglass_flowing_sand: Drafting the ADR from this thread, as <@${userId}> asked…`),
  ];
}

export function dismissedBlocks(card: SuggestionCard, userId: string): KnownBlock[] {
  return [
    decisionSection(card, ':clipboard: *Architectural decision*'),
    context(`Dismissed by <@${userId}>: no ADR was written.`),
  ];
}

export interface AdrCard {
  label: string;
  title: string;
  url: string;
  publicId: string;
  proposedBy: string;
}

function adrSection(adr: AdrCard, line: string): KnownBlock {
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `:page_facing_up: *<${adr.url}|${escapeMrkdwn(adr.label)}: ${inert(adr.title, 200)}>*\n${line}`,
    },
  };
}

/** A written ADR, Proposed: approvers may Accept or Reject it. */
export function proposedBlocks(adr: AdrCard): KnownBlock[] {
  return [
    adrSection(adr, `${escapeMrkdwn(adr.label)} proposed by <@${adr.proposedBy}> · status *Proposed*`),
    {
      type: 'actions',
      block_id: `adr_decision:${adr.publicId}`,
      elements: [
        {
          type: 'button',
          action_id: ADR_ACTIONS.accept,
          style: 'primary',
          text: { type: 'plain_text', text: 'Accept' },
          value: adr.publicId,
        },
        {
          type: 'button',
          action_id: ADR_ACTIONS.reject,
          style: 'danger',
          text: { type: 'plain_text', text: 'Reject' },
          value: adr.publicId,
        },
      ],
    },
  ];
}

export function decidedBlocks(
  adr: AdrCard,
  status: 'Accepted' | 'Rejected',
  userId: string,
  date: string,
): KnownBlock[] {
  const icon = status === 'Accepted' ? ':white_check_mark:' : ':no_entry_sign:';
  return [
    adrSection(
      adr,
      `${escapeMrkdwn(adr.label)} proposed by <@${adr.proposedBy}> · ${icon} ${status.toLowerCase()} by <@${userId}> on ${date}`,
    ),
  ];
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}
