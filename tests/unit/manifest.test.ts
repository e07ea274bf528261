import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

  it('requests exactly the bot scopes the bot uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'app_mentions:read',
        'channels:history',
        'groups:history',
        'im:history',
        'chat:write',
        'commands',
        'reactions:write',
        'assistant:write',
        'users:read',
        'usergroups:read',
        // conversations.members for the Home tab's ADRs (public, private channels).
        'channels:read',
        'groups:read',
      ].sort(),
    );
  });

  it('subscribes to mentions and messages in channels, private channels and DMs', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      ['app_mention', 'message.channels', 'message.groups', 'message.im', 'app_home_opened'].sort(),
    );
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
