import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppHarness } from './app-harness.js';
import {
  artifactZip,
  commentCreated,
  gateReport,
  standardRepository,
  workflowRunCompleted,
} from './results-fixtures.js';

const REPO = 'Codertocat/Hello-World';
const harness = new AppHarness({ retries: true });
const simulator = harness.simulator;
const state = () => simulator.repository(REPO);

beforeAll(async () => {
  await harness.start();
  standardRepository(simulator, REPO);
}, 30_000);
afterAll(() => harness.stop());

const deliverUntilHandled = harness.deliverUntilHandled.bind(harness);

describe('with 20% of GitHub responses failing (502)', () => {
  it('every event is still handled once: no lost and no duplicated check runs, comments or dispatches', async () => {
    simulator.faultRate = 0.2;
    const heads: string[] = [];
    for (let i = 0; i < 12; i++) {
      const head = simulator.commit(
        REPO,
        { 'model.yml': `name: acme/chat\n# ${i}\n` },
        { branch: `change-${i}` },
      );
      simulator.pullRequest(REPO, 100 + i, head, ['model.yml'], { ref: `change-${i}` });
      simulator.artifact(
        REPO,
        500 + i,
        'gantry-results',
        artifactZip({ 'gate-report.json': gateReport('pass') }),
      );
      heads.push(head);
    }
    let failed = 0;
    for (const [i, head] of heads.entries()) {
      failed += await deliverUntilHandled('workflow_run', workflowRunCompleted(500 + i, head, [100 + i]));
      failed += await deliverUntilHandled(
        'issue_comment',
        commentCreated(100 + i, 9000 + i, '/benchmark', 'alice'),
      );
    }
    simulator.faultRate = 0;

    const faults = simulator.calls.filter((c) => c.status === 502).length;
    expect(faults).toBeGreaterThan(20);
    for (const [i, head] of heads.entries()) {
      expect(state().checkRuns.filter((r) => r.head_sha === head)).toMatchObject([
        { name: 'gantry/gate', conclusion: 'success' },
      ]);
      expect(state().comments.filter((c) => c.issue === 100 + i)).toHaveLength(1);
      expect(
        state()
          .reactions.filter((r) => r.comment === 9000 + i)
          .map((r) => r.content),
      ).toEqual(['+1']);
    }
    // Dispatch is the one write GitHub gives no key for: a retried dispatch after a lost answer could run
    // twice, so only the count of distinct branches is exact.
    expect(new Set(state().dispatches.map((d) => d.ref)).size).toBe(12);
    expect(state().dispatches.length).toBeLessThanOrEqual(12 + failed);
    expect(simulator.violations).toEqual([]);
  }, 120_000);
});
