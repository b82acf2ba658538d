import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubSimulator } from './github-simulator.js';
import { SimulatedReleases } from './release-routes.js';
import { simulatorOctokit } from './simulator-octokit.js';

let simulator: GitHubSimulator;

beforeAll(async () => {
  simulator = new GitHubSimulator();
  new SimulatedReleases(simulator);
  await simulator.start();
}, 30_000);

afterAll(() => simulator.stop());

const repo = { owner: 'acme', repo: 'releases' };
const status = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { status?: number }) => error.status,
  );

describe('simulated releases, contents and deployments', () => {
  it('keeps GitHub’s rules: one release per tag, drafts have no tag, a published immutable release takes no asset', async () => {
    const octokit = simulatorOctokit(simulator.url);
    const sha = simulator.commit('acme/releases', { 'a.txt': 'a' }, { branch: 'main' });
    const { data: draft } = await octokit.rest.repos.createRelease({
      ...repo,
      tag_name: 'm@1.0.0',
      target_commitish: sha,
      draft: true,
    });
    expect(draft.upload_url).toBe(
      `${simulator.url}/repos/acme/releases/releases/${draft.id}/assets{?name,label}`,
    );
    expect(await status(octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'm@1.0.0' }))).toBe(404);
    expect(
      await status(octokit.rest.repos.createRelease({ ...repo, tag_name: 'm@1.0.0', draft: true })),
    ).toBe(422);
    const asset = await octokit.rest.repos.uploadReleaseAsset({
      ...repo,
      release_id: draft.id,
      url: draft.upload_url,
      name: 'notes.txt',
      data: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(asset.data).toMatchObject({ name: 'notes.txt', size: 5, state: 'uploaded' });
    await octokit.rest.repos.updateRelease({ ...repo, release_id: draft.id, draft: false });
    const { data: published } = await octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'm@1.0.0' });
    expect(published).toMatchObject({ draft: false, immutable: true });
    expect(
      await status(
        octokit.rest.repos.uploadReleaseAsset({
          ...repo,
          release_id: draft.id,
          url: draft.upload_url,
          name: 'late.txt',
          data: 'too late',
        }),
      ),
    ).toBe(422);
    const { data: file } = await octokit.rest.repos.getReleaseAsset({
      ...repo,
      asset_id: asset.data.id,
      headers: { accept: 'application/octet-stream' },
    });
    expect(Buffer.from(file as unknown as ArrayBuffer).toString()).toBe('hello');
    expect(simulator.violations).toEqual([]);
  });

  it('writes files against their blob (409 when it moved) and deploys only refs that exist', async () => {
    const octokit = simulatorOctokit(simulator.url);
    simulator.commit('acme/releases', { 'a.txt': 'a' }, { branch: 'main' });
    const put = (content: string, sha?: string) =>
      octokit.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: 'dir/f.yml',
        message: 'write',
        content: Buffer.from(content).toString('base64'),
        ...(sha ? { sha } : {}),
      });
    const first = await put('one');
    expect(first.status).toBe(201);
    expect(await status(put('two'))).toBe(422);
    const second = await put('two', first.data.content!.sha!);
    expect(await status(put('three', first.data.content!.sha!))).toBe(409);
    await put('three', second.data.content!.sha!);
    const { data } = await octokit.rest.repos.getContent({ ...repo, path: 'dir/f.yml' });
    expect(Buffer.from((data as { content: string }).content, 'base64').toString()).toBe('three');

    expect(
      await status(
        octokit.rest.repos.createDeployment({ ...repo, ref: 'no-such-tag', required_contexts: [] }),
      ),
    ).toBe(422);
    const { data: deployment } = await octokit.rest.repos.createDeployment({
      ...repo,
      ref: 'main',
      environment: 'staging',
      required_contexts: [],
    });
    if (!('id' in deployment)) throw new Error('no deployment');
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: deployment.id,
      state: 'success',
    });
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: deployment.id,
    });
    expect(statuses.map((s) => s.state)).toEqual(['success']);
    expect(simulator.violations).toEqual([]);
  });
});
