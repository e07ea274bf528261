// renderPhr: the Spec-Kit Plus template layout and the fenced prompt and response.

import { describe, expect, it } from 'vitest';
import { renderPhr } from '../../../src/phr/render.js';
import { record } from './fixtures.js';

describe('renderPhr', () => {
  it('follows the Spec-Kit Plus template', () => {
    expect(renderPhr(record())).toBe(
      [
        '---',
        'id: "0007"',
        'title: Efficient Pagination Items Endpoint',
        'stage: general',
        'date: 2025-03-04',
        'surface: slack',
        'model: claude-sonnet-5-5',
        'feature: none',
        'branch: none',
        'user: Ada Lovelace',
        'command: "@mention"',
        'labels: ["pagination", "api-design"]',
        'links:',
        '  spec: null',
        '  ticket: null',
        '  adr: null',
        '  pr: null',
        'files:',
        '  - none',
        'tests:',
        '  - none',
        '---',
        '',
        '## Prompt',
        '',
        '```text',
        'How do I add efficient pagination to my `/items` endpoint?',
        '```',
        '',
        '## Response snapshot',
        '',
        '```markdown',
        'Use keyset pagination.',
        '```',
        '',
        '## Outcome',
        '',
        '- ✅ Impact: Explained keyset pagination',
        '- 🧪 Tests: none',
        '- 📁 Files: none',
        '- 🔁 Next prompts: Add an index',
        '- 🧠 Reflection: Offsets get slow on deep pages',
        '',
        '## Evaluation notes (flywheel)',
        '',
        '- Failure modes observed: none',
        '- Graders run and results (PASS/FAIL): none',
        '- Prompt variant (if applicable): fastapi-backend-expert',
        '- Next experiment (smallest change to try): none',
        '',
      ].join('\n'),
    );
  });

  it('keeps outcome and evaluation bullets on one line', () => {
    const text = renderPhr(
      record({
        outcome: {
          impact: 'two\nlines',
          tests: '',
          files: '  ',
          nextPrompts: 'a\r\n\r\nb',
          reflection: 'ok',
        },
      }),
    );
    expect(text).toContain(
      '- ✅ Impact: two lines\n- 🧪 Tests: none\n- 📁 Files: none\n- 🔁 Next prompts: a b\n',
    );
  });

  it('fences the prompt with more backticks than any run inside', () => {
    const prompt = 'Here:\n````\n```python\nx = 1\n```\n````\n## Response snapshot\n---';
    const text = renderPhr(record({ prompt }));
    expect(text).toContain(`## Prompt\n\n\`\`\`\`\`text\n${prompt}\n\`\`\`\`\`\n\n## Response snapshot\n`);
  });
});
