// docker-compose.yml, read as Compose reads it (YAML merge keys), and the README's commands for it.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Service {
  profiles?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  volumes?: string[];
}

const compose = parse(readFileSync(resolve(repo, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const { bot, postgres, 'bot-a': botA, 'bot-b': botB } = compose.services;

describe('docker-compose.yml', () => {
  it('keeps the SQLite bot on its volume even when .env sets DATABASE_URL for the replicas', () => {
    expect(bot?.profiles).toBeUndefined();
    expect(bot?.env_file).toBe('.env');
    expect(bot?.environment).toMatchObject({
      DATABASE_URL: '',
      DATABASE_PATH: '/data/bot.db',
      DATA_DIR: '/data',
    });
    // What the container sees: .env, then `environment` on top of it.
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      ANTHROPIC_API_KEY: 'sk-ant-1',
      DATABASE_URL: 'postgres://bot:pw@postgres:5432/bot',
      ...bot?.environment,
    };
    expect(loadConfig(env).databaseUrl).toBeUndefined();
  });

  it('puts PostgreSQL and its replicas behind the postgres profile, each replica on its own volume', () => {
    for (const service of [postgres, botA, botB]) expect(service?.profiles).toEqual(['postgres']);
    for (const replica of [botA, botB]) expect(replica?.environment?.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(botA?.volumes).not.toEqual(botB?.volumes);
  });

  it('is started with the services named wherever a PostgreSQL start is shown', () => {
    const texts = ['README.md', 'docker-compose.yml'].map((file) =>
      readFileSync(resolve(repo, file), 'utf8'),
    );
    const starts = texts.flatMap(
      (text) => text.match(/docker compose --profile postgres up -d[^\n`]*/g) ?? [],
    );
    const commands = starts.filter((line) => !line.endsWith('up -d'));
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(command).toMatch(/up -d postgres bot-a bot-b\b/);
  });
});
