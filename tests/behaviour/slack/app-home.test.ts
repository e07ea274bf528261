import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../helpers/bot-harness.js';
import { docsEntries } from '../../helpers/docs-archive.js';
import type { FakeMessage } from '../../helpers/fake-slack.js';
import { appMentionEnvelope, blockActionsPayload, nextTs } from '../../helpers/slack-requests.js';
import { tarGz } from '../../helpers/tar.js';
import { tempDir } from '../../helpers/temp.js';

const SUGGESTION =
  '📋 Architectural decision detected: Use PostgreSQL as the job queue — Document reasoning and tradeoffs? Run `/sp.adr use-postgres-job-queue`';
const DRAFT = [
  '## Context',
  'Jobs are lost on restart.',
  '## Decision',
  'Use a PostgreSQL table with SKIP LOCKED as the job queue.',
  '## Consequences',
  '### Positive',
  '- One database',
  '### Negative',
  '- Polling load',
  '## Alternatives Considered',
  '- **Redis + RQ**: another service',
].join('\n');

/** Ann is in #alpha, Bob in #beta, Cat in both. */
const ANN = 'U0001';
const BOB = 'U0002';
const CAT = 'U0003';
const ALPHA = 'C0001';
const BETA = 'C0002';

async function harness(env: Record<string, string> = {}): Promise<Harness> {
  const h = await startHarness({ env });
  for (const [id, name] of [
    [ANN, 'ann'],
    [BOB, 'bob'],
    [CAT, 'cat'],
  ] as const)
    h.slack.users.set(id, { name });
  h.slack.channelMembers.set(ALPHA, ['UBOT', ANN, CAT]);
  h.slack.channelMembers.set(BETA, ['UBOT', BOB, CAT]);
  return h;
}

/** Asks a question as `user` in `channel`; resolves with the thread's PHR line once it is posted. */
async function ask(h: Harness, user: string, channel: string, text: string, answer: string) {
  h.anthropic.enqueue({ kind: 'text', text: answer });
  const thread = nextTs();
  await h.event(appMentionEnvelope({ text: `<@UBOT> ${text}`, user, channel, ts: thread }));
  const line = await h.slack.waitFor(
    () => h.slack.messages(channel, thread).find((m) => m.text.startsWith('PHR-')),
    { what: `PHR line for ${user}` },
  );
  return { thread, phr: JSON.stringify(line) };
}

function buttonValue(message: FakeMessage | undefined, actionId: string): string {
  for (const block of (message?.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]) {
    const button = block.elements?.find((element) => element.action_id === actionId);
    if (button?.value) return button.value;
  }
  throw new Error(`no ${actionId} button in ${JSON.stringify(message?.blocks)}`);
}

const hasButton = (m: FakeMessage, id: string) => JSON.stringify(m.blocks ?? []).includes(id);

/** Bob asks in #beta, the answer suggests an ADR, Bob documents it: a Proposed ADR in #beta. */
async function proposedAdrInBeta(h: Harness) {
  const asked = await ask(h, BOB, BETA, 'Where should jobs live?', `Use Postgres.\n\n${SUGGESTION}`);
  const card = await h.slack.waitFor(
    () => h.slack.messages(BETA, asked.thread).find((m) => hasButton(m, 'adr_document')),
    { what: 'suggestion card' },
  );
  h.anthropic.enqueue({ kind: 'text', text: DRAFT });
  await h.action(
    blockActionsPayload({
      action_id: 'adr_document',
      value: buttonValue(card, 'adr_document'),
      user: BOB,
      channel: BETA,
      message_ts: card.ts,
      thread_ts: asked.thread,
    }),
  );
  const proposed = await h.slack.waitFor(
    () => h.slack.messages(BETA, asked.thread).find((m) => m.ts === card.ts && hasButton(m, 'adr_accept')),
    { what: 'card with Accept/Reject' },
  );
  return { ...asked, card: proposed, adrId: buttonValue(proposed, 'adr_accept') };
}

/** Opens the Home tab as `user` and resolves with the view published by that open. */
async function openHome(h: Harness, user: string, tab: 'home' | 'messages' = 'home') {
  const before = h.slack.callsTo('views.publish').length;
  const response = await h.event({
    type: 'event_callback',
    team_id: 'T0001',
    api_app_id: 'A0FAKE',
    event_id: `Ev${nextTs().replace('.', '')}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user, channel: `D${user}`, tab, event_ts: nextTs() },
  });
  expect(response.status).toBe(200);
  if (tab === 'messages') return undefined;
  await h.slack.waitFor(() => h.slack.callsTo('views.publish').length > before, { what: `Home of ${user}` });
  return homeOf(h, user);
}

function homeOf(h: Harness, user: string) {
  const view = h.slack.homeViews.get(user);
  if (!view) throw new Error(`no Home published for ${user}`);
  return { view, text: JSON.stringify(view.blocks) };
}

describe('App Home', () => {
  it('shows each person only their own questions, with their PHR links, from every channel they asked in', async () => {
    const h = await harness();
    const ann = await ask(h, ANN, ALPHA, 'How do I paginate in FastAPI?', 'Use limit and offset.');
    const bob = await ask(h, BOB, BETA, 'Secret plan for billing webhooks?', 'Verify signatures.');
    const annAgain = await ask(h, ANN, BETA, 'Which ASGI server in production?', 'Uvicorn behind gunicorn.');

    const annHome = await openHome(h, ANN);
    expect(annHome?.view.type).toBe('home');
    const annText = annHome?.text ?? '';
    expect(annText).toMatch(/paginate/i);
    expect(annText).toMatch(/ASGI server/i);
    expect(annText).toContain(`<#${ALPHA}>`);
    expect(annText).not.toMatch(/billing|webhooks/i);
    // The links are the signed record links of Ann's own PHRs, and only those.
    const links = (text: string) => [...text.matchAll(/records\/phr\/[^|]+/g)].map((m) => m[0]);
    const linkOf = (line: string) => links(line)[0];
    expect(linkOf(ann.phr)).toMatch(/\?sig=/);
    expect(links(annText).sort()).toEqual([linkOf(ann.phr), linkOf(annAgain.phr)].sort());

    const bobText = (await openHome(h, BOB))?.text ?? '';
    expect(bobText).toMatch(/billing webhooks/i);
    expect(bobText).not.toMatch(/paginate|ASGI/i);
    expect(links(bobText)).toEqual([linkOf(bob.phr)]);

    // Someone who asked nothing sees nobody's questions.
    const catText = (await openHome(h, CAT))?.text ?? '';
    expect(links(catText)).toEqual([]);
    expect(catText).toContain('You have not asked me anything yet');
  });

  it('shows a pending ADR with its buttons only to members of its channel, and Accept from Home decides it', async () => {
    const h = await harness();
    const adr = await proposedAdrInBeta(h);

    // Ann may decide (no ADR_APPROVERS) but is not in #beta: she sees no ADR at all.
    const ann = await openHome(h, ANN);
    expect(ann?.text).toContain('ADRs waiting for your decision');
    expect(ann?.text).not.toContain('ADR-0001');
    expect(ann?.text).not.toContain('adr_accept');
    expect(ann?.text).toContain('Nothing is waiting for your decision');

    // Cat is in #beta: the ADR with the card's own Accept/Reject buttons.
    const cat = await openHome(h, CAT);
    expect(cat?.text).toContain('ADR-0001');
    expect(cat?.text).toContain(`<#${BETA}>`);
    expect(buttonValue({ blocks: cat?.view.blocks } as FakeMessage, 'adr_accept')).toBe(adr.adrId);
    expect(buttonValue({ blocks: cat?.view.blocks } as FakeMessage, 'adr_reject')).toBe(adr.adrId);
    // Bob's question is not Cat's, even though she can see its ADR.
    expect(cat?.text).not.toContain('records/phr/');

    const publishes = h.slack.callsTo('views.publish').length;
    const payload = blockActionsPayload({
      action_id: 'adr_accept',
      value: adr.adrId,
      user: CAT,
      message_ts: '0',
    });
    delete payload.channel;
    delete payload.message;
    payload.container = { type: 'view', view_id: `V${CAT}` };
    payload.view = { id: `V${CAT}`, type: 'home', blocks: cat?.view.blocks };
    expect((await h.action(payload)).status).toBe(200);

    // The card in the thread is decided, as a click there would have done it, and Cat's Home refreshed.
    await h.slack.waitFor(
      () =>
        h.slack
          .messages(BETA, adr.thread)
          .find((m) => m.ts === adr.card.ts && JSON.stringify(m.blocks).includes(`accepted by <@${CAT}>`)),
      { what: 'card decided' },
    );
    await h.slack.waitFor(() => h.slack.callsTo('views.publish').length > publishes, {
      what: 'Home refreshed',
    });
    const refreshed = homeOf(h, CAT).text;
    expect(refreshed).not.toContain('adr_accept');
    expect(refreshed).toContain('Nothing is waiting for your decision');
    expect(h.slack.callsTo('chat.postEphemeral')).toHaveLength(0);

    // A second click (say, a stale Home) goes through the same conditional UPDATE: nothing changes.
    await h.action({ ...payload, user: { id: BOB, username: 'bob', name: 'bob', team_id: 'T0001' } });
    await h.slack.waitFor(() => h.slack.homeViews.has(BOB), { what: 'Bob Home after stale click' });
    expect(
      h.slack.callsTo('chat.update').filter((c) => JSON.stringify(c.args).includes('accepted by')),
    ).toHaveLength(1);
  });

  it('shows no ADRs to someone who may not decide them, even in the ADR channel', async () => {
    const h = await harness({ ADR_APPROVERS: BOB });
    await proposedAdrInBeta(h);

    const cat = await openHome(h, CAT);
    expect(cat?.text).not.toContain('ADRs waiting for your decision');
    expect(cat?.text).not.toContain('ADR-0001');
    expect(cat?.text).not.toContain('adr_accept');

    const bob = await openHome(h, BOB);
    expect(bob?.text).toContain('ADR-0001');
    expect(bob?.text).toContain('adr_accept');
  });

  it('fails closed when channel membership cannot be read', async () => {
    const h = await harness();
    await proposedAdrInBeta(h);
    h.slack.failNext('conversations.members', { error: 'missing_scope' });
    const cat = await openHome(h, CAT);
    expect(cat?.text).not.toContain('ADR-0001');
  });

  it('ignores the Messages tab', async () => {
    const h = await harness();
    await openHome(h, ANN, 'messages');
    await h.waitForLog('event ignored');
    expect(h.slack.callsTo('views.publish')).toHaveLength(0);
  });

  it('says which FastAPI docs release answers come from, or that there is none', async () => {
    const none = await harness();
    expect((await openHome(none, ANN))?.text).toContain('No FastAPI docs index is available');

    const archive = join(tempDir(), 'fastapi-9.9.9.tar.gz');
    writeFileSync(archive, tarGz(docsEntries()));
    const h = await harness({ FASTAPI_DOCS_SOURCE: archive });
    await h.waitForLog('docs sync finished');
    expect((await openHome(h, ANN))?.text).toMatch(
      /FastAPI docs \*9\.9\.9\* \(\d+ pages, indexed \d{4}-\d{2}-\d{2}\)/,
    );
  });
});
