import { ProbotOctokit } from 'probot';
import { type RateLimitKind, retryAfterRateLimit } from '../core/app/rate-limit-retry.js';

type RateLimitHandler = (
  retryAfter: number,
  options: { method: string; url: string },
  octokit: { log: { warn: (message: string) => void } },
  retryCount: number,
) => boolean;

const onLimit =
  (kind: RateLimitKind): RateLimitHandler =>
  (retryAfter, options, octokit, retryCount) => {
    const retry = retryAfterRateLimit(kind, retryAfter, retryCount);
    octokit.log.warn(
      `${kind} rate limit on ${options.method} ${options.url}: ${retry ? `retrying in ${retryAfter} s` : 'giving up'}`,
    );
    return retry;
  };

/**
 * Probot's Octokit with the app's answer to rate limits. Probot's own server gives up on a secondary
 * rate limit, and the event is then lost: GitHub does not redeliver a failed delivery by itself. The
 * app waits the time GitHub asks for and tries again (core/app/rate-limit-retry.ts).
 */
export const GantryOctokit = ProbotOctokit.defaults((options: { throttle?: Record<string, unknown> }) => ({
  ...options,
  throttle: {
    ...options.throttle,
    onSecondaryRateLimit: onLimit('secondary'),
    onRateLimit: onLimit('primary'),
  },
}));
