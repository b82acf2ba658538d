import { zipSync } from 'fflate';
import { gateReportOf } from '../../core/app/gate-check.js';
import type { GateReport } from '../../schemas/gate-report.js';
import type { GitHubSimulator } from '../github-simulator/github-simulator.js';
import { reportInput } from '../support/report-input.js';
import { example, INSTALLATION } from './app-harness.js';

/** The gate report a workflow uploads for acme/chat 1.3.0: `pass`, `fail` or `inconclusive`. */
export function gateReport(kind: 'pass' | 'fail' | 'inconclusive'): GateReport {
  return gateReportOf(reportInput(kind));
}

/** A results artifact as `actions/upload-artifact` zips it: files by path. */
export function artifactZip(files: Record<string, unknown>): Uint8Array {
  return zipSync(
    Object.fromEntries(
      Object.entries(files).map(([path, data]) => [
        path,
        new TextEncoder().encode(typeof data === 'string' ? data : JSON.stringify(data)),
      ]),
    ),
  );
}

/** GitHub's example `workflow_run.completed`, for a run of this id on `head`, with its pull requests. */
export function workflowRunCompleted(
  run: number,
  head: string,
  pullRequests: number[],
  attempt = 1,
): Record<string, unknown> {
  const payload = example('workflow_run', 'completed');
  const workflowRun = payload.workflow_run as Record<string, unknown>;
  // GitHub's example names another repository as the run's: here the run is the repository's own.
  const repository = { ...(workflowRun.head_repository as object), ...(payload.repository as object) };
  return {
    ...payload,
    installation: INSTALLATION,
    workflow_run: {
      ...workflowRun,
      id: run,
      run_attempt: attempt,
      status: 'completed',
      conclusion: 'success',
      head_sha: head,
      path: '.github/workflows/gantry-ci.yml',
      head_repository: repository,
      repository,
      html_url: `https://github.com/Codertocat/Hello-World/actions/runs/${run}`,
      pull_requests: pullRequests.map((number) => ({
        url: `https://api.github.com/repos/Codertocat/Hello-World/pulls/${number}`,
        id: 900 + number,
        number,
        head: { ref: `change-${number}`, sha: head, repo: { id: 1, url: '', name: 'Hello-World' } },
        base: { ref: 'main', sha: head, repo: { id: 1, url: '', name: 'Hello-World' } },
      })),
    },
  };
}

/** GitHub's example `issue_comment.created`: `login` commenting `body` (comment `id`) on pull request `number`. */
export function commentCreated(number: number, id: number, body: string, login: string) {
  const payload = example('issue_comment', 'created');
  const repo = (payload.repository as { full_name: string }).full_name;
  const comment = payload.comment as Record<string, unknown>;
  return {
    ...payload,
    installation: INSTALLATION,
    issue: {
      ...(payload.issue as object),
      number,
      pull_request: {
        url: `https://api.github.com/repos/${repo}/pulls/${number}`,
        html_url: `https://github.com/${repo}/pull/${number}`,
        diff_url: `https://github.com/${repo}/pull/${number}.diff`,
        patch_url: `https://github.com/${repo}/pull/${number}.patch`,
      },
    },
    comment: {
      ...comment,
      id,
      body,
      html_url: `https://github.com/${repo}/pull/${number}#issuecomment-${id}`,
      user: { ...(comment.user as object), login, type: 'User' },
    },
  };
}

/** The repository most app tests start from: a default branch, the benchmark workflow, a writer (alice). */
export function standardRepository(simulator: GitHubSimulator, fullName: string, branch = 'main'): void {
  simulator.repository(fullName).defaultBranch = branch;
  simulator.commit(fullName, { 'README.md': '# models' }, { branch });
  simulator.repository(fullName).workflows.add('gantry-ci.yml');
  simulator.repository(fullName).collaborators.set('alice', 'write');
}

/** Workflow run `run`'s gantry-results artifact: one gate report, at its root, of the given kind. */
export function uploadResults(
  simulator: GitHubSimulator,
  fullName: string,
  run: number,
  kind: 'pass' | 'fail' | 'inconclusive',
): void {
  simulator.artifact(fullName, run, 'gantry-results', artifactZip({ 'gate-report.json': gateReport(kind) }));
}

/** A pull request whose head commit (returned) writes acme/chat's model.yml, on `branch` where given. */
export function modelPullRequest(
  simulator: GitHubSimulator,
  fullName: string,
  number: number,
  options: { branch?: string; headRepo?: string } = {},
): string {
  const { branch, headRepo } = options;
  const head = simulator.commit(fullName, { 'model.yml': 'name: acme/chat\n' }, branch ? { branch } : {});
  simulator.pullRequest(fullName, number, head, ['model.yml'], {
    ...(branch ? { ref: branch } : {}),
    ...(headRepo ? { headRepo } : {}),
  });
  return head;
}

/** GitHub's example `pull_request.opened` event, for pull request `number` at `head`. */
export function pullRequestOpened(number: number, head: string) {
  const opened = example('pull_request', 'opened');
  const pr = opened.pull_request as Record<string, unknown>;
  return {
    ...opened,
    number,
    installation: INSTALLATION,
    pull_request: { ...pr, number, head: { ...(pr.head as object), sha: head } },
  };
}
