import { findDocstring } from './docstrings.js';
import { includedText, languageOf, parseInclude } from './includes.js';

export const SITE = 'https://fastapi.tiangolo.com/';

export type ChunkKind = 'guide' | 'release' | 'reference';

/** One searchable section of a page: the text under one heading, with the code it includes. */
export interface Chunk {
  /** Path under docs/en/docs, e.g. `tutorial/cors.md`. */
  page: string;
  url: string;
  /** The page's title (its `#` heading). */
  title: string;
  /** This section's heading (the title for the part before the first sub-heading). */
  heading: string;
  headingPath: string[];
  kind: ChunkKind;
  /** Prose only, markup removed: what the body field of the index holds. */
  body: string;
  /** Code from fences and included docs_src files. */
  code: string;
  /** What a reader (or the model) is shown: Markdown with the code inlined. */
  text: string;
}

export interface PageResult {
  chunks: Chunk[];
  stubsResolved: number;
  stubsSkipped: number;
  missingIncludes: number;
}

/** `tutorial/index.md` → `https://fastapi.tiangolo.com/tutorial/`. */
export function pageUrl(page: string): string {
  const path = page.replace(/\.md$/, '').replace(/(^|\/)index$/, '');
  return path === '' ? SITE : `${SITE}${path}/`;
}

/** Python-Markdown's default slug, for headings without a `{ #anchor }`. */
export function slugify(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/[\s-]+/g, '-');
}

const ANCHOR = /\s*\{\s*#([^}\s]+)\s*\}\s*$/;

/** Heading text without its `{ #anchor }`, and the anchor. */
export function splitHeading(raw: string): { text: string; anchor: string } {
  const anchor = ANCHOR.exec(raw)?.[1];
  const text = raw.replace(ANCHOR, '').trim();
  return { text, anchor: anchor ?? slugify(text.replace(/[`*]/g, '')) };
}

/** Prose without Markdown and HTML markup, for the index. */
export function cleanProse(line: string): string {
  return line
    .replace(ANCHOR, '')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[*`]/g, '')
    .replace(/^\s*(#+|>|[-+]\s|\d+\.\s)\s*/, '')
    .trim();
}

interface Section {
  heading: string;
  headingPath: string[];
  anchor: string | undefined;
  kind: ChunkKind;
  body: string[];
  code: string[];
  text: string[];
}

interface Context {
  page: string;
  files: ReadonlyMap<string, string>;
  result: PageResult;
  sections: Section[];
  path: string[];
  title: string;
}

const FENCE = /^\s*(`{3,}|~{3,})/;
const STUB = /^:::\s+([\w.]+)\s*$/;
const ADMONITION = /^\/{3,}\s*(\w[\w-]*)?\s*(?:\|\s*(.*))?$/;

/** Splits one page into chunks: at `#`–`###` headings (release notes: at each `##` version). */
export function chunkPage(page: string, markdown: string, files: ReadonlyMap<string, string>): PageResult {
  const result: PageResult = { chunks: [], stubsResolved: 0, stubsSkipped: 0, missingIncludes: 0 };
  const isReleaseNotes = page === 'release-notes.md';
  const splitLevel = isReleaseNotes ? 2 : 3;
  const lines = markdown.replace(/^---\n[\s\S]*?\n---\n/, '').split('\n');
  const context: Context = { page, files, result, sections: [], path: [], title: '' };
  let fence: string | undefined;
  let inStubOptions = false;
  for (const line of lines) {
    if (inStubOptions && (line.startsWith(' ') || line.trim() === '')) continue;
    inStubOptions = false;
    const fenceMatch = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (
        fenceMatch &&
        fenceMatch[0] === fence[0] &&
        fenceMatch.length >= fence.length &&
        line.trim() === fenceMatch
      )
        fence = undefined;
      addFencedLine(context, line);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch;
      current(context).text.push(line);
      continue;
    }
    const heading = /^(#{1,6})\s+(.+)$/.exec(line);
    if (heading && (heading[1]?.length ?? 7) <= splitLevel) {
      startSection(context, heading[1]?.length ?? 1, heading[2] ?? '', isReleaseNotes ? 'release' : 'guide');
      continue;
    }
    const stub = STUB.exec(line)?.[1];
    if (stub) {
      addStub(context, stub);
      inStubOptions = true;
      continue;
    }
    addProseLine(context, line);
  }
  result.chunks = context.sections.map((section) => toChunk(context, section)).filter((c) => c !== undefined);
  return result;
}

function current(context: Context): Section {
  let section = context.sections.at(-1);
  if (!section) {
    section = {
      heading: '',
      headingPath: [],
      anchor: undefined,
      kind: 'guide',
      body: [],
      code: [],
      text: [],
    };
    context.sections.push(section);
  }
  return section;
}

function startSection(context: Context, level: number, raw: string, kind: ChunkKind): void {
  const { text, anchor } = splitHeading(raw);
  if (level === 1 && context.title === '') context.title = cleanProse(text);
  context.path = [...context.path.slice(0, level - 1), cleanProse(text)];
  while (context.path.length < level) context.path.unshift('');
  context.sections.push({
    heading: cleanProse(text),
    headingPath: context.path.filter((part) => part !== ''),
    anchor: level === 1 ? undefined : anchor,
    kind,
    body: [],
    code: [],
    text: [`${'#'.repeat(level)} ${text}`],
  });
}

function addStub(context: Context, dotted: string): void {
  const docstring = findDocstring(context.files, dotted);
  if (docstring === undefined) {
    context.result.stubsSkipped++;
    return;
  }
  context.result.stubsResolved++;
  context.sections.push({
    heading: dotted,
    headingPath: [...context.path.filter((part) => part !== ''), dotted],
    anchor: dotted,
    kind: 'reference',
    body: [docstring],
    code: [],
    text: [`**\`${dotted}\`**`, '', docstring],
  });
}

function include(context: Context, line: string): { code: string; path: string } | 'missing' | undefined {
  const parsed = parseInclude(line);
  if (parsed === undefined) return undefined;
  const content = 'path' in parsed ? context.files.get(parsed.path) : undefined;
  if (!('path' in parsed) || content === undefined) {
    context.result.missingIncludes++;
    return 'missing';
  }
  return { code: includedText(content, parsed.ranges), path: parsed.path };
}

function addFencedLine(context: Context, line: string): void {
  const section = current(context);
  const included = include(context, line);
  if (included === 'missing') {
    section.text.push('# (example not found in this release)');
  } else if (included) {
    section.code.push(included.code);
    section.text.push(included.code);
  } else {
    section.code.push(line);
    section.text.push(line);
  }
}

function addProseLine(context: Context, line: string): void {
  const section = current(context);
  const included = include(context, line);
  if (included === 'missing') {
    section.text.push(`(The example ${line.trim()} is not in this release of the docs.)`);
    return;
  }
  if (included) {
    section.code.push(included.code);
    section.text.push(`\`\`\`${languageOf(included.path)}`, included.code, '```');
    return;
  }
  const admonition = ADMONITION.exec(line.trim());
  if (admonition) {
    const label =
      admonition[2] ?? (admonition[1] ? admonition[1][0]?.toUpperCase() + admonition[1].slice(1) : '');
    if (label && admonition[1] !== 'tab') section.text.push(`**${label}**`);
    if (label) section.body.push(cleanProse(label));
    return;
  }
  section.text.push(line.replace(ANCHOR, ''));
  const prose = cleanProse(line);
  if (prose) section.body.push(prose);
}

function toChunk(context: Context, section: Section): Chunk | undefined {
  const text = section.text
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (section.heading === '' && section.body.length === 0 && section.code.length === 0) return undefined;
  const title = context.title || section.heading || context.page;
  return {
    page: context.page,
    url: section.anchor ? `${pageUrl(context.page)}#${section.anchor}` : pageUrl(context.page),
    title,
    heading: section.heading || title,
    headingPath: section.headingPath.length > 0 ? section.headingPath : [title],
    kind: section.kind,
    body: section.body.join('\n'),
    code: section.code.join('\n'),
    text,
  };
}
