import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppHarness, example, INSTALLATION } from './app-harness.js';
import { modelPullRequest, uploadResults, workflowRunCompleted } from './results-fixtures.js';

const REPO = 'Codertocat/Hello-World';
const harness = new AppHarness();
const simulator = harness.simulator;
const deliverThrice = async (event: string, payload: unknown) =>
  expect(await harness.deliverThrice(event, payload)).toEqual([200, 200, 200]);
const state = () => simulator.repository(REPO);
const gateRuns = (head: string) =>
  state().checkRuns.filter((r) => r.head_sha === head && r.name === 'gantry/gate');

beforeAll(async () => {
  await harness.start();
  simulator.commit(REPO, { 'README.md': '# models' }, { branch: 'main' });
  state().workflows.add('gantry-ci.yml');
}, 30_000);
afterAll(() => harness.stop());

/** GitHub's example check_run event of `action`, for the gantry/gate run on `head` of `branch`. */
function checkRunEvent(
  action: 'requested_action' | 'rerequested',
  head: string,
  branch: string,
  identifier = 'rerun-benchmark',
) {
  const payload = example('check_run', action);
  const run = payload.check_run as Record<string, unknown> & { check_suite: Record<string, unknown> };
  const repository = example('workflow_run', 'completed').repository;
  return {
    ...payload,
    installation: INSTALLATION,
    repository,
    ...(action === 'requested_action' ? { requested_action: { identifier } } : {}),
    check_run: {
      ...run,
      name: 'gantry/gate',
      head_sha: head,
      check_suite: { ...run.check_suite, head_branch: branch, head_sha: head },
    },
  };
}

describe('re-running the benchmark from the gantry/gate check', () => {
  it('dispatches the workflow once and leaves a queued check that the results complete', async () => {
    const head = modelPullRequest(simulator, REPO, 3, { branch: 'faster' });
    uploadResults(simulator, REPO, 201, 'inconclusive');
    await deliverThrice('workflow_run', workflowRunCompleted(201, head, [3]));

    await deliverThrice('check_run', checkRunEvent('requested_action', head, 'faster'));
    await deliverThrice('check_run', checkRunEvent('rerequested', head, 'faster'));
    expect(state().dispatches).toEqual([{ workflow: 'gantry-ci.yml', ref: 'faster', inputs: {} }]);
    expect(gateRuns(head).map((r) => r.status)).toEqual(['completed', 'queued']);

    uploadResults(simulator, REPO, 202, 'pass');
    await deliverThrice('workflow_run', workflowRunCompleted(202, head, []));
    expect(gateRuns(head).map((r) => [r.status, r.conclusion, r.external_id])).toEqual([
      ['completed', 'action_required', 'workflow-run:201:1'],
      ['completed', 'success', 'workflow-run:202:1'],
    ]);
    // Once the results are in, the button works again.
    await deliverThrice('check_run', checkRunEvent('rerequested', head, 'faster'));
    expect(state().dispatches).toHaveLength(2);
    expect(simulator.violations).toEqual([]);
  });

  it('ends the waiting check when the benchmark run fails without results, so it can be re-run again', async () => {
    const head = modelPullRequest(simulator, REPO, 5, { branch: 'broken' });
    uploadResults(simulator, REPO, 211, 'pass');
    await deliverThrice('workflow_run', workflowRunCompleted(211, head, [5]));
    await deliverThrice('check_run', checkRunEvent('requested_action', head, 'broken'));
    expect(gateRuns(head).map((r) => r.status)).toEqual(['completed', 'queued']);

    const crashed = workflowRunCompleted(212, head, []);
    (crashed.workflow_run as { conclusion: string }).conclusion = 'failure';
    await deliverThrice('workflow_run', crashed);
    expect(gateRuns(head).at(-1)).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      external_id: 'workflow-run:212:1',
      output: { title: 'The benchmark run ended without results' },
    });
    // Another workflow's run without results touches nothing.
    const dispatched = state().dispatches.length;
    await deliverThrice('check_run', checkRunEvent('rerequested', head, 'broken'));
    expect(state().dispatches).toHaveLength(dispatched + 1);
    const other = workflowRunCompleted(213, head, []);
    (other.workflow_run as { path: string }).path = '.github/workflows/lint.yml';
    await deliverThrice('workflow_run', other);
    expect(gateRuns(head).at(-1)).toMatchObject({ status: 'queued' });
    expect(simulator.violations).toEqual([]);
  });

  it('does not run a commit its branch no longer points at, other checks, or other buttons', async () => {
    const old = simulator.commit(REPO, { 'model.yml': 'name: acme/chat\n' }, { branch: 'moving' });
    simulator.commit(REPO, { 'model.yml': 'name: acme/chat\nversion: 2.0.0\n' }, { branch: 'moving' });
    const before = state().dispatches.length;
    await deliverThrice('check_run', checkRunEvent('rerequested', old, 'moving'));
    await deliverThrice('check_run', checkRunEvent('requested_action', old, 'moving', 'something-else'));
    const other = checkRunEvent('rerequested', old, 'moving');
    other.check_run.name = 'ci/tests';
    await deliverThrice('check_run', other);
    expect(state().dispatches).toHaveLength(before);
    expect(gateRuns(old)).toHaveLength(0);
    expect(simulator.violations).toEqual([]);
  });
});
