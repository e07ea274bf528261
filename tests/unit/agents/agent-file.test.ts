import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const agentPath = resolve(repo, 'agents/fastapi-backend-expert.md');
// A byte-for-byte copy of the user's original seed (shared/seed/fastapi-backend-expert.md), mojibake
// included, kept in the repository so the suite does not depend on where shared/ sits.
const seedPath = resolve(repo, 'tests/fixtures/agent-seed.md');
const SEED_SHA256 = 'dd6a429fdb2dd0abec3630e80814be6b24034ffcbb143b67796587c73384f05a';

// The seed was saved as UTF-8, read back as Windows-1252 and saved again; these are the two casualties.
const MOJIBAKE_CLIPBOARD = '\u00f0\u0178\u201c\u2039'; // 'ðŸ“‹'
const MOJIBAKE_EM_DASH = '\u00e2\u20ac\u201d'; // 'â€”'

describe('agents/fastapi-backend-expert.md', () => {
  const agent = readFileSync(agentPath);

  it('has a seed fixture that is still the unaltered original', () => {
    // Guards the copy against well-meant "fixes" (re-encoding, line endings) that would hollow out the
    // comparison below.
    expect(createHash('sha256').update(readFileSync(seedPath)).digest('hex')).toBe(SEED_SHA256);
  });

  it('equals the seed with only its two mojibake sequences repaired', () => {
    const seed = readFileSync(seedPath, 'utf8');
    expect(seed.split(MOJIBAKE_CLIPBOARD)).toHaveLength(2);
    expect(seed.split(MOJIBAKE_EM_DASH)).toHaveLength(2);
    const repaired = seed.replace(MOJIBAKE_CLIPBOARD, '📋').replace(MOJIBAKE_EM_DASH, '—');
    expect(agent.equals(Buffer.from(repaired, 'utf8'))).toBe(true);
  });

  it('contains no double-encoded UTF-8', () => {
    const text = agent.toString('utf8');
    expect(text).not.toContain('\u00f0\u0178'); // 'ðŸ'
    expect(text).not.toContain('\u00e2\u20ac'); // 'â€'
  });

  it('spells the ADR suggestion with a real emoji and em dash', () => {
    const text = agent.toString('utf8');
    expect(text).toContain('📋 Architectural decision detected:');
    expect(text).toContain(' — Document reasoning');
  });
});
