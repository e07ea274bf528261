// Rendering a PHR file: front matter, then the template's sections with prompt and response fenced (see phr.ts).

import { frontMatter, stringifyYaml } from './front-matter.js';
import type { PhrRecord } from './phr.js';

/** A fence one backtick longer than any backtick run in the text, so nothing inside can close it. */
function fenceFor(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longestRun + 1));
}

function fenced(text: string, info: string): string {
  const fence = fenceFor(text);
  return `${fence}${info}\n${text}\n${fence}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim() || 'none';
}

/** One Markdown link a line; link text stripped of what would break the link. */
function sourceList(sources: readonly { title: string; url: string }[]): string {
  return sources.map((source) => `- [${source.title.replace(/[[\]\n]/g, ' ')}](<${source.url}>)`).join('\n');
}

/**
 * The file text: YAML front matter (template keys in template order, then the extras slack, usage, latency_ms),
 * then the template's body sections with the prompt and response fenced as the module comment describes.
 */
export function renderPhr(record: PhrRecord): string {
  const { outcome, evaluation } = record;
  return [
    `---\n${stringifyYaml(frontMatter(record))}---`,
    '## Prompt',
    fenced(record.prompt, 'text'),
    '## Response snapshot',
    fenced(record.response, 'markdown'),
    ...(record.sources?.length ? ['## Sources', sourceList(record.sources)] : []),
    '## Outcome',
    [
      `- ✅ Impact: ${oneLine(outcome.impact)}`,
      `- 🧪 Tests: ${oneLine(outcome.tests)}`,
      `- 📁 Files: ${oneLine(outcome.files)}`,
      `- 🔁 Next prompts: ${oneLine(outcome.nextPrompts)}`,
      `- 🧠 Reflection: ${oneLine(outcome.reflection)}`,
    ].join('\n'),
    '## Evaluation notes (flywheel)',
    [
      `- Failure modes observed: ${oneLine(evaluation.failureModes)}`,
      `- Graders run and results (PASS/FAIL): ${oneLine(evaluation.graders)}`,
      `- Prompt variant (if applicable): ${oneLine(evaluation.promptVariant)}`,
      `- Next experiment (smallest change to try): ${oneLine(evaluation.nextExperiment)}`,
    ].join('\n'),
  ]
    .join('\n\n')
    .concat('\n');
}
