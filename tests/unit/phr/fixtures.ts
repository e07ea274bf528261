// Records, YAML readers and nasty strings shared by the PHR tests.

import matter from 'gray-matter';
import { expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { PhrRecord } from '../../../src/phr/phr.js';

export const TEMPLATE_KEYS = [
  'id',
  'title',
  'stage',
  'date',
  'surface',
  'model',
  'feature',
  'branch',
  'user',
  'command',
  'labels',
  'links',
  'files',
  'tests',
];

export function record(overrides: Partial<PhrRecord> = {}): PhrRecord {
  return {
    id: 7,
    title: 'Efficient Pagination Items Endpoint',
    stage: 'general',
    date: '2025-03-04',
    surface: 'slack',
    model: 'claude-sonnet-5-5',
    feature: null,
    branch: null,
    user: 'Ada Lovelace',
    command: '@mention',
    labels: ['pagination', 'api-design'],
    links: { spec: null, ticket: null, adr: null, pr: null },
    files: [],
    tests: [],
    prompt: 'How do I add efficient pagination to my `/items` endpoint?',
    response: 'Use keyset pagination.',
    outcome: {
      impact: 'Explained keyset pagination',
      tests: 'none',
      files: 'none',
      nextPrompts: 'Add an index',
      reflection: 'Offsets get slow on deep pages',
    },
    evaluation: {
      failureModes: 'none',
      graders: 'none',
      promptVariant: 'fastapi-backend-expert',
      nextExperiment: 'none',
    },
    ...overrides,
  };
}

/** The text between the two `---` lines, as a YAML reader other than gray-matter would take it. */
export function frontMatterText(text: string): string {
  const end = text.indexOf('\n---\n', 4);
  expect(text.startsWith('---\n')).toBe(true);
  expect(end).toBeGreaterThan(0);
  return text.slice(4, end + 1);
}

/** Both readers a PHR meets: `yaml` (YAML 1.2) and gray-matter (js-yaml, YAML 1.1 flavoured). */
export function readBoth(text: string): {
  yaml: Record<string, unknown>;
  grayMatter: Record<string, unknown>;
} {
  return {
    yaml: parseYaml(frontMatterText(text)) as Record<string, unknown>,
    grayMatter: matter(text, {}).data,
  };
}

export function fmLine(text: string, key: string): string {
  const line = frontMatterText(text)
    .split('\n')
    .find((candidate) => candidate.startsWith(`${key}:`));
  if (line === undefined) throw new Error(`no ${key} line`);
  return line;
}

/** Pieces chosen to break naive encodings: fences, headings, front matter markers, line ending variants. */
const NASTY_PIECES = [
  '`',
  '``',
  '```',
  '````',
  '`````````',
  '```python\n',
  '~~~',
  '\n',
  '\n\n',
  '\r\n',
  '\r',
  ' ',
  '   ',
  '\t',
  '---',
  '\n---\n',
  '...',
  '## Prompt',
  '## Response snapshot',
  '\n## Outcome\n',
  '## Evaluation notes (flywheel)',
  '# ',
  '- ✅ Impact: x',
  '<div class="x">',
  '</div>',
  '<!-- c -->',
  'a',
  'word',
  ' #tag',
  ': ',
  '"',
  "'",
  '\\',
  '\\n',
  '@here',
  '<@U123>',
  'é',
  '🚀',
  '\u0000',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufeff',
  'null',
  '0010',
  'yes',
];

export function nastyString(random: () => number, maxPieces: number): string {
  const count = Math.floor(random() * maxPieces);
  let text = '';
  for (let index = 0; index < count; index++) {
    text += NASTY_PIECES[Math.floor(random() * NASTY_PIECES.length)] ?? '';
  }
  return text;
}
