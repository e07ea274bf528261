// phrTitle and slugify: record titles and file-name slugs from a question.

import { describe, expect, it } from 'vitest';
import { phrTitle, slugify } from '../../../src/phr/title.js';

function wordCount(title: string): number {
  return title.split(' ').filter((word) => word !== '').length;
}

describe('phrTitle', () => {
  it('keeps the meaningful words of a Slack question', () => {
    expect(phrTitle('<@U123> How do I add efficient pagination to my `/items` endpoint?')).toBe(
      'Efficient Pagination Items Endpoint',
    );
    expect(phrTitle('Should I use async def or def for SQLAlchemy sessions?')).toBe(
      'Async Def SQLAlchemy Sessions',
    );
  });

  it('drops greetings, filler, emoji codes and Slack markup', () => {
    expect(
      phrTitle(
        ':wave: Hey team, can you please tell me what is the best way to structure JWT auth with OAuth2 in FastAPI using Depends?',
      ),
    ).toBe('Structure JWT Auth OAuth2 FastAPI Depends');
    expect(
      phrTitle('<!here> <#C0123|backend> hi all, how to cache responses with redis <https://redis.io>'),
    ).toBe('Cache Responses Redis');
    expect(phrTitle('Good morning! Quick question: what is the right way to version REST endpoints?')).toBe(
      'Version REST Endpoints',
    );
  });

  it('keeps a link label and drops code blocks', () => {
    expect(
      phrTitle('Is <https://fastapi.tiangolo.com/tutorial|the tutorial> wrong about lifespan events?'),
    ).toBe('Tutorial Wrong Lifespan Events');
    expect(
      phrTitle('Why does this fail?\n```python\nfrom fastapi import FastAPI\napp = FastAPI()\n```'),
    ).toBe('Why Does Fail');
  });

  it('keeps acronyms and identifiers as written', () => {
    expect(phrTitle('jwt vs oauth2 for my api with sqlalchemy and pydantic')).toBe(
      'JWT OAuth2 API SQLAlchemy Pydantic',
    );
    expect(phrTitle('raising HTTPException inside a response_model validator')).toBe(
      'Raising HTTPException Inside response_model Validator',
    );
    expect(phrTitle('pydantic v2 migration tips')).toBe('Pydantic v2 Migration Tips');
    expect(phrTitle('rate-limiting middleware')).toBe('Rate-Limiting Middleware FastAPI');
  });

  it('caps the title at 7 words', () => {
    const title = phrTitle(
      'Our `/reports` endpoint is experiencing high latency. Can you help me debug potential bottlenecks, especially around database interactions?',
    );
    expect(title).toBe('Reports Endpoint Experiencing High Latency Debug Potential');
    expect(wordCount(title)).toBe(7);
  });

  it('pads short questions to 3 words', () => {
    expect(phrTitle('hi')).toBe('Hi FastAPI Question');
    expect(phrTitle('hey team')).toBe('Hey Team FastAPI');
    expect(phrTitle('Pagination?')).toBe('Pagination FastAPI Question');
    expect(phrTitle('how do I paginate')).toBe('How Do Paginate');
    expect(phrTitle('FastAPI question')).toBe('FastAPI Question Help');
    expect(phrTitle('')).toBe('FastAPI Question Help');
    expect(phrTitle('<@U123>')).toBe('FastAPI Question Help');
    expect(phrTitle('🚀🚀🚀')).toBe('FastAPI Question Help');
  });

  it('always has 3 to 7 words and never breaks a line', () => {
    const questions = [
      'a',
      'the the the',
      'why why why why why why why why why',
      '```only code```',
      'x\ny\nz\nw',
      'one two three four five six seven eight nine ten',
      'Wie füge ich Paginierung zu meinem Endpunkt hinzu?',
      '如何 分页',
    ];
    for (const question of questions) {
      const title = phrTitle(question);
      expect(wordCount(title), question).toBeGreaterThanOrEqual(3);
      expect(wordCount(title), question).toBeLessThanOrEqual(7);
      expect(title, question).toMatch(/^\S+(?: \S+)*$/);
    }
  });
});

describe('slugify', () => {
  it('follows the records-format rule', () => {
    expect(slugify('Efficient Pagination Items Endpoint')).toBe('efficient-pagination-items-endpoint');
    expect(slugify('  JWT + OAuth2: the "right" way!  ')).toBe('jwt-oauth2-the-right-way');
    expect(slugify('N+1 Problem response_model')).toBe('n-1-problem-response-model');
    expect(slugify('a\n---\nb')).toBe('a-b');
  });

  it('folds accents before replacing other characters', () => {
    expect(slugify('Café Über Naïve')).toBe('cafe-uber-naive');
    expect(slugify('分页 Pagination')).toBe('pagination');
  });

  it('is never empty', () => {
    expect(slugify('')).toBe('untitled');
    expect(slugify('---')).toBe('untitled');
    expect(slugify('🚀')).toBe('untitled');
  });

  it('cuts at a dash boundary within 60 characters', () => {
    const slug = slugify('word '.repeat(20));
    expect(slug).toBe('word-word-word-word-word-word-word-word-word-word-word-word');
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slugify(`${'a'.repeat(54)} bcdef`)).toBe(`${'a'.repeat(54)}-bcdef`);
    expect(slugify(`${'a'.repeat(55)} bcdef`)).toBe('a'.repeat(55));
    expect(slugify('x'.repeat(70))).toBe('x'.repeat(60));
    for (let length = 50; length < 80; length++) {
      const cut = slugify(`${'ab-'.repeat(length)}`);
      expect(cut.length).toBeLessThanOrEqual(60);
      expect(cut).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    }
  });
});
