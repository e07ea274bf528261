// stripAdrInstructions and createAdrInstructionFilter: removing the raw /sp.adr instruction, whole or streamed.

import { describe, expect, it } from 'vitest';
import { createAdrInstructionFilter, stripAdrInstructions } from '../../../src/adr/instruction-filter.js';
import { seededRandom as seeded } from '../../helpers/random.js';
import { ANSWER_BODY, CASES, NEGATIVES } from './suggestion-cases.js';

/** Lines outside fenced code, for "nothing of the command is left" checks. */
function outsideCode(text: string): string {
  return text.replace(/```[\s\S]*?(?:```|$)/g, '');
}

describe('stripAdrInstructions', () => {
  for (const c of CASES) {
    it(`removes the command from ${c.name}`, () => {
      const stripped = stripAdrInstructions(`${ANSWER_BODY}${c.text}`);
      expect(stripped).toBe(`${ANSWER_BODY}${c.stripped}`);
      expect(outsideCode(stripped)).not.toMatch(/\/sp\.adr|\/adr\s|\/adr$/m);
    });
  }

  for (const n of NEGATIVES) {
    it(`leaves ${n.name} alone`, () => {
      expect(stripAdrInstructions(`${ANSWER_BODY}${n.text}`)).toBe(`${ANSWER_BODY}${n.text}`);
    });
  }

  it('keeps the text after a backticked command, without the space before it', () => {
    expect(stripAdrInstructions('Worth recording? Run `/sp.adr use-redis` to keep the reasoning.')).toBe(
      'Worth recording? to keep the reasoning.',
    );
  });

  it('removes two commands on one line', () => {
    expect(stripAdrInstructions('Run `/sp.adr a` or `/adr b` later.')).toBe('or later.');
  });

  it('removes an unbackticked command to the end of its line only', () => {
    expect(stripAdrInstructions('Decided. Run: /sp.adr [Use Redis] now\nNext line stays.')).toBe(
      'Decided. \nNext line stays.',
    );
  });

  it('leaves a tilde fence and an unclosed fence alone', () => {
    const text = '~~~\nRun `/sp.adr x`\n~~~\nRun `/sp.adr y`\n```\nRun /adr z';
    expect(stripAdrInstructions(text)).toBe('~~~\nRun `/sp.adr x`\n~~~\n\n```\nRun /adr z');
  });
});

describe('createAdrInstructionFilter', () => {
  function streamed(parts: string[]): { out: string; outputs: string[] } {
    const filter = createAdrInstructionFilter();
    const outputs = parts.map((p) => filter.push(p));
    outputs.push(filter.end());
    return { out: outputs.join(''), outputs };
  }

  function split(text: string, random: () => number): string[] {
    const parts: string[] = [];
    let i = 0;
    while (i < text.length) {
      // Mostly small deltas like the model's, sometimes empty ones and single characters.
      const size = random() < 0.1 ? 0 : Math.ceil(random() * (random() < 0.5 ? 4 : 30));
      parts.push(text.slice(i, i + size));
      i += size;
    }
    return parts;
  }

  const FRAGMENTS = [
    'Run ',
    'Run `/sp.adr ',
    ' `/adr ',
    '`Run /adr ',
    '`run ',
    'Run /adr ',
    'run',
    'Run:',
    'R',
    'Ru',
    'Run  ',
    ' ',
    '\t',
    '`',
    '``',
    '```',
    '```py',
    '~~~',
    '/',
    '/sp.adr',
    '/sp.',
    '/adr',
    '/ad',
    '/adrs',
    'sp.adr',
    'adr',
    ' x',
    'use-postgres',
    '[Title]',
    '<T>',
    '"T"',
    '**',
    '_',
    '.',
    '?',
    '—',
    ' — ',
    '📋',
    'Architectural decision detected: ',
    'Document reasoning and tradeoffs? ',
    'word',
    'Rerun',
    'https://a/adr',
    '\n',
    '\n',
    '\n',
    '\r\n',
    '\r',
  ];

  it('equals stripAdrInstructions over random inputs and random split points', () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const random = seeded(seed);
      const count = Math.floor(random() * 40);
      let text = '';
      for (let k = 0; k < count; k++) text += FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] ?? '';
      const expected = stripAdrInstructions(text);
      const { out } = streamed(split(text, random));
      if (out !== expected) expect({ seed, text, out }).toEqual({ seed, text, out: expected });
    }
  });

  it('equals stripAdrInstructions on the realistic answers, split anywhere', () => {
    const random = seeded(42);
    for (const sample of [...CASES, ...NEGATIVES].map((c) => c.text)) {
      const text = `${ANSWER_BODY}${sample}\nThanks.`;
      for (let round = 0; round < 50; round++) {
        expect(streamed(split(text, random)).out).toBe(stripAdrInstructions(text));
      }
      expect(streamed(Array.from(text)).out).toBe(stripAdrInstructions(text));
    }
  });

  it('emits prose with no "R", "r", "/" or "`" at once', () => {
    const random = seeded(7);
    const alphabet = 'abcdefghijklmnopqstuvwxyz ABCDEFGHIJKLMNOPQSTUVWXYZ.,;:!?-—()\'"\n0123456789📋*_';
    for (let round = 0; round < 200; round++) {
      let text = '';
      const length = Math.floor(random() * 300);
      for (let k = 0; k < length; k++) text += alphabet.charAt(Math.floor(random() * alphabet.length));
      const parts = split(text, random);
      const filter = createAdrInstructionFilter();
      for (const part of parts) expect(filter.push(part)).toBe(part);
      expect(filter.end()).toBe('');
    }
  });

  it('emits an "r" inside a word and a "/" after a word at once', () => {
    const filter = createAdrInstructionFilter();
    expect(filter.push('Our routers and/or')).toBe('Our routers and/or');
    expect(filter.push(' services use ')).toBe(' services use ');
  });

  it('holds a possible instruction only until it is decided', () => {
    const filter = createAdrInstructionFilter();
    expect(filter.push('Then ')).toBe('Then ');
    expect(filter.push('R')).toBe('');
    expect(filter.push('un ')).toBe('');
    expect(filter.push('the migrations')).toBe('Run the migrations');
    expect(filter.push(' via `')).toBe(' via ');
    // The closing backtick could open "`/sp.adr" until the next character arrives.
    expect(filter.push('alembic`')).toBe('`alembic');
    expect(filter.end()).toBe('`');
  });

  it('holds a confirmed instruction until its line ends', () => {
    const filter = createAdrInstructionFilter();
    expect(filter.push('Document reasoning and tradeoffs? Run `/sp')).toBe(
      'Document reasoning and tradeoffs? ',
    );
    expect(filter.push('.adr use-')).toBe('');
    expect(filter.push('postgres` ')).toBe('');
    expect(filter.push('if useful.\nNext')).toBe('if useful.\nNext');
    expect(filter.end()).toBe('');
  });

  it('tracks fenced code across deltas and passes it through at once', () => {
    const filter = createAdrInstructionFilter();
    expect(filter.push('Example:\n``')).toBe('Example:\n');
    expect(filter.push('`bash\nRun `/sp.')).toBe('```bash\nRun `/sp.');
    expect(filter.push('adr x`\n``')).toBe('adr x`\n``');
    expect(filter.push('`\nRun /adr y')).toBe('`\n');
    expect(filter.end()).toBe('');
  });

  it('flushes a held candidate at the end', () => {
    expect(streamed(['Answer ends with `', '/sp']).out).toBe('Answer ends with `/sp');
    expect(streamed(['Answer ends with `', '/sp.adr']).out).toBe('Answer ends with ');
    expect(streamed(['Answer ends with R']).out).toBe('Answer ends with R');
  });

  it('refuses push after end', () => {
    const filter = createAdrInstructionFilter();
    filter.end();
    expect(() => filter.push('x')).toThrow();
    expect(filter.end()).toBe('');
  });
});
