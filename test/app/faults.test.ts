import { describe, expect, it } from 'vitest';
import { artifactZip, commentCreated, gateReport, workflowRunCompleted } from './results-fixtures.js';
import { standardApp } from './standard-app.js';

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
    const offset = secondary > 0 ? 50 : 0;
    const heads: string[] = [];
    for (let i = 0; i < 12; i++) {
      const head = simulator.commit(
        REPO,
        { 'model.yml': `name: acme/chat\n# ${offset + i}\n` },
        { branch: `change-${offset + i}` },
      );
      simulator.pullRequest(REPO, 100 + offset + i, head, ['model.yml'], { ref: `change-${offset + i}` });
      simulator.artifact(
        REPO,
        500 + offset + i,
        'gantry-results',
        artifactZip({ 'gate-report.json': gateReport('pass') }),
      );
      heads.push(head);
    }
    const callsBefore = simulator.calls.length;
    const dispatchesBefore = state().dispatches.length;
    let failed = 0;
    for (const [i, head] of heads.entries()) {
      const n = offset + i;
      failed += await deliverUntilHandled('workflow_run', workflowRunCompleted(500 + n, head, [100 + n]));
      failed += await deliverUntilHandled(
        'issue_comment',
        commentCreated(100 + n, 9000 + n, '/benchmark', 'alice'),
      );
    }
    simulator.faultRate = 0;
    simulator.secondaryRateLimitShare = 0;

    const calls = simulator.calls.slice(callsBefore);
    expect(calls.filter((c) => c.status === 502).length).toBeGreaterThan(secondary > 0 ? 8 : 20);
    if (secondary > 0) expect(calls.filter((c) => c.status === 403).length).toBeGreaterThan(8);
    for (const [i, head] of heads.entries()) {
      const n = offset + i;
      expect(state().checkRuns.filter((r) => r.head_sha === head)).toMatchObject([
        { name: 'gantry/gate', conclusion: 'success' },
      ]);
      expect(state().comments.filter((c) => c.issue === 100 + n)).toHaveLength(1);
      expect(
        state()
          .reactions.filter((r) => r.comment === 9000 + n)
          .map((r) => r.content),
      ).toEqual(['+1']);
    }
    // Dispatch is the one write GitHub gives no key for: a retried dispatch after a lost answer could run
    // twice, so only the count of distinct branches is exact.
    const dispatches = state().dispatches.slice(dispatchesBefore);
    expect(new Set(dispatches.map((d) => d.ref)).size).toBe(12);
    expect(dispatches.length).toBeLessThanOrEqual(12 + failed);
    expect(simulator.violations).toEqual([]);
  }, 120_000);
});
