// Model Markdown to Slack markdown: the structure, link and mention stages composed, streamed or whole.

/**
 * Turning model Markdown into text Slack renders properly and that cannot notify anyone.
 *
 * What Slack documents, and the choices that follow from it:
 * - The `markdown` block and `markdown_text` (chat.*Stream) take standard Markdown. The markdown block
 *   reference lists what is supported and says code blocks with syntax highlighting, horizontal lines,
 *   tables and task lists are not. Escaping there is the Markdown one (`\*not italic\*`).
 * - The rule "escape `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`" belongs to `mrkdwn` text objects (section
 *   text, message `text`). Markdown decodes entities in prose but shows them verbatim inside code, so
 *   entity-escaping model Markdown would print `&lt;` in every code sample. We therefore leave `&`, `<`
 *   and `>` alone in Markdown and defang only what could notify people.
 * - Nothing says whether markdown blocks honour `<@U…>`, `<!here>` and friends, nor whether they do so
 *   before or after decoding `&lt;` or `\<`. We assume the worst: the mention rules (mentions.ts) look at the
 *   decoded text (backslash escapes and character references resolved), so `&lt;!here&gt;` and
 *   `\<!here>` are defanged as well as `<!here>`.
 * - Links in model output are untrusted: each keeps showing where it goes, and only http(s) and mailto
 *   links stay clickable (see links.ts).
 * - Unsupported syntax is rewritten: pipe tables become a fenced block of aligned columns, task list
 *   boxes become ☐/☑, thematic breaks become a line of box-drawing characters. CR and CRLF become LF.
 *   Fence info strings are kept (Slack ignores them) as the caller asked.
 * - `mrkdwn` fields get escapeMrkdwn/quoteForSlack, which do use the entity escaping.
 */

import { createLinkStream } from './links.js';
import { createMentionStream } from './mentions.js';
import { createStructureStream } from './structure.js';

/**
 * Incremental form for streaming: push raw model deltas as they arrive, get back text that is safe to
 * append to Slack right now; end() flushes the rest. concat(all push outputs, end()) ===
 * toSlackMarkdown(concat(all inputs)), however the input was split. Prose comes out at once; held back
 * are only a possibly-incomplete mention or character reference (e.g. a trailing "<!he", "@ev", "&l"),
 * a link from its "]" to its ")" (or until it proves to be none, e.g. "[1]" then a space), a "<" until
 * its ">", a "]", "<", "&" or "\" inside a code span until the span closes or the line ends, a backtick
 * run until it ends, the first few characters of a line until its kind is known ("1.", "- [", "--",
 * "```"), and pipe-table lines until the line after them starts.
 */
export function createMarkdownStream(): { push(delta: string): string; end(): string } {
  const structure = createStructureStream();
  const links = createLinkStream();
  const mentions = createMentionStream();
  let ended = false;
  return {
    push(delta) {
      if (ended) throw new Error('createMarkdownStream: push() after end()');
      return mentions.push(links.push(structure.push(delta)));
    },
    end() {
      if (ended) return '';
      ended = true;
      return mentions.push(links.push(structure.end()) + links.end()) + mentions.end();
    },
  };
}

/**
 * Whole-text conversion of model Markdown to what Slack's markdown rendering shows properly: GitHub-style
 * pipe tables (lines starting with "|") become a fenced code block with aligned columns; code fences are
 * kept with their info string; task boxes become ☐/☑; thematic breaks become a drawn line; CRLF becomes
 * LF; links show their host and only http(s)/mailto ones stay links; mentions are neutralised. `&`, `<`,
 * `>` are deliberately not entity-escaped (see the file header).
 */
export function toSlackMarkdown(markdown: string): string {
  const stream = createMarkdownStream();
  return stream.push(markdown) + stream.end();
}
