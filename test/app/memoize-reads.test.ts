import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoizeReads } from '../../app/memoize-reads.js';
import { GitHubSimulator } from '../github-simulator/github-simulator.js';
import { simulatorOctokit } from '../github-simulator/simulator-octokit.js';

const REPO = 'acme/models';
let simulator: GitHubSimulator;

beforeAll(async () => {
  simulator = new GitHubSimulator();
  await simulator.start();
  simulator.commit(REPO, { 'model.yml': 'name: acme/chat\n' }, { branch: 'main' });
  simulator.pullRequest(REPO, 3, simulator.repository(REPO).branches.get('main')!, ['model.yml']);
}, 30_000);

afterAll(() => simulator.stop());

describe("an event's reads", () => {
  it('are asked of GitHub once until the event writes, and each caller gets its own copy', async () => {
    const octokit = simulatorOctokit(simulator.url);
    memoizeReads(octokit);
    memoizeReads(octokit);
    const before = simulator.calls.length;
    const list = () => octokit.rest.issues.listComments({ owner: 'acme', repo: 'models', issue_number: 3 });

    const first = await list();
    first.data.push({ ...first.data[0]!, body: 'changed by a caller' });
    const second = await list();
    expect(second.data).toEqual([]);
    // Another request (another query) is asked of GitHub.
    await octokit.rest.issues.listComments({ owner: 'acme', repo: 'models', issue_number: 3, per_page: 100 });
    expect(simulator.calls.length - before).toBe(2);

    await octokit.rest.issues.createComment({
      owner: 'acme',
      repo: 'models',
      issue_number: 3,
      body: 'results',
    });
    expect((await list()).data.map((c) => c.body)).toEqual(['results']);
    expect(simulator.calls.length - before).toBe(4);
    expect(simulator.violations).toEqual([]);
  });

  it('are not shared between events: each has an Octokit of its own', async () => {
    const before = simulator.calls.length;
    for (const octokit of [simulatorOctokit(simulator.url), simulatorOctokit(simulator.url)]) {
      memoizeReads(octokit);
      await octokit.rest.pulls.get({ owner: 'acme', repo: 'models', pull_number: 3 });
    }
    expect(simulator.calls.length - before).toBe(2);
  });
});
