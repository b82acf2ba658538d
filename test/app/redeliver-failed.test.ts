import { describe, expect, it } from 'vitest';
import { redeliverFailed } from '../../app/redeliver-failed.js';
import {
  DELIVERY_ATTEMPTS,
  deliveriesToRedeliver,
  REDELIVERY_WINDOW_MS,
  type WebhookDelivery,
} from '../../core/app/redelivery-plan.js';
import { uploadResults, workflowRunCompleted } from './results-fixtures.js';
import { resultsScenario, standardApp } from './standard-app.js';

const REPO = 'Codertocat/Hello-World';
const harness = standardApp(REPO);
const simulator = harness.simulator;

/** Sweeps until nothing is left to redeliver, each sweep's redeliveries answered before the next. */
async function sweepUntilQuiet(): Promise<number[][]> {
  const sweeps: number[][] = [];
  for (let i = 0; i < 10; i++) {
    const chosen = await redeliverFailed(harness.probot);
    await simulator.webhooks.settled();
    sweeps.push(chosen);
    if (chosen.length === 0) return sweeps;
  }
  throw new Error('redelivery never settled');
}

describe('failed deliveries', () => {
  it('are sent again after an outage, and each event is then handled once', async () => {
    const scenario = resultsScenario(simulator, REPO, { count: 6, first: 400, kind: 'pass' });
    // GitHub answers nothing while the app takes the events: every delivery fails.
    simulator.faultRate = 1;
    const statuses: number[] = [];
    for (const { event, payload } of scenario.events) statuses.push(await harness.deliver(event, payload));
    simulator.faultRate = 0;
    expect(statuses.every((s) => s >= 500)).toBe(true);
    expect(simulator.repository(REPO).checkRuns).toHaveLength(0);

    const sweeps = await sweepUntilQuiet();
    expect(sweeps[0]).toHaveLength(12);
    expect(sweeps.at(-1)).toEqual([]);
    scenario.expectHandledOnce();
    expect(new Set(simulator.repository(REPO).dispatches.map((d) => d.ref))).toEqual(
      new Set(scenario.branches),
    );
    const redelivered = simulator.webhooks.log.filter((d) => d.redelivery);
    expect(redelivered).toHaveLength(12);
    expect(redelivered.every((d) => d.status_code === 200)).toBe(true);
  });

  it('stop being sent again after four deliveries of an event that keeps failing', async () => {
    const head = simulator.commit(REPO, { 'model.yml': 'name: acme/chat\n# stuck\n' }, { branch: 'stuck' });
    simulator.pullRequest(REPO, 499, head, ['model.yml'], { ref: 'stuck' });
    uploadResults(simulator, REPO, 899, 'pass');
    simulator.fail('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', 502, 100);
    expect(
      await harness.deliver('workflow_run', workflowRunCompleted(899, head, [499]), 'stuck-event'),
    ).toBeGreaterThanOrEqual(500);
    const sweeps = await sweepUntilQuiet();
    expect(sweeps.map((s) => s.length)).toEqual([1, 1, 1, 0]);
    expect(simulator.webhooks.log.filter((d) => d.guid === 'stuck-event')).toHaveLength(DELIVERY_ATTEMPTS);
    expect(simulator.violations).toEqual([]);
  });
});

describe('which deliveries to send again', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
  const delivery = (id: number, guid: string, status: number, minutesAgo = 1): WebhookDelivery => ({
    id,
    guid,
    status_code: status,
    delivered_at: at(minutesAgo),
  });

  it('takes the newest delivery of each event no delivery handled', () => {
    expect(
      deliveriesToRedeliver(
        [delivery(1, 'a', 500, 5), delivery(2, 'a', 502, 2), delivery(3, 'b', 200), delivery(4, 'c', 0)],
        now,
      ),
    ).toEqual([2, 4]);
  });

  it('leaves an event once one delivery of it succeeded, or after four', () => {
    expect(deliveriesToRedeliver([delivery(1, 'a', 500, 3), delivery(2, 'a', 202, 1)], now)).toEqual([]);
    const four = [1, 2, 3, 4].map((id) => delivery(id, 'a', 500));
    expect(deliveriesToRedeliver(four, now)).toEqual([]);
    expect(deliveriesToRedeliver(four.slice(0, 3), now)).toEqual([3]);
  });

  it('looks back one hour only', () => {
    const minutes = REDELIVERY_WINDOW_MS / 60_000;
    expect(deliveriesToRedeliver([delivery(1, 'a', 500, minutes + 1)], now)).toEqual([]);
    expect(deliveriesToRedeliver([delivery(1, 'a', 500, minutes - 1)], now)).toEqual([1]);
  });
});
