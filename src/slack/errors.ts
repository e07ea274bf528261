/** The Slack error code of a failed Web API call (`not_in_channel`, `ratelimited`, …), if any. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { data, code } = error as { data?: { error?: unknown }; code?: unknown };
  if (data && typeof data.error === 'string') return data.error;
  return typeof code === 'string' ? code : undefined;
}
