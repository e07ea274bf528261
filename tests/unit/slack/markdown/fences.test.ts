import { describe, expect, it } from 'vitest';
import { openFenceAt } from '../../../../src/slack/markdown/fences.js';

describe('openFenceAt', () => {
  it.each([
    ['no code', null],
    ['```python\nx = 1', { fence: '```', info: 'python' }],
    ['```python\nx = 1\n```\n', null],
    ['~~~~ sh  \necho ```\n~~~', { fence: '~~~~', info: 'sh' }],
    ['````md\n```\ninner\n```\n', { fence: '````', info: 'md' }],
    ['1. step\n   ```bash\n   ls', { fence: '```', info: 'bash' }],
    ['```', { fence: '```', info: '' }],
    ['```a`b```', null],
    ['text ``` inline', null],
    ['```\r\ncode\r\n```\r\n', null],
  ])('%j → %j', (md, expected) => {
    expect(openFenceAt(md)).toEqual(expected);
  });
});
