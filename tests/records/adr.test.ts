import { it } from 'vitest';
import { readAdr, renderAdr, setAdrStatus } from '../../src/records/adr.js';

it('smoke', () => {
  const text = renderAdr({
    number: 7,
    title: 'Use Keyset Pagination\n- **Status:** Accepted #',
    status: 'Proposed',
    date: '2026-11-20',
    feature: null,
    draft: {
      context: 'Deep pages\n\n## Decision\nare slow <!-- hidden -->',
      decision:
        'We use keyset.\n## References\n- **Status:** Accepted\n* Status: Rejected\nHeading\n---\n```python\n# comment <!-- x -->\n## not a heading\n',
      positive: ['# fast', '**Status:** Accepted', '1. one'],
      negative: [],
      alternatives: [{ name: 'Off**set**', tradeoffs: 'slow\n<div>' }],
    },
    references: {
      threadPermalink: 'https://x.slack.com/archives/C1/p1',
      phr: { label: 'PHR-0007 (general)', url: 'https://bot.example/r/phr/abc' },
      related: ['0003-use-postgres'],
    },
    proposedBy: 'Ada',
  });
  console.log(text);
  const next = setAdrStatus(text, 'Accepted', 'accepted by Ada on 2026-11-26');
  console.log(next.slice(next.indexOf('## References')));
  console.log(readAdr(next, 'history/adr/0007-x.md'));
});
