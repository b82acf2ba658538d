/** Which of GitHub's limits an answer hit: the hourly quota, or the secondary limit on bursts. */
export type RateLimitKind = 'primary' | 'secondary';

/** Retries of one request after a rate limit, each after the wait GitHub asks for. */
export const RATE_LIMIT_RETRIES = 4;

/**
 * The longest wait worth taking inside a delivery, by limit. A secondary limit asks for about a minute:
 * waiting it out keeps the event, where failing it would lose it (GitHub does not redeliver on its own).
 * An exhausted hourly quota may reset an hour away: only a reset within a minute is waited for.
 */
const LONGEST_WAIT_S: Record<RateLimitKind, number> = { primary: 60, secondary: 120 };

/** Whether to wait `retryAfterS` and send the request again, `retryCount` retries having been made. */
export function retryAfterRateLimit(kind: RateLimitKind, retryAfterS: number, retryCount: number): boolean {
  return retryCount < RATE_LIMIT_RETRIES && retryAfterS <= LONGEST_WAIT_S[kind];
}
