// detectAdrSuggestions: finding the brief and title of each suggestion in an answer.

import { describe, expect, it } from 'vitest';
import { detectAdrSuggestions, MAX_TITLE_LENGTH } from '../../../src/adr/suggestion.js';
import { ANSWER_BODY, CASES, NEGATIVES } from './suggestion-cases.js';

describe('detectAdrSuggestions', () => {
  for (const c of CASES) {
    it(`finds ${c.name}`, () => {
      expect(detectAdrSuggestions(`${ANSWER_BODY}${c.text}`)).toEqual(c.expected);
      expect(detectAdrSuggestions(c.text)).toEqual(c.expected);
    });
  }

  for (const n of NEGATIVES) {
    it(`finds nothing in ${n.name}`, () => {
      expect(detectAdrSuggestions(`${ANSWER_BODY}${n.text}`)).toEqual([]);
    });
  }

  it('does not take "/adr" mentioned in passing as a suggestion', () => {
    expect(detectAdrSuggestions('In Claude Code you could run /adr later to write the record.')).toEqual([]);
  });

  it('uses the brief as the title when no command follows the header', () => {
    expect(
      detectAdrSuggestions(
        '📋 Architectural decision detected: Serve the OpenAPI docs only on the internal network.',
      ),
    ).toEqual([
      {
        brief: 'Serve the OpenAPI docs only on the internal network',
        title: 'Serve the OpenAPI docs only on the internal network',
      },
    ]);
  });

  it('takes the brief from the next line when the header line has none', () => {
    expect(
      detectAdrSuggestions(
        '**📋 Architectural decision detected:**\n> Use `BackgroundTasks` for e-mail, not Celery — Document reasoning and tradeoffs? Run `/sp.adr background-tasks-for-email`',
      ),
    ).toEqual([{ brief: 'Use BackgroundTasks for e-mail, not Celery', title: 'Background tasks for email' }]);
  });

  it('keeps snake_case identifiers in the brief', () => {
    expect(
      detectAdrSuggestions(
        '📋 Architectural decision detected: Derive tenant_id from the token, never from the body — Run `/sp.adr tenant-from-token`',
      ),
    ).toEqual([
      { brief: 'Derive tenant_id from the token, never from the body', title: 'Tenant from token' },
    ]);
  });

  it(`caps the title at ${MAX_TITLE_LENGTH} characters on a word boundary`, () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const [suggestion] = detectAdrSuggestions(`Architectural decision detected: X — Run \`/sp.adr ${long}\``);
    expect(suggestion?.title.length).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
    expect(long.startsWith((suggestion?.title ?? '').replace(/^W/, 'w'))).toBe(true);
    expect(suggestion?.title.endsWith(' ')).toBe(false);
  });
});
