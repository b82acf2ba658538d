import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentMarker } from '../../core/report/pr-comment.js';
import { AppHarness } from './app-harness.js';
import {
  artifactZip,
  gateReport,
  modelPullRequest,
  uploadResults,
  workflowRunCompleted,
} from './results-fixtures.js';

const REPO = 'Codertocat/Hello-World';
const harness = new AppHarness();
const simulator = harness.simulator;
const deliverThrice = async (event: string, payload: unknown) =>
  expect(await harness.deliverThrice(event, payload)).toEqual([200, 200, 200]);

beforeAll(() => harness.start(), 30_000);
afterAll(() => harness.stop());

const gateRuns = (head: string) =>
  simulator.repository(REPO).checkRuns.filter((r) => r.head_sha === head && r.name === 'gantry/gate');
const commentsOn = (pull: number) => simulator.repository(REPO).comments.filter((c) => c.issue === pull);

describe('results of a workflow run', () => {
  it('become one gantry/gate check run and one PR comment, however often the event arrives', async () => {
    simulator.commit(REPO, { 'README.md': '# models' }, { branch: 'main' });
    const head = simulator.commit(REPO, { 'models/chat/model.yml': 'name: acme/chat\n' });
    simulator.pullRequest(REPO, 7, head, ['models/chat/model.yml']);
    simulator.artifact(
      REPO,
      101,
      'gantry-results',
      artifactZip({ 'models/chat/gate-report.json': gateReport('fail') }),
    );
    simulator.artifact(REPO, 101, 'logs', artifactZip({ 'log.txt': 'x' }));

    await deliverThrice('workflow_run', workflowRunCompleted(101, head, [7]));

    const runs = gateRuns(head);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      external_id: 'workflow-run:101:1',
      details_url: 'https://github.com/Codertocat/Hello-World/actions/runs/101',
      actions: [{ label: 'Re-run benchmark', identifier: 'rerun-benchmark' }],
    });
    expect(runs[0]!.output.title).toContain('acme/chat 1.3.0: fail');
    expect(runs[0]!.annotations).toContainEqual(
      expect.objectContaining({ path: 'models/chat/model.yml', annotation_level: 'failure' }),
    );
    const comments = commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(commentMarker('acme/chat'))).toBe(true);
    expect(comments[0]!.user).toBe(simulator.botLogin);
    expect(simulator.violations).toEqual([]);
  });

  it('updates the comment in place and adds a check run for a new attempt of the run', async () => {
    const head = simulator.commit(REPO, { 'models/chat/model.yml': 'name: acme/chat\nversion: 1.3.0\n' });
    simulator.pullRequest(REPO, 8, head, ['models/chat/model.yml']);
    uploadResults(simulator, REPO, 102, 'inconclusive');
    await deliverThrice('workflow_run', workflowRunCompleted(102, head, [8]));
    const before = commentsOn(8)[0]!.body;
    expect(gateRuns(head)[0]).toMatchObject({ conclusion: 'action_required' });

    uploadResults(simulator, REPO, 102, 'pass');
    await deliverThrice('workflow_run', workflowRunCompleted(102, head, [8], 2));

    expect(gateRuns(head).map((r) => [r.external_id, r.conclusion])).toEqual([
      ['workflow-run:102:1', 'action_required'],
      ['workflow-run:102:2', 'success'],
    ]);
    const comments = commentsOn(8);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).not.toBe(before);
    expect(comments[0]!.body).toContain('passes the gate');
    expect(simulator.violations).toEqual([]);
  });

  it('finds the pull request of a dispatched run by its head commit', async () => {
    const head = modelPullRequest(simulator, REPO, 9);
    simulator.artifact(
      REPO,
      103,
      'gantry-results',
      artifactZip({ 'a/gate-report.json': gateReport('pass') }),
    );
    await deliverThrice('workflow_run', workflowRunCompleted(103, head, []));
    expect(gateRuns(head)).toHaveLength(1);
    expect(commentsOn(9)).toHaveLength(1);
    expect(simulator.violations).toEqual([]);
  });

  it('fails the check and says what is wrong when the artifact is malformed, and comments nothing', async () => {
    const head = modelPullRequest(simulator, REPO, 10);
    const broken = { ...gateReport('pass'), verdict: { ...gateReport('pass').verdict, verdict: 'maybe' } };
    simulator.artifact(
      REPO,
      104,
      'gantry-results',
      artifactZip({ 'models/chat/gate-report.json': broken, 'models/asr/gate-report.json': '{ not json' }),
    );
    await deliverThrice('workflow_run', workflowRunCompleted(104, head, [10]));
    const runs = gateRuns(head);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      conclusion: 'failure',
      output: { title: 'Results artifact "gantry-results" is unusable' },
    });
    expect(runs[0]!.output.summary).toContain('models/chat/gate-report.json: verdict.verdict:');
    expect(runs[0]!.output.summary).toContain('models/asr/gate-report.json: not JSON');
    expect(commentsOn(10)).toHaveLength(0);
    expect(simulator.violations).toEqual([]);
  });

  it('finds its comment among more than a page of other comments', async () => {
    const head = modelPullRequest(simulator, REPO, 17);
    for (let i = 0; i < 120; i++)
      simulator
        .repository(REPO)
        .comments.push({ id: 70_000 + i, issue: 17, body: `comment ${i}`, user: 'octocat' });
    uploadResults(simulator, REPO, 108, 'fail');
    await deliverThrice('workflow_run', workflowRunCompleted(108, head, [17]));
    uploadResults(simulator, REPO, 109, 'pass');
    await deliverThrice('workflow_run', workflowRunCompleted(109, head, [17]));
    const mine = commentsOn(17).filter((c) => c.user === simulator.botLogin);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain('passes the gate');
    expect(simulator.violations).toEqual([]);
  });

  it('converges when a delivery that failed half-way is delivered again', async () => {
    const head = modelPullRequest(simulator, REPO, 16);
    uploadResults(simulator, REPO, 107, 'fail');
    // The check is written and the comment, next in the same request, is not.
    simulator.failGraphqlField('addComment');
    const payload = workflowRunCompleted(107, head, [16]);
    expect(await harness.deliver('workflow_run', payload, 'delivery-107')).toBeGreaterThanOrEqual(500);
    expect(gateRuns(head)).toHaveLength(1);
    expect(commentsOn(16)).toHaveLength(0);

    expect(await harness.deliver('workflow_run', payload, 'delivery-107')).toBe(200);
    expect(await harness.deliver('workflow_run', payload, 'delivery-107')).toBe(200);
    expect(gateRuns(head)).toHaveLength(1);
    expect(commentsOn(16)).toHaveLength(1);
    expect(simulator.violations).toEqual([]);
  });

  it("never takes a fork's run as results", async () => {
    const head = modelPullRequest(simulator, REPO, 15, { headRepo: 'mallory/Hello-World' });
    uploadResults(simulator, REPO, 106, 'pass');
    const payload = workflowRunCompleted(106, head, []);
    const run = payload.workflow_run as { head_repository: Record<string, unknown> };
    run.head_repository = { ...run.head_repository, id: 666, full_name: 'mallory/Hello-World' };
    await deliverThrice('workflow_run', payload);
    expect(gateRuns(head)).toHaveLength(0);
    expect(commentsOn(15)).toHaveLength(0);
    expect(simulator.violations).toEqual([]);
  });

  it('leaves runs without Gantry results alone', async () => {
    const head = simulator.commit(REPO, { 'model.yml': 'name: acme/chat\n' });
    simulator.artifact(REPO, 105, 'coverage', artifactZip({ 'lcov.info': '' }));
    expect(await harness.deliver('workflow_run', workflowRunCompleted(105, head, []))).toBe(200);
    expect(gateRuns(head)).toHaveLength(0);
    expect(simulator.violations).toEqual([]);
  });
});
