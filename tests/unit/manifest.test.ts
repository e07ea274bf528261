import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Manifest {
  _metadata: { major_version: number };
  display_information: {
    name: string;
    description: string;
    long_description: string;
    background_color: string;
  };
  features: {
    bot_user: { display_name: string; always_online: boolean };
    app_home: {
      home_tab_enabled: boolean;
      messages_tab_enabled: boolean;
      messages_tab_read_only_enabled: boolean;
    };
    assistant_view?: {
      assistant_description: string;
      suggested_prompts?: { title: string; message: string }[];
    };
    slash_commands: { command: string; description: string; usage_hint: string; should_escape: boolean }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[] };
    interactivity: { is_enabled: boolean };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

const manifest = parse(readFileSync(resolve(repo, 'manifest.yml'), 'utf8')) as Manifest;

/**
 * The bot scope each Web API method the bot calls needs (https://docs.slack.dev/reference/methods).
 * `null`: no scope. A method missing here fails the test, so a new call makes someone look its scope up.
 */
const METHOD_SCOPES: Record<string, string[] | null> = {
  'auth.test': null,
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.startStream': ['chat:write'],
  'chat.appendStream': ['chat:write'],
  'chat.stopStream': ['chat:write'],
  'chat.getPermalink': null,
  // Threads in public and private channels, DMs and group DMs.
  'conversations.replies': ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
  'users.info': ['users:read'],
  'usergroups.users.list': ['usergroups:read'],
  // Slack accepts chat:write for the status too (docs/platform-facts.md).
  'assistant.threads.setStatus': ['chat:write'],
  'assistant.threads.setSuggestedPrompts': ['assistant:write'],
  'assistant.threads.setTitle': ['assistant:write'],
  // The Home tab: publishing needs no scope; reading who is in a channel does (public, private).
  'views.publish': null,
  'views.open': null,
  'conversations.members': ['channels:read', 'groups:read'],
};

/** The scope each subscribed event needs. */
const EVENT_SCOPES: Record<string, string | null> = {
  app_mention: 'app_mentions:read',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  'message.im': 'im:history',
  'message.mpim': 'mpim:history',
  assistant_thread_started: 'assistant:write',
  assistant_thread_context_changed: 'assistant:write',
  app_home_opened: null,
};

/** Files under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * Every Slack Web API method the code calls: `client.family.method(` and `callSlack('family.method'`.
 * `src/claude/` is the Anthropic SDK's door (its `client.messages.stream(` is not Slack's).
 */
function slackMethodsCalled(): Set<string> {
  const methods = new Set<string>();
  const src = resolve(repo, 'src');
  for (const file of filesUnder(src)) {
    if (!file.endsWith('.ts') || file.startsWith(join(src, 'claude'))) continue;
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/\bclient\.((?:[a-z]+\.)+[a-zA-Z]+)\(/g))
      methods.add(match[1] as string);
    for (const match of code.matchAll(/\bcallSlack\(\s*'([a-zA-Z.]+)'/g)) methods.add(match[1] as string);
  }
  return methods;
}

describe('manifest.yml', () => {
  it('uses manifest schema version 2', () => {
    expect(manifest._metadata.major_version).toBe(2);
  });

  it('has display information Slack accepts', () => {
    const info = manifest.display_information;
    expect(info.name).toBe('FastAPI Architect');
    expect(info.description.length).toBeGreaterThan(0);
    // Slack refuses a manifest whose long_description is shorter than this.
    expect(info.long_description.length).toBeGreaterThanOrEqual(175);
    expect(info.long_description.length).toBeLessThanOrEqual(4000);
    expect(info.background_color).toMatch(/^#[0-9a-fA-F]{6}$/);
  });

  it('has an always-online bot user with a display name Slack allows', () => {
    expect(manifest.features.bot_user.always_online).toBe(true);
    expect(manifest.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
  });

  it('lets people send the bot direct messages', () => {
    expect(manifest.features.app_home).toMatchObject({
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
  });

  it('enables the Home tab and keeps the Messages tab for DMs', () => {
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
  });

  it('knows the scope of every Slack method the code calls', () => {
    const methods = slackMethodsCalled();
    // The scan finds the calls (a broken pattern would find nothing and prove nothing).
    expect(methods).toContain('chat.startStream');
    expect(methods).toContain('assistant.threads.setTitle');
    expect([...methods].filter((method) => !(method in METHOD_SCOPES))).toEqual([]);
  });

  it('requests exactly the bot scopes its method calls, events and slash command need', () => {
    const needed = new Set<string>();
    for (const method of slackMethodsCalled())
      for (const scope of METHOD_SCOPES[method] ?? []) needed.add(scope);
    for (const event of manifest.settings.event_subscriptions.bot_events) {
      const scope = EVENT_SCOPES[event];
      expect(scope, `the scope of the ${event} event`).toBeDefined();
      if (scope) needed.add(scope);
    }
    if (manifest.features.slash_commands.length > 0) needed.add('commands');
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('subscribes to mentions, messages in channels, private channels, DMs and group DMs, the assistant panel and App Home', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      [
        'app_mention',
        'message.channels',
        'message.groups',
        'message.im',
        'message.mpim',
        'assistant_thread_started',
        'assistant_thread_context_changed',
        'app_home_opened',
      ].sort(),
    );
  });

  it('declares the assistant panel with a description and suggested prompts', () => {
    const view = manifest.features.assistant_view;
    expect(view?.assistant_description.length).toBeGreaterThan(0);
    expect(view?.suggested_prompts?.length).toBeGreaterThanOrEqual(3);
    for (const prompt of view?.suggested_prompts ?? []) {
      expect(prompt.title.length).toBeGreaterThan(0);
      expect(prompt.message.length).toBeGreaterThan(0);
    }
  });

  it('declares the /fastapi command without escaping', () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: '/fastapi', usage_hint: '[question] | help', should_escape: false }),
    ]);
    expect(manifest.features.slash_commands[0]?.description.length).toBeGreaterThan(0);
  });

  it('enables interactivity for buttons and Socket Mode as the default run mode', () => {
    expect(manifest.settings).toMatchObject({
      interactivity: { is_enabled: true },
      socket_mode_enabled: true,
      org_deploy_enabled: false,
      token_rotation_enabled: false,
    });
  });
});
