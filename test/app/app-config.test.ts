import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppHarness } from './app-harness.js';
import { type PushedRepository, pushEvent } from './push-event.js';
import { artifactZip, gateReport, workflowRunCompleted } from './results-fixtures.js';

const REPO = 'Codertocat/Hello-World';
const harness = new AppHarness();
const simulator = harness.simulator;
const state = () => simulator.repository(REPO);
const deliverThrice = async (event: string, payload: unknown) =>
  expect(await harness.deliverThrice(event, payload)).toEqual([200, 200, 200]);

beforeAll(() => harness.start(), 30_000);
afterAll(() => harness.stop());

/** `.github/gantry.yml` committed to the default branch, and the push GitHub then sends. */
async function configure(text: string): Promise<void> {
  simulator.commit(REPO, { '.github/gantry.yml': text }, { branch: 'main' });
  const repository = workflowRunCompleted(1, 'head', []).repository as PushedRepository;
  expect(await harness.deliver('push', pushEvent(repository, ['.github/gantry.yml']))).toBe(200);
}

/** A run on a new pull request with a passing gate report; returns the head commit. */
function runWithResults(run: number, pull: number, artifact = 'gantry-results'): string {
  const head = simulator.commit(REPO, { 'model.yml': `name: acme/chat\n# ${run}\n` });
  simulator.pullRequest(REPO, pull, head, ['model.yml']);
  simulator.artifact(REPO, run, artifact, artifactZip({ 'gate-report.json': gateReport('pass') }));
  return head;
}

describe('.github/gantry.yml', () => {
  it('is read from the default branch: its artifact name and comment switch are followed', async () => {
    await configure('artifact: model-results\ncomment: false\n');
    const ignored = runWithResults(301, 11);
    await deliverThrice('workflow_run', workflowRunCompleted(301, ignored, [11]));
    expect(state().checkRuns.filter((r) => r.head_sha === ignored)).toHaveLength(0);

    const head = runWithResults(302, 12, 'model-results');
    await deliverThrice('workflow_run', workflowRunCompleted(302, head, [12]));
    expect(state().checkRuns.filter((r) => r.head_sha === head)).toMatchObject([
      { name: 'gantry/gate', conclusion: 'success' },
    ]);
    expect(state().comments.filter((c) => c.issue === 12)).toHaveLength(0);
    expect(simulator.violations).toEqual([]);
  });

  it('when invalid, is reported once as a failing gantry/config check at the place to fix, and nothing else is done', async () => {
    await configure('# Gantry\nworkflow: bench\ncomment: yes\npermissions:\n  promote: write\n');
    const head = runWithResults(303, 13);
    await deliverThrice('workflow_run', workflowRunCompleted(303, head, [13]));
    const runs = state().checkRuns.filter((r) => r.head_sha === head);
    expect(runs.map((r) => [r.name, r.conclusion])).toEqual([['gantry/config', 'failure']]);
    expect(runs[0]!.output.title).toBe('3 problems in .github/gantry.yml');
    expect(runs[0]!.annotations).toEqual([
      expect.objectContaining({
        path: '.github/gantry.yml',
        start_line: 2,
        start_column: 11,
        message: 'workflow: a workflow file name in .github/workflows, like gantry-ci.yml, got "bench"',
      }),
      expect.objectContaining({ start_line: 3, message: 'comment: expected true or false, got "yes"' }),
      expect.objectContaining({
        start_line: 5,
        message: 'permissions.promote: expected one of maintain, admin, got "write"',
      }),
    ]);
    expect(state().comments.filter((c) => c.issue === 13)).toHaveLength(0);
    expect(simulator.violations).toEqual([]);
  });

  it('that is not YAML is reported too', async () => {
    await configure('workflow: [unclosed\n');
    const head = runWithResults(304, 14);
    await deliverThrice('workflow_run', workflowRunCompleted(304, head, [14]));
    const runs = state().checkRuns.filter((r) => r.head_sha === head);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'gantry/config', conclusion: 'failure' });
    expect(runs[0]!.annotations).toEqual([
      expect.objectContaining({
        path: '.github/gantry.yml',
        start_line: 2,
        message: expect.stringContaining('not valid YAML'),
      }),
    ]);
    expect(simulator.violations).toEqual([]);
  });
});
