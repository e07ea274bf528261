import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC, sourceFiles } from './source-files.js';

interface Import {
  from: string;
  /** A path under src/ (e.g. `slack/texts.ts`) or a package name. */
  to: string;
  internal: boolean;
}

const imports: Import[] = sourceFiles().flatMap((file) => {
  const from = relative(SRC, file);
  return [
    ...readFileSync(file, 'utf8').matchAll(/^(?:import|export)(?:[^'"]*from)?\s*['"]([^'"]+)['"]/gm),
  ].map(([, spec = '']) => ({
    from,
    to: spec.startsWith('.') ? relative(SRC, join(dirname(file), spec)).replace(/\.js$/, '.ts') : spec,
    internal: spec.startsWith('.'),
  }));
});

const inFolder = (path: string, folders: readonly string[]) =>
  folders.some((folder) => path.startsWith(`${folder}/`) || path === folder);
const isPackage = (to: string, name: string) => to === name || to.startsWith(`${name}/`);
const violations = (rule: (i: Import) => boolean) => imports.filter(rule).map((i) => `${i.from} -> ${i.to}`);

/** The edge speaks to Slack, HTTP and the terminal; everything else must not know them. */
const EDGE = ['slack', 'http', 'cli', 'main.ts', 'bot.ts', 'bot'];
/** What everything stands on: vendor doors, storage, shared record and text rules. */
const BENEATH = ['claude', 'agents', 'store', 'records', 'security', 'log.ts'];
/** The Slack-facing part of the ADR feature: its cards, click flow, approver check and listener. */
const ADR_EDGE = ['adr/cards.ts', 'adr/flow.ts', 'adr/actions.ts', 'adr/approvers.ts'];
/** The Slack-facing part of the feedback feature: the buttons and modal, and their listener. */
const FEEDBACK_EDGE = ['feedback/cards.ts', 'feedback/actions.ts'];
const FEATURE_EDGES = [...ADR_EDGE, ...FEEDBACK_EDGE];

describe('imports run one way: edge -> use cases and features -> what they stand on', () => {
  it('nothing beneath imports a use case, a feature or the edge', () => {
    expect(violations((i) => inFolder(i.from, BENEATH) && i.internal && !inFolder(i.to, BENEATH))).toEqual(
      [],
    );
  });

  it('use cases and features know nothing of Slack, HTTP or the terminal', () => {
    const middle = ['answering', 'inbox', 'phr', 'housekeeping', 'adr', 'docs', 'feedback'];
    expect(
      violations(
        (i) =>
          inFolder(i.from, middle) &&
          !FEATURE_EDGES.includes(i.from) &&
          (inFolder(i.to, EDGE) || isPackage(i.to, '@slack')),
      ),
    ).toEqual([]);
  });

  it('only the composition root and main know the composition root; nothing imports main', () => {
    expect(
      violations(
        (i) =>
          (i.to === 'main.ts' || ((i.to === 'bot.ts' || inFolder(i.to, ['bot'])) && i.from !== 'main.ts')) &&
          !inFolder(i.from, ['bot']),
      ),
    ).toEqual([]);
  });

  it('keeps one door per vendor', () => {
    const doors: [string, (from: string) => boolean][] = [
      ['@anthropic-ai/sdk', (from) => inFolder(from, ['claude'])],
      ['gray-matter', (from) => inFolder(from, ['agents'])],
      ['markdown-it', (from) => inFolder(from, ['http'])],
      // The SQLite side of each store: src/store/, or a feature's store.ts / store-sqlite.ts.
      ['better-sqlite3', (from) => inFolder(from, ['store']) || basename(from).startsWith('store')],
      // PostgreSQL: src/store/, or a feature's store-postgres.ts.
      ['pg', (from) => inFolder(from, ['store']) || basename(from).startsWith('store')],
      [
        '@slack/bolt',
        (from) => inFolder(from, ['slack', 'bot', 'bot.ts', 'http']) || FEATURE_EDGES.includes(from),
      ],
    ];
    expect(
      doors.flatMap(([name, allowed]) => violations((i) => isPackage(i.to, name) && !allowed(i.from))),
    ).toEqual([]);
  });
});
