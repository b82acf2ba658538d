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
