import { describe, expect, it } from 'vitest';
import { neutraliseMentions } from '../../../../src/slack/markdown/mentions.js';
import { seededRandom as prng } from '../../../helpers/random.js';
import { liveMention, WJ } from './oracles.js';
import { randomChars, randomMarkdown } from './random-markdown.js';

describe('neutraliseMentions', () => {
  it.each([
    ['<!here>', `@${WJ}here`],
    ['<!channel>', `@${WJ}channel`],
    ['<!everyone>', `@${WJ}everyone`],
    ['<!here|@here>', `@${WJ}here${WJ}`],
    ['<!subteam^S0614TZR7>', `@${WJ}S0614TZR7`],
    ['<!subteam^S0614TZR7|@backend-team>', `@${WJ}backend-team${WJ}`],
    ['<!subteam^S0614TZR7|backend>', `@${WJ}backend${WJ}`],
    ['<@U024BE7LH>', `@${WJ}U024BE7LH`],
    ['<@W024BE7LH>', `@${WJ}W024BE7LH`],
    ['<@U024BE7LH|alice>', `@${WJ}alice${WJ}`],
    ['<@U1|>', `@${WJ}U1`],
  ])('turns %j into a readable, harmless name', (input, expected) => {
    expect(neutraliseMentions(input)).toBe(expected);
  });

  it('defangs bare broadcast words in any case but leaves longer words alone', () => {
    expect(neutraliseMentions('ping @here, @Channel and @EVERYONE!')).toBe(
      `ping @${WJ}here, @${WJ}Channel and @${WJ}EVERYONE!`,
    );
    expect(neutraliseMentions('@hereby @channels @everyone_else @here2')).toBe(
      '@hereby @channels @everyone_else @here2',
    );
    expect(neutraliseMentions('@here\n@channel')).toBe(`@${WJ}here\n@${WJ}channel`);
  });

  it('leaves ordinary text, e-mail-like text and decorators untouched', () => {
    const text = 'Use @app.get("/items") and mail me at a@b.c; 1 < 2 && 3 > 2 <b>ok</b> <https://x.y>';
    expect(neutraliseMentions(text)).toBe(text);
  });

  it('applies inside inline code and code blocks', () => {
    expect(neutraliseMentions('`<!here>`')).toBe(`\`@${WJ}here\``);
    expect(neutraliseMentions('```\nnotify(<@U1>, "@channel")\n```')).toBe(
      `\`\`\`\nnotify(@${WJ}U1, "@${WJ}channel")\n\`\`\``,
    );
  });

  it('defangs entity-encoded and backslash-escaped forms that a renderer would decode', () => {
    expect(neutraliseMentions('&lt;!channel&gt;')).toBe(`@${WJ}channel`);
    expect(neutraliseMentions('&#60;@U1&#62;')).toBe(`@${WJ}U1`);
    expect(neutraliseMentions('\\<!here>')).toBe(`@${WJ}here`);
    expect(neutraliseMentions('<&#33;everyone>')).toBe(`@${WJ}everyone`);
    expect(neutraliseMentions('@&#104;ere')).toBe(`@${WJ}&#104;ere`);
    expect(neutraliseMentions('&commat;channel')).toBe(`&commat;${WJ}channel`);
    expect(neutraliseMentions('&lt;@U1')).toBe(`&lt;${WJ}@U1`);
  });

  it('breaks other <! and <@ forms after "<" but keeps HTML doctypes and comments intact', () => {
    expect(neutraliseMentions('<!date^1392734382^{date}|Feb 18>')).toBe(
      `<${WJ}!date^1392734382^{date}|Feb 18>`,
    );
    expect(neutraliseMentions('<@U1 >')).toBe(`<${WJ}@U1 >`);
    expect(neutraliseMentions('<@here')).toBe(`<${WJ}@${WJ}here`);
    expect(neutraliseMentions('<!DOCTYPE html>\n<!-- note -->')).toBe('<!DOCTYPE html>\n<!-- note -->');
    expect(neutraliseMentions('<!doctyp')).toBe(`<${WJ}!doctyp`);
  });

  it('neutralises labels and keeps them from fusing with what follows', () => {
    expect(neutraliseMentions('<@U1|team @channel>')).toBe(`@${WJ}team @${WJ}channel${WJ}`);
    expect(neutraliseMentions('<@U1|x @her>e')).toBe(`@${WJ}x @her${WJ}e`);
    expect(liveMention(neutraliseMentions('<@U1|x &l>t;!here>'))).toBeNull();
  });

  it('handles unicode around mentions', () => {
    expect(neutraliseMentions('日本語 @here 🎉 <@U1|Zoë>')).toBe(`日本語 @${WJ}here 🎉 @${WJ}Zoë${WJ}`);
  });

  it('is idempotent and leaves nothing able to ping (random and adversarial input)', () => {
    const rng = prng(1);
    for (let i = 0; i < 800; i++) {
      const input = i % 2 === 0 ? randomMarkdown(rng, 25) : randomChars(rng, 40);
      const once = neutraliseMentions(input);
      expect(neutraliseMentions(once), JSON.stringify(input)).toBe(once);
      expect(liveMention(once), JSON.stringify(input)).toBeNull();
    }
  });
});
