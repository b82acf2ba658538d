import { describe, expect, it } from 'vitest';
import { RATE_LIMIT_RETRIES, retryAfterRateLimit } from '../../core/app/rate-limit-retry.js';
import { resultsScenario, standardApp } from './standard-app.js';

const REPO = 'Codertocat/Hello-World';
// As deployed: Octokit's retries and the app's rate-limit handling on (waits shortened to milliseconds).
const harness = standardApp(REPO, { throttling: true });
const simulator = harness.simulator;

describe('rate limits and failing answers, as the app is deployed', () => {
  it('handles every event on its first delivery: secondary rate limits are waited out, 502s retried', async () => {
    const scenario = resultsScenario(simulator, REPO, { count: 12, first: 300, kind: 'fail' });
    simulator.faultRate = 0.2;
    simulator.secondaryRateLimitShare = 0.5;
    const statuses: number[] = [];
    for (const { event, payload } of scenario.events) statuses.push(await harness.deliver(event, payload));
    simulator.faultRate = 0;
    simulator.secondaryRateLimitShare = 0;

    // Nobody redelivered anything: a failed delivery would have waited for the sweep.
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(simulator.calls.filter((c) => c.status === 403).length).toBeGreaterThan(5);
    expect(simulator.calls.filter((c) => c.status === 502).length).toBeGreaterThan(5);
    scenario.expectHandledOnce();
    expect(new Set(simulator.repository(REPO).dispatches.map((d) => d.ref))).toEqual(
      new Set(scenario.branches),
    );
  }, 120_000);

  it('waits out what is worth waiting for within a delivery, a few times at most', () => {
    expect(retryAfterRateLimit('secondary', 60, 0)).toBe(true);
    expect(retryAfterRateLimit('secondary', 60, RATE_LIMIT_RETRIES)).toBe(false);
    expect(retryAfterRateLimit('secondary', 600, 0)).toBe(false);
    expect(retryAfterRateLimit('primary', 30, 1)).toBe(true);
    // An hourly quota that resets in 40 minutes is not waited for inside a webhook delivery.
    expect(retryAfterRateLimit('primary', 2400, 0)).toBe(false);
  });
});
