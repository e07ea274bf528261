import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, quoteForSlack } from '../../../../src/slack/markdown/mrkdwn.js';
import { randomInt as int, seededRandom as prng } from '../../../helpers/random.js';
import { liveMention, WJ } from './oracles.js';
import { randomMarkdown } from './random-markdown.js';

describe('escapeMrkdwn', () => {
  it('escapes the three control characters and nothing else', () => {
    expect(escapeMrkdwn('a & b < c > d <!here> &amp; *bold*')).toBe(
      'a &amp; b &lt; c &gt; d &lt;!here&gt; &amp;amp; *bold*',
    );
  });
});

describe('quoteForSlack', () => {
  it('quotes, escapes and neutralises every line', () => {
    expect(quoteForSlack('hi <@U1>\r\n<b> & @here', 100)).toBe(`> hi @${WJ}U1\n> &lt;b&gt; &amp; @${WJ}here`);
  });

  it('cuts to maxChars with an ellipsis, counting prefixes and escapes', () => {
    expect(quoteForSlack('abcdefghij', 8)).toBe('> abcde…');
    expect(quoteForSlack('a&b&c&d', 12)).toBe('> a&amp;b…');
    expect(quoteForSlack('line one\nline two', 13)).toBe('> line one…');
    expect(quoteForSlack('x'.repeat(10), 3)).toBe('> …');
    expect(quoteForSlack('🎉🎉🎉🎉', 7)).toBe('> 🎉🎉…');
  });

  it('never leaves a live mention where the cut falls', () => {
    // "@hereby" is harmless, but the cut could leave "@here…": the kept part is neutralised as it stands.
    expect(quoteForSlack('say @here𝐚𝐛 now', 13)).toBe(`> say @${WJ}here…`);
    expect(quoteForSlack('say @hereby now', 13)).toBe('> say @hereb…');
    const rng = prng(5);
    for (let i = 0; i < 300; i++) {
      const text = randomMarkdown(rng, 12);
      const max = int(rng, 0, 60);
      const q = quoteForSlack(text, max);
      expect(q.length).toBeLessThanOrEqual(Math.max(0, max));
      expect(liveMention(q), JSON.stringify({ text, max })).toBeNull();
    }
  });
});
