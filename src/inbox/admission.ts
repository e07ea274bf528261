/**
 * Who may ask, where, and how often: allow-lists and per-user / per-channel sliding-hour limits.
 * In memory on purpose: one replica serves a workspace, and after a restart being generous for an
 * hour is better than a table written on every question.
 */
export interface AdmissionOptions {
  allowedChannels: readonly string[];
  allowedUsers: readonly string[];
  userQuestionsPerHour: number;
  channelQuestionsPerHour: number;
  now?: () => number;
}

export type Refusal =
  | 'channel_not_allowed'
  | 'user_not_allowed'
  | 'user_rate_limited'
  | 'channel_rate_limited';

export interface Asker {
  userId: string;
  channelId: string;
  /** Direct messages are governed by the user allow-list only. */
  direct: boolean;
}

const HOUR_MS = 60 * 60 * 1000;

export function createAdmission(options: AdmissionOptions) {
  const now = options.now ?? Date.now;
  const channels = new Set(options.allowedChannels);
  const users = new Set(options.allowedUsers);
  const windows = new Map<string, number[]>();

  const recent = (key: string): number[] => {
    const cutoff = now() - HOUR_MS;
    const times = (windows.get(key) ?? []).filter((time) => time > cutoff);
    if (times.length) windows.set(key, times);
    else windows.delete(key);
    return times;
  };
  const over = (key: string, limit: number) => limit > 0 && recent(key).length >= limit;

  return {
    /** Why this question may not be accepted, or null. Has no side effect: `record` counts it. */
    refusal(asker: Asker): Refusal | null {
      if (!asker.direct && channels.size > 0 && !channels.has(asker.channelId)) return 'channel_not_allowed';
      if (users.size > 0 && !users.has(asker.userId)) return 'user_not_allowed';
      if (over(`u:${asker.userId}`, options.userQuestionsPerHour)) return 'user_rate_limited';
      if (!asker.direct && over(`c:${asker.channelId}`, options.channelQuestionsPerHour))
        return 'channel_rate_limited';
      return null;
    },

    /**
     * Counts an accepted question against the asker's and the channel's hour. Returns what takes the
     * count back, for a question counted before it was stored whose write then failed or found a twin.
     */
    record(asker: Asker): () => void {
      const at = now();
      const keys = [`u:${asker.userId}`, ...(asker.direct ? [] : [`c:${asker.channelId}`])];
      for (const key of keys) windows.set(key, [...recent(key), at]);
      return () => {
        for (const key of keys) {
          const times = windows.get(key);
          const index = times?.lastIndexOf(at) ?? -1;
          if (!times || index < 0) continue;
          times.splice(index, 1);
          if (times.length === 0) windows.delete(key);
        }
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
