import { describe, expect, it } from 'vitest';
import { toSlackMarkdown } from '../../../../src/slack/markdown/convert.js';

describe('toSlackMarkdown', () => {
  it('keeps fences, their info strings and their content (tables included) as they are', () => {
    const md = [
      '```python',
      '@app.get("/")',
      '| a | b |',
      '|---|---|',
      '```',
      '~~~sh',
      '```not a close',
      '~~~',
      '````md',
      '```',
      '| c | d |',
      '|---|---|',
      '```',
      '````',
    ].join('\n');
    expect(toSlackMarkdown(md)).toBe(md);
  });

  it('rewrites task list boxes and thematic breaks, but not heading underlines', () => {
    expect(toSlackMarkdown('- [ ] todo\n- [x] done\n  * [X] nested\n3. [ ] numbered\n- [link](x)')).toBe(
      '- ☐ todo\n- ☑ done\n  * ☑ nested\n3. ☐ numbered\n- [link\\](x)',
    );
    const rule = '─'.repeat(16);
    expect(toSlackMarkdown('a\n\n---\n\nb\n***\n_ _ _')).toBe(`a\n\n${rule}\n\nb\n${rule}\n${rule}`);
    expect(toSlackMarkdown('Title\n---\n# Head\n---')).toBe(`Title\n---\n# Head\n${rule}`);
    expect(toSlackMarkdown('--- not a rule\n***bold***')).toBe('--- not a rule\n***bold***');
  });

  it('normalises CRLF and lone CR', () => {
    expect(toSlackMarkdown('a\r\nb\rc\r\n| x |\r\n|---|\r\n')).toBe('a\nb\nc\n```\nx\n-\n```\n');
  });
});
