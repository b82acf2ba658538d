import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubSimulator } from './github-simulator.js';

let simulator: GitHubSimulator;

beforeAll(async () => {
  simulator = new GitHubSimulator();
  await simulator.start();
}, 30_000);

afterAll(() => simulator.stop());

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the GitHub simulator', () => {
  it("refuses what GitHub's OpenAPI description refuses, and records it", async () => {
    const before = simulator.violations.length;
    expect((await call('POST', '/repos/acme/models/check-runs', { name: 'gantry/gate' })).status).toBe(422);
    expect(
      (
        await call('POST', '/repos/acme/models/check-runs', {
          name: 'x',
          head_sha: 'a',
          status: 'completed',
          conclusion: 'maybe',
        })
      ).status,
    ).toBe(422);
    expect((await call('GET', '/repos/acme/models/no-such-endpoint')).status).toBe(404);
    expect(simulator.violations.slice(before)).toEqual([
      "POST /repos/{owner}/{repo}/check-runs: GitHub would refuse: (root) must have required property 'head_sha'",
      'POST /repos/{owner}/{repo}/check-runs: GitHub would refuse: /conclusion must be equal to one of the allowed values',
      'GET /repos/acme/models/no-such-endpoint: no such GitHub endpoint',
    ]);
    simulator.violations.length = before;
  });

  it('refuses path and query parameters GitHub would refuse', async () => {
    const before = simulator.violations.length;
    expect((await call('GET', '/repos/acme/models/actions/runs/latest/artifacts')).status).toBe(422);
    expect((await call('GET', '/repos/acme/models/actions/runs/7/artifacts?per_page=many')).status).toBe(422);
    expect(
      (await call('POST', '/repos/acme/models/issues/comments/1/reactions', { content: 'party' })).status,
    ).toBe(422);
    expect(simulator.violations.slice(before)).toEqual([
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts: GitHub would refuse: path parameter run_id must be integer',
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts: GitHub would refuse: query parameter per_page must be integer',
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions: GitHub would refuse: /content must be equal to one of the allowed values',
    ]);
    simulator.violations.length = before;
  });

  it('keeps git objects: a commit made through the Git Data API is on its branch with its files', async () => {
    const base = simulator.commit('acme/models', { 'a.txt': 'a' }, { branch: 'main' });
    const blob = await call('POST', '/repos/acme/models/git/blobs', { content: 'b', encoding: 'utf-8' });
    const tree = await call('POST', '/repos/acme/models/git/trees', {
      base_tree: base,
      tree: [{ path: 'dir/b.txt', mode: '100644', type: 'blob', sha: blob.body.sha }],
    });
    const commit = await call('POST', '/repos/acme/models/git/commits', {
      message: 'add b',
      tree: tree.body.sha,
      parents: [base],
    });
    expect(
      (await call('POST', '/repos/acme/models/git/refs', { ref: 'refs/heads/b', sha: commit.body.sha }))
        .status,
    ).toBe(201);
    expect(
      (await call('POST', '/repos/acme/models/git/refs', { ref: 'refs/heads/b', sha: commit.body.sha }))
        .status,
    ).toBe(422);
    const file = await call('GET', '/repos/acme/models/contents/dir/b.txt?ref=b');
    expect(Buffer.from(String(file.body.content), 'base64').toString()).toBe('b');
    const ref = await call('GET', '/repos/acme/models/git/ref/heads%2Fb');
    expect((ref.body.object as { sha: string }).sha).toBe(commit.body.sha);
    expect(simulator.violations).toEqual([]);
  });

  it("keeps state and answers in GitHub's documented shapes", async () => {
    const head = simulator.commit('acme/models', { 'models/a/model.yml': 'name: a\n' });
    const created = await call('POST', '/repos/acme/models/check-runs', {
      name: 'gantry/gate',
      head_sha: head,
      status: 'in_progress',
    });
    expect(created.status).toBe(201);
    const listed = await call('GET', `/repos/acme/models/commits/${head}/check-runs?check_name=gantry/gate`);
    expect(listed.body.total_count).toBe(1);
    const file = await call('GET', `/repos/acme/models/contents/models/a/model.yml?ref=${head}`);
    expect(Buffer.from(String(file.body.content), 'base64').toString()).toBe('name: a\n');
    expect(simulator.violations).toEqual([]);
  });
});
