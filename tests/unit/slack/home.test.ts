import { describe, expect, it } from 'vitest';
import {
  HOME_LIMITS,
  type HomeAdr,
  type HomeData,
  type HomeQuestion,
  homeView,
} from '../../../src/slack/home.js';

const question = (n: number, title = `Question ${n}`): HomeQuestion => ({
  label: `PHR-${String(n).padStart(4, '0')} (general)`,
  title,
  url: `https://bot.example/records/phr/id${n}?sig=s${n}`,
  channelId: 'C0001',
  createdAt: '2025-03-04T10:00:00.000Z',
});

const adr = (n: number): HomeAdr => ({
  label: `ADR-${String(n).padStart(4, '0')}`,
  title: `Decision ${n}`,
  url: `https://bot.example/records/adr/a${n}?sig=t${n}`,
  publicId: `a${n}`,
  proposedBy: 'U0002',
  channelId: 'C0002',
  date: '2025-03-05',
});

const data = (over: Partial<HomeData> = {}): HomeData => ({
  questions: [],
  adrs: null,
  docs: { status: 'unavailable' },
  ...over,
});

const text = (view: ReturnType<typeof homeView>) => JSON.stringify(view.blocks);

describe('homeView', () => {
  it('is a home view of Block Kit data', () => {
    const view = homeView(data());
    expect(view.type).toBe('home');
    expect(view.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'FastAPI Architect' },
    });
  });

  it('lists the questions with their record links, channel and date', () => {
    const view = homeView(data({ questions: [question(2), question(1)] }));
    const sections = view.blocks.filter((b) => b.type === 'section').map((b) => JSON.stringify(b));
    expect(sections[0]).toContain('<https://bot.example/records/phr/id2?sig=s2|PHR-0002 (general)>');
    expect(sections[0]).toContain('Question 2');
    expect(sections[0]).toContain('<#C0001> · 2025-03-04');
    expect(sections[1]).toContain('PHR-0001');
  });

  it('names a direct message instead of mentioning its id', () => {
    const shown = text(homeView(data({ questions: [{ ...question(1), channelId: 'D0001' }] })));
    expect(shown).toContain('direct message · 2025-03-04');
    expect(shown).not.toContain('<#D0001>');
  });

  it('says so when there are no questions yet', () => {
    expect(text(homeView(data()))).toContain('You have not asked me anything yet');
  });

  it('makes titles inert: no mentions, no links, no formatting from the asker', () => {
    const view = homeView(data({ questions: [question(1, '<!channel> see <https://evil|here> *now*')] }));
    const shown = text(view);
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<https://evil');
  });

  it('leaves the ADR section out for someone who may not decide', () => {
    expect(text(homeView(data({ adrs: null })))).not.toContain('ADRs waiting');
  });

  it('shows pending ADRs with the thread card buttons, and an empty state', () => {
    expect(text(homeView(data({ adrs: [] })))).toContain('Nothing is waiting for your decision');
    const view = homeView(data({ adrs: [adr(3)] }));
    const actions = view.blocks.find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      block_id: 'adr_decision:a3',
      elements: [
        { action_id: 'adr_accept', value: 'a3' },
        { action_id: 'adr_reject', value: 'a3' },
      ],
    });
    expect(text(view)).toContain('In <#C0002> · proposed 2025-03-05');
  });

  it('stays within 100 blocks with unique block ids however much there is', () => {
    const many = homeView(
      data({
        questions: Array.from({ length: 50 }, (_, i) => question(i + 1)),
        adrs: Array.from({ length: 60 }, (_, i) => adr(i + 1)),
        docs: { status: 'ready', release: '0.115.0', pages: 150, syncedAt: new Date('2025-03-01T00:00:00Z') },
      }),
    );
    expect(many.blocks.length).toBeLessThanOrEqual(HOME_LIMITS.blocks);
    const ids = many.blocks.map((b) => (b as { block_id?: string }).block_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect(text(many)).toContain(`…and ${60 - HOME_LIMITS.adrs} more`);
    // The docs line is last and survives the caps.
    expect(JSON.stringify(many.blocks.at(-1))).toContain('0.115.0');
  });

  it('words the docs line for each state', () => {
    const line = (docs: HomeData['docs']) => JSON.stringify(homeView(data({ docs })).blocks.at(-1));
    expect(
      line({ status: 'ready', release: '0.115.0', pages: 3, syncedAt: new Date('2025-03-01T00:00:00Z') }),
    ).toContain('FastAPI docs *0.115.0* (3 pages, indexed 2025-03-01)');
    expect(line({ status: 'syncing', release: '0.115.0', pages: 3 })).toContain(
      'a newer index is being built',
    );
    expect(line({ status: 'syncing' })).toContain('being indexed');
    expect(line({ status: 'unavailable' })).toContain('No FastAPI docs index');
  });
});
