import type { ClaudeFailure } from '../claude/claude.js';

/** The one sentence a user sees when Claude fails; the log carries the detail. */
export function failureSentence(kind: ClaudeFailure): string {
  switch (kind) {
    case 'rate_limited':
      return 'Claude is rate-limiting us right now, so I could not answer; please try again in a minute.';
    case 'overloaded':
      return 'Claude is overloaded right now, so I could not answer; please try again in a few minutes.';
    case 'timeout':
      return 'Claude took too long to answer, so I gave up; please try again.';
    case 'unavailable':
      return 'I could not reach Claude just now; please try again in a few minutes.';
    case 'stream_broken':
      return 'My connection to Claude broke while I was answering, so the answer above is incomplete; please ask again.';
    case 'rejected':
      return 'Claude rejected this request, so I could not answer; the bot operator can find the reason in the log.';
    case 'circuit_open':
      return 'Claude has been failing for the last few minutes, so I am not trying right now; please ask again in a minute.';
    case 'aborted':
      return 'I was restarted while answering; a fresh answer will follow here once I am back.';
  }
}

export const LENGTH_LIMIT_NOTE =
  '_(The answer reached the length limit and stops here; ask me to continue.)_';
export const INPUT_CUT_NOTE = '_(Your message was longer than I accept, so I only read its beginning.)_';
export const REFUSAL_NOTE =
  '_(Claude declined to answer this, so the answer stops here; try asking it differently.)_';
