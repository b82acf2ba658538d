import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { artifactZip, commentCreated, gateReport, workflowRunCompleted } from './results-fixtures.js';
import { standardApp } from './standard-app.js';

const REPO = 'Codertocat/Hello-World';
/** Nine deliveries per pull request: 112 pull requests replay 1,008 deliveries (APP_REPLAY_PULLS sets it). */
const PULLS = Number(process.env.APP_REPLAY_PULLS ?? 112);
const harness = standardApp(REPO);
const simulator = harness.simulator;
const state = () => simulator.repository(REPO);

let seed = 42;
/** A seeded generator, so a failing order can be replayed. */
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

describe('a replay where every delivery comes three times and one in ten out of order', () => {
  it('leaves each pull request with its newest results, one comment, one answer and one dispatch', async () => {
    const fail = artifactZip({ 'gate-report.json': gateReport('fail') });
    const pass = artifactZip({ 'gate-report.json': gateReport('pass') });
    const heads: string[] = [];
    const events: { event: string; payload: unknown }[] = [];
    for (let i = 0; i < PULLS; i++) {
      const head = simulator.commit(
        REPO,
        { 'model.yml': `name: acme/chat\n# ${i}\n` },
        { branch: `replay-${i}` },
      );
      simulator.pullRequest(REPO, 300 + i, head, ['model.yml'], { ref: `replay-${i}` });
      // Two runs on one commit: the later one (a re-run of the benchmark) passes.
      simulator.artifact(REPO, 2000 + 2 * i, 'gantry-results', fail);
      simulator.artifact(REPO, 2001 + 2 * i, 'gantry-results', pass);
      heads.push(head);
      events.push(
        { event: 'workflow_run', payload: workflowRunCompleted(2000 + 2 * i, head, [300 + i]) },
        { event: 'workflow_run', payload: workflowRunCompleted(2001 + 2 * i, head, [300 + i]) },
        { event: 'issue_comment', payload: commentCreated(300 + i, 60_000 + i, '/benchmark', 'alice') },
      );
    }
    const deliveries = events.flatMap((e) => {
      const id = randomUUID();
      return [
        { ...e, id },
        { ...e, id },
        { ...e, id: randomUUID() },
      ];
    });
    let moved = 0;
    for (let k = 0; k < deliveries.length - 1; k++) {
      if (random() >= 0.1) continue;
      const other = Math.min(deliveries.length - 1, k + 1 + Math.floor(random() * 6));
      [deliveries[k], deliveries[other]] = [deliveries[other]!, deliveries[k]!];
      moved++;
    }
    expect(moved).toBeGreaterThan(deliveries.length / 20);

    for (const d of deliveries) expect(await harness.deliver(d.event, d.payload, d.id)).toBe(200);

    for (const [i, head] of heads.entries()) {
      const runs = state().checkRuns.filter((r) => r.head_sha === head);
      expect(runs.length).toBeLessThanOrEqual(2);
      expect(runs.at(-1)).toMatchObject({
        conclusion: 'success',
        external_id: `workflow-run:${2001 + 2 * i}:1`,
      });
      const comments = state().comments.filter((c) => c.issue === 300 + i);
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toContain('passes the gate');
      expect(
        state()
          .reactions.filter((r) => r.comment === 60_000 + i)
          .map((r) => r.content),
      ).toEqual(['+1']);
      expect(state().dispatches.filter((d) => d.ref === `replay-${i}`)).toHaveLength(1);
    }
    expect(simulator.violations).toEqual([]);
  }, 300_000);
});
