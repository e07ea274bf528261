/**
 * Who may ask, where, and how often: allow-lists and per-user / per-channel sliding-hour limits.
 * The counts live in `RateWindows`: in memory for one replica (after a restart being generous for an
 * hour is better than a write on every question), in PostgreSQL when replicas share the limits.
 */
export interface AdmissionOptions {
  allowedChannels: readonly string[];
  allowedUsers: readonly string[];
  userQuestionsPerHour: number;
  channelQuestionsPerHour: number;
  /** Where the counts live; default: this process's memory. */
  windows?: RateWindows;
  now?: () => number;
}

/** A limit on one key (`u:<user>`, `c:<channel>`): questions per sliding hour. */
export interface Limit {
  key: string;
  perHour: number;
}

/** Either the first limit already reached, or the counts taken and how to give them back. */
export type Taken = { over: string } | { undo: () => Promise<void> };

/** Where the counts of questions per key over the last hour live. */
export interface RateWindows {
  /**
   * Counts one question (`message`: its channel and ts) against each limit, unless one of them is
   * reached already (then nothing is counted). Synchronous when the counts are in memory: a burst's
   * next question then sees this one.
   */
  take(limits: readonly Limit[], message: string): Taken | Promise<Taken>;
}

/** What `admit` decides: a refusal, or the question counted (`uncount` gives the count back). */
export type Admitted = { refusal: Refusal } | { refusal: null; uncount: () => Promise<void> };

export type Refusal =
  | 'channel_not_allowed'
  | 'user_not_allowed'
  | 'user_rate_limited'
  | 'channel_rate_limited';

export interface Asker {
  userId: string;
  channelId: string;
  /** The question's message (Slack ts, or the command's key): its twins and retries count as one. */
  messageKey: string;
  /** Direct messages are governed by the user allow-list only. */
  direct: boolean;
}

const HOUR_MS = 60 * 60 * 1000;

export function createAdmission(options: AdmissionOptions) {
  const channels = new Set(options.allowedChannels);
  const users = new Set(options.allowedUsers);
  const windows = options.windows ?? memoryRateWindows(options.now ?? Date.now);
  const uncounted: Admitted = { refusal: null, uncount: async () => {} };

  return {
    /**
     * Refuses a question this asker may not ask here or now, or counts it against the asker's and the
     * channel's hour. Synchronous unless the counts live in a database.
     */
    admit(asker: Asker): Admitted | Promise<Admitted> {
      if (!asker.direct && channels.size > 0 && !channels.has(asker.channelId))
        return { refusal: 'channel_not_allowed' };
      if (users.size > 0 && !users.has(asker.userId)) return { refusal: 'user_not_allowed' };
      const limits = [
        { key: `u:${asker.userId}`, perHour: options.userQuestionsPerHour },
        ...(asker.direct ? [] : [{ key: `c:${asker.channelId}`, perHour: options.channelQuestionsPerHour }]),
      ].filter((limit) => limit.perHour > 0);
      if (limits.length === 0) return uncounted;
      const taken = windows.take(limits, `${asker.channelId} ${asker.messageKey}`);
      return taken instanceof Promise ? taken.then(admitted) : admitted(taken);
    },
  };
}

function admitted(taken: Taken): Admitted {
  if ('undo' in taken) return { refusal: null, uncount: taken.undo };
  return { refusal: taken.over.startsWith('u:') ? 'user_rate_limited' : 'channel_rate_limited' };
}

/** One replica's counts, in memory. */
export function memoryRateWindows(now: () => number): RateWindows {
  const windows = new Map<string, number[]>();
  const recent = (key: string): number[] => {
    const cutoff = now() - HOUR_MS;
    const times = (windows.get(key) ?? []).filter((time) => time > cutoff);
    if (times.length) windows.set(key, times);
    else windows.delete(key);
    return times;
  };
  return {
    take(limits) {
      const reached = limits.find((limit) => recent(limit.key).length >= limit.perHour);
      if (reached) return { over: reached.key };
      const at = now();
      for (const { key } of limits) windows.set(key, [...recent(key), at]);
      return {
        undo: async () => {
          for (const { key } of limits) {
            const times = windows.get(key);
            const index = times?.lastIndexOf(at) ?? -1;
            if (!times || index < 0) continue;
            times.splice(index, 1);
            if (times.length === 0) windows.delete(key);
          }
        },
      };
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;

/** What the asker is told, privately. */
export function refusalText(refusal: Refusal, limits: { user: number; channel: number }): string {
  switch (refusal) {
    case 'channel_not_allowed':
      return 'I am not enabled in this channel. Ask whoever runs me to add it to ALLOWED_CHANNELS, or ask me in a channel where I answer.';
    case 'user_not_allowed':
      return 'I am not enabled for you yet. Ask whoever runs me to add you to ALLOWED_USERS.';
    case 'user_rate_limited':
      return `You have asked me ${limits.user} questions in the last hour, which is the limit here; please try again a little later.`;
    case 'channel_rate_limited':
      return `This channel has asked me ${limits.channel} questions in the last hour, which is the limit here; please try again a little later.`;
  }
}
