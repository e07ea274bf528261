import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Agent,
  AgentFileError,
  AgentsError,
  loadAgents,
  selectAgent,
} from '../../../src/agents/load.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// The user's original seed, mojibake included (see tests/agents/agent-file.test.ts).
const seedPath = resolve(repo, 'tests/fixtures/agent-seed.md');

const VALID = '---\nname: helper\ndescription: Helps.\nmodel: sonnet\n---\n\nYou help.\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agents-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function loadError(): unknown {
  try {
    loadAgents(dir);
  } catch (error) {
    return error;
  }
  throw new Error('loadAgents did not throw');
}

describe('loadAgents on the real agents/ directory', () => {
  const agents = loadAgents(resolve(repo, 'agents'));
  const [agent] = agents;

  it('finds the FastAPI expert with its front matter', () => {
    expect(agents).toHaveLength(1);
    expect(agent).toMatchObject({ name: 'fastapi-backend-expert', model: 'sonnet', color: 'yellow' });
    expect(agent?.description).toMatch(/^Use this agent when you are building/);
    expect(agent?.file).toBe(resolve(repo, 'agents/fastapi-backend-expert.md'));
  });

  it('uses the body as the system prompt, starting at its first line', () => {
    expect(agent?.systemPrompt.startsWith('You are a Senior Backend Architect')).toBe(true);
  });

  it('keeps the body exactly as the repaired seed has it', () => {
    const seed = readFileSync(seedPath, 'utf8')
      .replace('\u00f0\u0178\u201c\u2039', '📋')
      .replace('\u00e2\u20ac\u201d', '—');
    const closing = '\n---\n\n';
    const body = seed.slice(seed.indexOf(closing, 3) + closing.length);
    expect(agent?.systemPrompt).toBe(body);
  });
});

describe('loadAgents', () => {
  it('reads every *.md in file name order and ignores other files', () => {
    write('b.md', VALID.replace('helper', 'bravo'));
    write('a.md', VALID.replace('helper', 'alpha'));
    write('notes.txt', 'not an agent');
    mkdirSync(join(dir, 'sub'));
    expect(loadAgents(dir).map((agent) => agent.name)).toEqual(['alpha', 'bravo']);
  });

  it('returns every field, without color when the file has none', () => {
    const file = write('helper.md', VALID);
    const expected: Agent = {
      name: 'helper',
      description: 'Helps.',
      model: 'sonnet',
      systemPrompt: 'You help.\n',
      file,
    };
    expect(loadAgents(dir)).toEqual([expected]);
    expect(loadAgents(dir)[0]).not.toHaveProperty('color');
  });

  it('keeps the body verbatim apart from the one newline after the front matter', () => {
    write(
      'helper.md',
      '---\nname: helper\ndescription: d\nmodel: opus\n---\n\n\n  indented\n\ntrailing  \n\n',
    );
    expect(loadAgents(dir)[0]?.systemPrompt).toBe('\n  indented\n\ntrailing  \n\n');
  });

  it('accepts a full model id', () => {
    write('helper.md', VALID.replace('model: sonnet', 'model: claude-opus-4-8'));
    expect(loadAgents(dir)[0]?.model).toBe('claude-opus-4-8');
  });

  it('refuses an empty directory, naming it', () => {
    write('README.txt', 'nothing here');
    expect(() => loadAgents(dir)).toThrow(AgentsError);
    expect(() => loadAgents(dir)).toThrow(`no agents found in ${dir}`);
  });

  it('refuses a directory that does not exist', () => {
    expect(() => loadAgents(join(dir, 'missing'))).toThrow(
      `cannot read the agents directory ${join(dir, 'missing')}`,
    );
  });

  it('refuses two agents with the same name, naming both files', () => {
    const first = write('a.md', VALID);
    const second = write('b.md', VALID);
    const error = loadError();
    expect(error).toBeInstanceOf(AgentFileError);
    expect(error).toMatchObject({ file: second, field: 'name' });
    expect((error as Error).message).toBe(
      `${second}: front matter field "name" repeats "helper", already used by ${first}`,
    );
  });
});

describe('loadAgents on a malformed agent file', () => {
  const cases: { title: string; text: string; field: string; problem: string }[] = [
    {
      title: 'a missing name',
      text: VALID.replace('name: helper\n', ''),
      field: 'name',
      problem: 'is missing',
    },
    {
      title: 'a missing description',
      text: VALID.replace('description: Helps.\n', ''),
      field: 'description',
      problem: 'is missing',
    },
    {
      title: 'a missing model',
      text: VALID.replace('model: sonnet\n', ''),
      field: 'model',
      problem: 'is missing',
    },
    {
      title: 'a null model',
      text: VALID.replace('model: sonnet', 'model:'),
      field: 'model',
      problem: 'is missing',
    },
    {
      title: 'a numeric name',
      text: VALID.replace('name: helper', 'name: 42'),
      field: 'name',
      problem: 'is not a string',
    },
    {
      title: 'a list as description',
      text: VALID.replace('description: Helps.', 'description: [a, b]'),
      field: 'description',
      problem: 'is not a string',
    },
    {
      title: 'an empty description',
      text: VALID.replace('description: Helps.', 'description: "  "'),
      field: 'description',
      problem: 'is empty',
    },
    {
      title: 'a non-string color',
      text: VALID.replace('model: sonnet', 'model: sonnet\ncolor: true'),
      field: 'color',
      problem: 'is not a string',
    },
    {
      title: 'a misspelt model',
      text: VALID.replace('model: sonnet', 'model: sonet'),
      field: 'model',
      problem: 'has unknown model "sonet": use one of the aliases sonnet, opus, haiku',
    },
  ];

  it.each(cases)('names the file and the field for $title', ({ text, field, problem }) => {
    const file = write('bad.md', text);
    const error = loadError();
    expect(error).toBeInstanceOf(AgentFileError);
    expect(error).toMatchObject({ file, field });
    expect((error as Error).message.startsWith(`${file}: front matter field "${field}" ${problem}`)).toBe(
      true,
    );
  });

  it('reports invalid YAML with the reason and the line in the file', () => {
    const file = write('bad.md', '---\nname: helper\ndescription: [unclosed\nmodel: sonnet\n---\nbody\n');
    const error = loadError();
    expect(error).toBeInstanceOf(AgentFileError);
    expect(error).toMatchObject({ file, field: undefined });
    expect((error as Error).message).toBe(
      `${file}: has invalid YAML: missed comma between flow collection entries (line 4)`,
    );
  });

  it('reports a file without front matter', () => {
    const file = write('bad.md', 'You help.\n');
    expect(() => loadAgents(dir)).toThrow(`${file}: has no front matter`);
  });

  it('reports front matter that is not a mapping', () => {
    const file = write('bad.md', '---\n- name\n- model\n---\nbody\n');
    expect(() => loadAgents(dir)).toThrow(`${file}: front matter is not a YAML mapping`);
  });
});

describe('selectAgent', () => {
  const agent = (name: string): Agent => ({
    name,
    description: 'd',
    model: 'sonnet',
    systemPrompt: 'p',
    file: `${name}.md`,
  });

  it('picks the agent with the given name', () => {
    expect(selectAgent([agent('a'), agent('b')], 'b').name).toBe('b');
  });

  it('picks the only agent when no name is given', () => {
    expect(selectAgent([agent('a')]).name).toBe('a');
    expect(selectAgent([agent('a')], '').name).toBe('a');
  });

  it('refuses an unknown name, listing the known ones', () => {
    expect(() => selectAgent([agent('a'), agent('b')], 'c')).toThrow(
      'no agent named "c"; known agents: a, b',
    );
  });

  it('refuses to guess among several agents, listing them', () => {
    expect(() => selectAgent([agent('a'), agent('b')])).toThrow(/\(a, b\): choose one by name/);
  });
});
