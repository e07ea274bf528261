import { type Claude, ClaudeError, type ClaudeFailure } from './claude.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** How long it stays open before one trial call is let through. */
  cooldownMs: number;
  now?: () => number;
  onChange?: (state: 'open' | 'closed') => void;
}

/** Failures that say Claude itself is unwell; a refused request (our fault) or an abort does not count. */
const COUNTED: ReadonlySet<ClaudeFailure> = new Set([
  'rate_limited',
  'overloaded',
  'timeout',
  'unavailable',
  'stream_broken',
]);

/**
 * After `threshold` failures in a row, calls fail at once with `circuit_open` for `cooldownMs`, so a
 * dead API does not queue minutes of doomed calls (each with its own retries and timeouts). Then a
 * single trial call decides: success closes the circuit, failure opens it again.
 */
export function withCircuitBreaker(claude: Claude, options: CircuitBreakerOptions): Claude {
  const now = options.now ?? Date.now;
  let failures = 0;
  let openUntil = 0;
  let trialInFlight = false;

  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    const open = failures >= options.threshold;
    if (open && (now() < openUntil || trialInFlight)) {
      throw new ClaudeError('circuit_open', 'Claude failed repeatedly; not calling it for a moment', '');
    }
    trialInFlight = open;
    try {
      const result = await call();
      if (failures >= options.threshold) options.onChange?.('closed');
      failures = 0;
      return result;
    } catch (error) {
      if (error instanceof ClaudeError && COUNTED.has(error.kind)) {
        failures++;
        if (failures >= options.threshold) {
          if (now() >= openUntil) options.onChange?.('open');
          openUntil = now() + options.cooldownMs;
        }
      }
      throw error;
    } finally {
      trialInFlight = false;
    }
  };

  return {
    stream: (request, onText) => guard(() => claude.stream(request, onText)),
    complete: (request) => guard(() => claude.complete(request)),
  };
}
