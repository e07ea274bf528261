import type { App, SlashCommand } from '@slack/bolt';
import { adrListText, docsText, HELP_TEXT, historyText, NO_DISCUSSION_TEXT } from '../texts.js';
import { acceptQuestion, type ListenerDeps } from './intake.js';

export const COMMAND = '/fastapi';

/** What a subcommand answers privately, at once, in the ack. */
type Subcommand = (command: SlashCommand, argument: string, deps: ListenerDeps) => string | Promise<string>;

const SUBCOMMANDS: Record<string, Subcommand> = {
  help: () => HELP_TEXT,
  history: async (command, _argument, deps) =>
    historyText(await deps.phrService.recent(command.channel_id, 10)),
  adrs: async (_command, _argument, deps) =>
    adrListText(await deps.adrService.list(), deps.adrService.indexUrl()),
  adr: proposeAdr,
  usage: (command, _argument, deps) => deps.usageReport(command.team_id),
  docs: (_command, _argument, deps) => docsText(deps.docs.status(), deps.docs.current()?.meta ?? null),
};

/**
 * `/fastapi question`: acked at once; the worker posts a root message and answers in its thread.
 * `/fastapi help|history|adrs|usage|docs|adr <title>` answer privately without asking Claude.
 */
export function registerCommand(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, async ({ command, ack }) => {
    const text = (command.text ?? '').trim();
    const [first = '', ...rest] = text.split(/\s+/);
    const word = first.toLowerCase();
    // A bare keyword is a subcommand; "help me with pagination" is a question. Only `adr` takes an argument.
    const subcommand =
      text === '' ? SUBCOMMANDS.help : rest.length === 0 || word === 'adr' ? SUBCOMMANDS[word] : undefined;
    if (subcommand) {
      await ack({ response_type: 'ephemeral', text: await subcommand(command, rest.join(' '), deps) });
      return;
    }
    const acceptance = await acceptQuestion(deps, null, {
      source: 'command',
      teamId: command.team_id,
      channelId: command.channel_id,
      messageKey: `cmd:${command.trigger_id}`,
      threadTs: null,
      userId: command.user_id,
      text,
      responseUrl: command.response_url,
    });
    await ack(
      acceptance.accepted || !acceptance.refusal
        ? undefined
        : { response_type: 'ephemeral', text: acceptance.refusal },
    );
  });
}

/**
 * `/fastapi adr <title>`: a person proposes an ADR for the current discussion. Slash commands cannot
 * be used inside threads, so "current" is the channel's thread with the newest turn.
 */
async function proposeAdr(command: SlashCommand, argument: string, deps: ListenerDeps): Promise<string> {
  const title = argument.replace(/\s+/g, ' ').trim().slice(0, 120);
  if (!title) return 'Give the decision a title: `/fastapi adr Use PostgreSQL for job queues`.';
  const threadTs = await deps.store.latestThread(command.channel_id);
  if (!threadTs) return NO_DISCUSSION_TEXT;
  deps.tasks.run('propose ADR', async () => {
    const phr = await deps.phrService.latestInThread(command.channel_id, threadTs);
    await deps.adrFlow.offer(
      { title, brief: 'Proposed for the discussion in this thread.' },
      {
        teamId: command.team_id,
        channelId: command.channel_id,
        threadTs,
        phrPublicId: phr?.publicId ?? null,
      },
      command.user_id,
    );
  });
  return 'I put an ADR card for it in the latest discussion thread of this channel.';
}
