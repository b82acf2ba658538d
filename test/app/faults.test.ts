import { describe, expect, it } from 'vitest';
import { resultsScenario, standardApp } from './standard-app.js';

const REPO = 'Codertocat/Hello-World';
const harness = standardApp(REPO, { retries: true });
const simulator = harness.simulator;
const state = () => simulator.repository(REPO);

const deliverUntilHandled = harness.deliverUntilHandled.bind(harness);

describe.each([
  { faults: '502', secondary: 0 },
  { faults: 'half 502, half secondary rate limits (403 with retry-after)', secondary: 0.5 },
])('with 20% of GitHub responses failing ($faults)', ({ secondary }) => {
  it('every event is still handled once: no lost and no duplicated check runs, comments or dispatches', async () => {
    simulator.faultRate = 0.2;
    simulator.secondaryRateLimitShare = secondary;
    // Each round has pull requests, runs and comments of its own.
    const scenario = resultsScenario(simulator, REPO, {
      count: 12,
      first: secondary > 0 ? 150 : 100,
      kind: 'pass',
    });
    const callsBefore = simulator.calls.length;
    const dispatchesBefore = state().dispatches.length;
    let failed = 0;
    for (const { event, payload } of scenario.events) failed += await deliverUntilHandled(event, payload);
    simulator.faultRate = 0;
    simulator.secondaryRateLimitShare = 0;

    const calls = simulator.calls.slice(callsBefore);
    expect(calls.filter((c) => c.status === 502).length).toBeGreaterThan(secondary > 0 ? 8 : 20);
    if (secondary > 0) expect(calls.filter((c) => c.status === 403).length).toBeGreaterThan(8);
    scenario.expectHandledOnce();
    // Dispatch is the one write GitHub gives no key for: a retried dispatch after a lost answer could run
    // twice, so only the count of distinct branches is exact.
    const dispatches = state().dispatches.slice(dispatchesBefore);
    expect(new Set(dispatches.map((d) => d.ref)).size).toBe(12);
    expect(dispatches.length).toBeLessThanOrEqual(12 + failed);
    expect(simulator.violations).toEqual([]);
  }, 120_000);
});
