import { describe, expect, it } from 'vitest';
import { RATE_LIMIT_RETRIES, retryAfterRateLimit } from '../../core/app/rate-limit-retry.js';
import { commentCreated, uploadResults, workflowRunCompleted } from './results-fixtures.js';
import { standardApp } from './standard-app.js';

const REPO = 'Codertocat/Hello-World';
// As deployed: Octokit's retries and the app's rate-limit handling on (waits shortened to milliseconds).
const harness = standardApp(REPO, { throttling: true });
const simulator = harness.simulator;
const state = () => simulator.repository(REPO);

describe('rate limits and failing answers, as the app is deployed', () => {
  it('handles every event on its first delivery: secondary rate limits are waited out, 502s retried', async () => {
    const heads: string[] = [];
    for (let i = 0; i < 12; i++) {
      const head = simulator.commit(
        REPO,
        { 'model.yml': `name: acme/chat\n# ${i}\n` },
        { branch: `limit-${i}` },
      );
      simulator.pullRequest(REPO, 300 + i, head, ['model.yml'], { ref: `limit-${i}` });
      uploadResults(simulator, REPO, 700 + i, 'fail');
      heads.push(head);
    }
    simulator.faultRate = 0.2;
    simulator.secondaryRateLimitShare = 0.5;
    const statuses: number[] = [];
    for (const [i, head] of heads.entries()) {
      statuses.push(await harness.deliver('workflow_run', workflowRunCompleted(700 + i, head, [300 + i])));
      statuses.push(
        await harness.deliver('issue_comment', commentCreated(300 + i, 9300 + i, '/benchmark', 'alice')),
      );
    }
    simulator.faultRate = 0;
    simulator.secondaryRateLimitShare = 0;

    // Nobody redelivered anything: GitHub does not, so a failed delivery would be a lost event.
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(simulator.calls.filter((c) => c.status === 403).length).toBeGreaterThan(5);
    expect(simulator.calls.filter((c) => c.status === 502).length).toBeGreaterThan(5);
    for (const [i, head] of heads.entries()) {
      expect(state().checkRuns.filter((r) => r.head_sha === head)).toMatchObject([
        { name: 'gantry/gate', conclusion: 'failure' },
      ]);
      expect(state().comments.filter((c) => c.issue === 300 + i)).toHaveLength(1);
      expect(
        state()
          .reactions.filter((r) => r.comment === 9300 + i)
          .map((r) => r.content),
      ).toEqual(['+1']);
    }
    expect(new Set(state().dispatches.map((d) => d.ref)).size).toBe(12);
    expect(simulator.violations).toEqual([]);
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
