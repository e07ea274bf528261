import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import type { FakeMessage } from '../../helpers/fake-slack.js';
import {
  appMentionEnvelope,
  blockActionsPayload,
  nextTs,
  slashCommandFields,
} from '../../helpers/slack-requests.js';

type H = Awaited<ReturnType<typeof startHarness>>;

const DRAFT = [
  '## Context',
  'Jobs are lost when the API restarts; the team already runs PostgreSQL.',
  '## Decision',
  'Use a PostgreSQL table with SKIP LOCKED as the job queue.',
  '## Consequences',
  '### Positive',
  '- One database to operate',
  '### Negative',
  '- Polling load on the primary',
  '## Alternatives Considered',
  '- **Redis + RQ**: fast, but another service to run',
  '- **Celery + RabbitMQ**: mature, heavy for our size',
].join('\n');

const SUGGESTION =
  '📋 Architectural decision detected: Use PostgreSQL as the job queue — Document reasoning and tradeoffs? Run `/sp.adr use-postgres-job-queue`';

const VARIANTS: [string, string, { title: RegExp; brief: RegExp }][] = [
  [
    'the exact prompt form',
    SUGGESTION,
    { title: /^Use postgres job queue$/i, brief: /Use PostgreSQL as the job queue/ },
  ],
  [
    'no emoji, a plain dash and a bracketed title',
    'Architectural decision detected: Adopt Redis streams for events - Document reasoning and tradeoffs? Run `/sp.adr [Adopt Redis streams]`',
    { title: /^Adopt Redis streams$/, brief: /Adopt Redis streams for events/ },
  ],
  [
    'the two-line form',
    '📋 Architectural decision detected: Split reads to a replica\nDocument reasoning and tradeoffs? Run `/sp.adr read-replica-split`',
    { title: /^Read replica split$/i, brief: /Split reads to a replica/ },
  ],
  [
    'the older /adr form',
    'Architecture decisions identified. Move auth into a gateway. Run /adr auth-gateway',
    { title: /^Auth gateway$/i, brief: /Move auth into a gateway/ },
  ],
];

function card(h: H, thread: string): FakeMessage | undefined {
  return h.slack
    .messages('C0001', thread)
    .find(
      (m) =>
        JSON.stringify(m.blocks ?? []).includes('adr_document') ||
        JSON.stringify(m.blocks ?? []).includes('ADR-'),
    );
}

function buttonValue(message: FakeMessage | undefined, actionId: string): string {
  for (const block of (message?.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]) {
    const button = block.elements?.find((element) => element.action_id === actionId);
    if (button?.value) return button.value;
  }
  throw new Error(`no ${actionId} button in ${JSON.stringify(message?.blocks)}`);
}

/** Asks a question whose answer carries the suggestion; resolves when the card is in the thread. */
async function answerWithSuggestion(h: H, suggestion = SUGGESTION) {
  h.anthropic.enqueue({ kind: 'text', text: ['Use a Postgres table with SKIP LOCKED.\n\n', suggestion] });
  const thread = nextTs();
  await h.event(appMentionEnvelope({ text: '<@UBOT> Where should background jobs live?', ts: thread }));
  const message = await h.slack.waitFor(() => card(h, thread), { what: 'ADR card' });
  return { thread, card: message, id: buttonValue(message, 'adr_document') };
}

function click(
  h: H,
  actionId: string,
  value: string,
  where: { thread: string; card: FakeMessage },
  user = 'U0001',
) {
  return h.action(
    blockActionsPayload({
      action_id: actionId,
      value,
      user,
      message_ts: where.card.ts,
      thread_ts: where.thread,
    }),
  );
}

const adrFolder = (h: H) => join(h.env.DATA_DIR as string, 'history', 'adr');
const adrFiles = (h: H) => (existsSync(adrFolder(h)) ? readdirSync(adrFolder(h)).sort() : []);
const ephemerals = (h: H, user: string) => h.slack.messages('C0001').filter((m) => m.ephemeralFor === user);

async function documented(h: H, where: { thread: string }) {
  return h.slack.waitFor(
    () => {
      const current = card(h, where.thread);
      return current && JSON.stringify(current.blocks).includes('adr_accept') ? current : undefined;
    },
    { what: 'card with Accept/Reject' },
  );
}

describe('ADR suggestions become cards', () => {
  it.each(VARIANTS)(
    'shows a card for %s, and the raw instruction never reaches Slack',
    async (_name, line, expected) => {
      const h = await startHarness();
      const { thread, card: shown } = await answerWithSuggestion(h, line);
      const section = JSON.stringify(shown.blocks);
      const title =
        /\*([^*\\]+)\*\\n/.exec(section.split('Architectural decision detected*\\n')[1] ?? '')?.[1] ?? '';
      expect(title).toMatch(expected.title);
      expect(section).toMatch(expected.brief);
      const streamed = h.slack
        .messages('C0001', thread)
        .map((m) => m.text)
        .join('\n');
      expect(streamed).not.toMatch(/\/sp\.adr|\/adr\b/);
      expect(
        h.slack
          .callsTo('chat.appendStream')
          .map((c) => String(c.args.markdown_text))
          .join(''),
      ).not.toContain('/sp.adr');
    },
  );

  it('shows no card when the answer suggests nothing', async () => {
    const h = await startHarness();
    h.anthropic.enqueue({
      kind: 'text',
      text: 'Use `Depends` for the session. No architecture changes needed.',
    });
    const thread = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> plain question', ts: thread }));
    await h.slack.waitFor(() => h.slack.messages('C0001', thread).some((m) => m.text.startsWith('PHR-')));
    expect(card(h, thread)).toBeUndefined();
  });
});

describe('documenting an ADR', () => {
  it('drafts with Claude, writes the numbered file as Proposed with its references, and links it', async () => {
    const h = await startHarness();
    const where = await answerWithSuggestion(h);
    h.anthropic.enqueue({ kind: 'text', text: DRAFT });
    expect((await click(h, 'adr_document', where.id, where)).status).toBe(200);
    const updated = await documented(h, where);

    const [file] = adrFiles(h);
    expect(file).toMatch(/^0001-use-postgres-job-queue\.md$/i);
    const text = readFileSync(join(adrFolder(h), file as string), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# ADR-0001: Use postgres job queue$/i);
    expect(text).toMatch(/^- \*\*Status:\*\* Proposed$/m);
    expect(text).toMatch(/^- \*\*Date:\*\* \d{4}-\d{2}-\d{2}$/m);
    expect(text).toContain('## Decision');
    expect(text).toContain('SKIP LOCKED');
    expect(text).toContain('### Negative');
    expect(text).toContain('Redis + RQ');
    expect(text).toContain('https://fake.slack.test/archives/C0001/');
    expect(text).toContain('PHR-0001 (general)');
    expect(readFileSync(join(h.env.DATA_DIR as string, '.adr-dir'), 'utf8')).toBe('history/adr\n');

    // The suggesting PHR now links to its ADR.
    const [phr] = readdirSync(join(h.env.DATA_DIR as string, 'history', 'prompts', 'general'));
    const phrText = readFileSync(
      join(h.env.DATA_DIR as string, 'history', 'prompts', 'general', phr as string),
      'utf8',
    );
    expect(phrText).toMatch(/^ {2}adr: "?history\/adr\/0001-use-postgres-job-queue\.md"?$/im);

    // The card says who proposed it and links to a page that serves the ADR.
    const blocks = JSON.stringify(updated.blocks);
    expect(blocks).toContain('ADR-0001 proposed by <@U0001>');
    const url = /<(http[^|>]+)\|ADR-0001/.exec(blocks)?.[1]?.replace('http://localhost:0', h.url) ?? '';
    const page = await fetch(url.replaceAll('\\u0026', '&'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('SKIP LOCKED');

    // The draft request quoted the thread for Claude.
    const draftRequest = h.anthropic.requests[1]?.body;
    expect(draftRequest?.stream).toBeFalsy();
    expect(JSON.stringify(draftRequest?.messages)).toContain('Where should background jobs live?');
  });

  it('writes exactly one ADR for a double click, a second clicker and a redelivered action', async () => {
    const h = await startHarness();
    const where = await answerWithSuggestion(h);
    h.anthropic.enqueue({ kind: 'text', text: DRAFT, tokenDelayMs: 0 });
    const results = await Promise.all([
      click(h, 'adr_document', where.id, where, 'U0001'),
      click(h, 'adr_document', where.id, where, 'U0001'),
      click(h, 'adr_document', where.id, where, 'U0002'),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await documented(h, where);
    // A late click and a redelivery after it was written.
    await click(h, 'adr_document', where.id, where, 'U0003');
    await h.slack.waitFor(() => ephemerals(h, 'U0003')[0], { what: 'late clicker told' });
    expect(ephemerals(h, 'U0003')[0]?.text).toContain('already documented as');
    expect(ephemerals(h, 'U0003')[0]?.text).toContain('ADR-0001');
    expect(adrFiles(h)).toHaveLength(1);
    expect(h.anthropic.requests.filter((r) => r.body.stream !== true)).toHaveLength(1);
  });

  it('dismisses without a file or a model call', async () => {
    const h = await startHarness();
    const where = await answerWithSuggestion(h);
    await click(h, 'adr_dismiss', where.id, where, 'U0002');
    const dismissed = await h.slack.waitFor(() => {
      const current =
        card(h, where.thread) ?? h.slack.messages('C0001', where.thread).find((m) => m.ts === where.card.ts);
      return current && JSON.stringify(current.blocks).includes('Dismissed by <@U0002>')
        ? current
        : undefined;
    });
    expect(JSON.stringify(dismissed.blocks)).not.toContain('adr_document');
    await click(h, 'adr_document', where.id, where, 'U0001');
    await h.slack.waitFor(() => ephemerals(h, 'U0001')[0]);
    expect(ephemerals(h, 'U0001')[0]?.text).toContain('dismissed');
    expect(adrFiles(h)).toHaveLength(0);
    expect(h.anthropic.requests).toHaveLength(1);
  });

  it('keeps the suggestion pending when drafting fails, tells the user, and succeeds on a retry', async () => {
    const h = await startHarness();
    const where = await answerWithSuggestion(h);
    h.anthropic.enqueue({ kind: 'error', status: 529, type: 'overloaded_error' });
    await click(h, 'adr_document', where.id, where);
    const told = await h.slack.waitFor(() => ephemerals(h, 'U0001')[0], { what: 'failure told' });
    expect(told.text).toMatch(/could not reach Claude/);
    await h.slack.waitFor(
      () => {
        const current = h.slack.messages('C0001', where.thread).find((m) => m.ts === where.card.ts);
        return (
          current &&
          JSON.stringify(current.blocks).includes('try again') &&
          JSON.stringify(current.blocks).includes('adr_document')
        );
      },
      { what: 'buttons back' },
    );
    expect(adrFiles(h)).toHaveLength(0);

    h.anthropic.enqueue({ kind: 'text', text: DRAFT });
    await click(h, 'adr_document', where.id, where);
    await documented(h, where);
    expect(adrFiles(h)).toHaveLength(1);
  });
});

describe('buttons it does not know', () => {
  it('acknowledges them at once and changes nothing', async () => {
    const h = await startHarness();
    const res = await h.action(
      blockActionsPayload({ action_id: 'legacy_button', value: 'x', message_ts: nextTs() }),
    );
    expect(res.status).toBe(200);
    expect(h.logs.some((l) => l.msg === 'event ignored' && l.reason === 'unknown_action')).toBe(true);
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  });
});

describe('accepting and rejecting', () => {
  async function proposed(h: H) {
    const where = await answerWithSuggestion(h);
    h.anthropic.enqueue({ kind: 'text', text: DRAFT });
    await click(h, 'adr_document', where.id, where);
    const shown = await documented(h, where);
    return { ...where, adrId: buttonValue(shown, 'adr_accept') };
  }

  it('refuses non-approvers when ADR_APPROVERS is set and lets an approver accept', async () => {
    const h = await startHarness({ env: { ADR_APPROVERS: 'U0LEAD' } });
    const where = await proposed(h);
    await click(h, 'adr_accept', where.adrId, where, 'U0001');
    const refused = await h.slack.waitFor(() =>
      ephemerals(h, 'U0001').find((m) => m.text.includes('Only approvers')),
    );
    expect(refused.text).toContain('Only approvers can accept ADRs');
    const file = join(adrFolder(h), adrFiles(h)[0] as string);
    expect(readFileSync(file, 'utf8')).toMatch(/^- \*\*Status:\*\* Proposed$/m);

    await click(h, 'adr_accept', where.adrId, where, 'U0LEAD');
    const accepted = await h.slack.waitFor(() => {
      const current = h.slack.messages('C0001', where.thread).find((m) => m.ts === where.card.ts);
      return current && JSON.stringify(current.blocks).includes('accepted by <@U0LEAD>')
        ? current
        : undefined;
    });
    expect(JSON.stringify(accepted.blocks)).toContain(new Date().toISOString().slice(0, 10));
    expect(JSON.stringify(accepted.blocks)).not.toContain('adr_accept');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^- \*\*Status:\*\* Accepted$/m);
    expect(text.match(/\*\*Status:\*\*/g)).toHaveLength(1);
    const url =
      /<(http[^|>]+)\|ADR-0001/
        .exec(JSON.stringify(accepted.blocks))?.[1]
        ?.replace('http://localhost:0', h.url) ?? '';
    expect(await (await fetch(url.replaceAll('\\u0026', '&'))).text()).toContain('Accepted');

    // Decided stays decided.
    await click(h, 'adr_reject', where.adrId, where, 'U0LEAD');
    await h.slack.waitFor(() => ephemerals(h, 'U0LEAD').find((m) => m.text.includes('already accepted')));
    expect(readFileSync(file, 'utf8')).toMatch(/^- \*\*Status:\*\* Accepted$/m);
  });

  it('treats members of an approver user group as approvers', async () => {
    const h = await startHarness({ env: { ADR_APPROVERS: 'S0ARCH' } });
    h.slack.userGroups.set('S0ARCH', new Set(['U0002']));
    const where = await proposed(h);
    await click(h, 'adr_reject', where.adrId, where, 'U0002');
    await h.slack.waitFor(() => {
      const current = h.slack.messages('C0001', where.thread).find((m) => m.ts === where.card.ts);
      return current && JSON.stringify(current.blocks).includes('rejected by <@U0002>');
    });
    expect(readFileSync(join(adrFolder(h), adrFiles(h)[0] as string), 'utf8')).toMatch(
      /^- \*\*Status:\*\* Rejected$/m,
    );
  });
});

describe('/fastapi adr and /fastapi adrs', () => {
  it('lets a person propose an ADR for the latest discussion, and lists ADRs with their status', async () => {
    const h = await startHarness();
    h.anthropic.enqueue({ kind: 'text', text: 'Plain answer.' });
    const thread = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> Should we version the API in the URL?', ts: thread }));
    await h.slack.waitFor(() => h.slack.messages('C0001', thread).some((m) => m.text.startsWith('PHR-')));

    const res = await h.command(
      slashCommandFields({
        text: 'adr Version the API in the URL path',
        response_url: h.slack.responseUrl('a'),
      }),
    );
    expect(JSON.parse(res.body).text).toContain('latest discussion thread');
    const shown = await h.slack.waitFor(() => card(h, thread), { what: 'proposed card' });
    expect(JSON.stringify(shown.blocks)).toContain('Version the API in the URL path');
    expect(JSON.stringify(shown.blocks)).toContain('Proposed by <@U0001>');

    h.anthropic.enqueue({ kind: 'text', text: DRAFT });
    await click(h, 'adr_document', buttonValue(shown, 'adr_document'), { thread, card: shown });
    await documented(h, { thread });

    const list = await h.command(
      slashCommandFields({ text: 'adrs', response_url: h.slack.responseUrl('b') }),
    );
    const body = JSON.parse(list.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('ADR-0001');
    expect(body.text).toContain('*Proposed*');
    const index =
      /<(http[^|>]+)\|Open the ADR log>/.exec(body.text)?.[1]?.replace('http://localhost:0', h.url) ?? '';
    const page = await fetch(index);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Version the API in the URL path');
  });

  it('explains when there is no discussion to attach the ADR to', async () => {
    const h = await startHarness();
    const res = await h.command(
      slashCommandFields({ text: 'adr Use gRPC', response_url: h.slack.responseUrl('c') }),
    );
    expect(JSON.parse(res.body).text).toMatch(/no discussion with me in this channel/i);
  });
});
