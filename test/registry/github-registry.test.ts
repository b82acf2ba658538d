import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitHubAuditLog } from '../../core/audit/github-audit-log.js';
import { GitHubRegistry } from '../../core/registry/github-registry.js';
import { hostedRegistry } from '../../core/registry/hosted-registry.js';
import { EnvironmentFile } from '../../schemas/environment-file.js';
import { GitHubSimulator } from '../github-simulator/github-simulator.js';
import { SimulatedReleases } from '../github-simulator/release-routes.js';
import { simulatorOctokit } from '../github-simulator/simulator-octokit.js';
import { runCli } from '../support/run-cli.js';
import { registryContract, versionDraft } from './registry-contract.js';

let simulator: GitHubSimulator;
let releases: SimulatedReleases;

beforeAll(async () => {
  simulator = new GitHubSimulator();
  releases = new SimulatedReleases(simulator);
  await simulator.start();
}, 30_000);

afterAll(() => simulator.stop());

let repos = 0;

/** A fresh repository on the simulator, with a registry talking to it over HTTP. */
function fixture() {
  const name = `models-${++repos}`;
  const full = `acme/${name}`;
  let n = 0;
  const backend = () =>
    new GitHubRegistry({
      octokit: simulatorOctokit(simulator.url),
      owner: 'acme',
      repo: name,
      deploymentPayload: (entry) => ({ folder: `models/${entry.model.split('/')[1]}` }),
    });
  return {
    full,
    backend,
    registry: backend(),
    commit: async () =>
      simulator.commit(full, { 'model.yml': `name: acme/chat\nversion: 1.0.${n++}\n` }, { branch: 'main' }),
    /** The calls this repository got, as `METHOD /path-after-the-repository`. */
    calls: () =>
      simulator.calls
        .filter((c) => c.path.startsWith(`/repos/${full}/`))
        .map((c) => `${c.method} ${c.path.slice(`/repos/${full}`.length)}`),
  };
}

registryContract('GitHub', async () => fixture());

const alice = { actor: 'alice', now: new Date('2026-11-23T10:00:00.000Z') };
const bob = { actor: 'bob', now: new Date('2026-11-23T11:00:00.000Z') };

describe('GitHubRegistry', () => {
  it('makes each version a draft release, uploads its records, then publishes it as a pre-release', async () => {
    const { full, registry, commit, calls } = fixture();
    const sha = await commit();
    const before = calls().length;
    const { version } = await registry.record(
      versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass', against: '0.9.0' }),
      alice,
    );
    const writes = calls()
      .slice(before)
      .filter((c) => !c.startsWith('GET'));
    const id = releases.repository(full).releases[0]!.id;
    expect(writes).toEqual([
      'POST /releases',
      ...['version.json', ...version.records.map((r) => r.name)].map(() => `POST /releases/${id}/assets`),
      `PATCH /releases/${id}`,
    ]);
    const [release] = releases.repository(full).releases;
    expect(release).toMatchObject({
      tag_name: 'acme/chat@1.0.0',
      target_commitish: sha,
      name: 'acme/chat 1.0.0',
      draft: false,
      prerelease: true,
      immutable: true,
    });
    expect(release!.assets.map((a) => a.name)).toEqual([
      'version.json',
      'model.yml',
      'build-cpu.json',
      'bench-chat-1.json',
      'bench-chat-2.json',
      'eval-holdout.json',
      'gate.json',
    ]);
    expect(JSON.parse(release!.assets[0]!.text)).toMatchObject({ digest: version.digest, git_sha: sha });
    expect(releases.repository(full).tags.get('acme/chat@1.0.0')).toBe(sha);
    expect(release!.body).toContain('✅ gate **pass** against 0.9.0');
    expect(release!.body).toMatch(/\| chat \| 2 \| 40 ok, 0 failed \| ttft_ms p50 [\d.]+, p99 [\d.]+ \|/);
    expect(release!.body).toMatch(/\| holdout \| .*accuracy 0\.6667/);
    expect(release!.body).toContain(`| cpu | \`127.0.0.1:5000/acme/chat@sha256:${'2'.repeat(64)}\` |`);

    // Recording it again reads it back; nothing is uploaded to the published (immutable) release.
    const again = calls().length;
    expect(
      (
        await registry.record(
          versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass', against: '0.9.0' }),
          bob,
        )
      ).created,
    ).toBe(false);
    expect(
      calls()
        .slice(again)
        .filter((c) => !c.startsWith('GET')),
    ).toEqual([]);
    expect(simulator.violations).toEqual([]);
  });

  it('finishes the draft an interrupted recording left instead of making a second release', async () => {
    const { full, registry, commit } = fixture();
    const sha = await commit();
    // Every asset is uploaded, then publishing fails.
    simulator.fail('PATCH', '/repos/{owner}/{repo}/releases/{release_id}', 502, 1);
    const draft = versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass' });
    await expect(registry.record(draft, alice)).rejects.toMatchObject({ status: 502 });
    expect(releases.repository(full).releases).toMatchObject([{ draft: true }]);
    expect(releases.repository(full).releases[0]!.assets).toHaveLength(7);
    // The draft this call finishes was made before: it reports nothing created, as a racing writer would.
    const { created } = await registry.record(draft, alice);
    expect(created).toBe(false);
    expect(releases.repository(full).releases).toHaveLength(1);
    expect(releases.repository(full).releases[0]).toMatchObject({ draft: false });
    expect((await registry.records('acme/chat', '1.0.0')).gate?.verdict).toBe('pass');
    expect(simulator.violations).toEqual([]);
  });

  it('records a version once when writers record it at the same time', async () => {
    const { full, registry, backend, commit } = fixture();
    const sha = await commit();
    const draft = versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass' });
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => backend().record(draft, alice)));
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    // The tag was contended: the other writers' drafts were refused and they finished or waited for the one.
    const creates = simulator.calls.filter(
      (c) => c.method === 'POST' && c.path === `/repos/${full}/releases`,
    );
    expect(creates.filter((c) => c.status === 422).length).toBeGreaterThan(0);
    expect(new Set(outcomes.map((o) => o.version.digest)).size).toBe(1);
    expect(releases.repository(full).releases).toMatchObject([{ draft: false, tag_name: 'acme/chat@1.0.0' }]);
    expect(releases.repository(full).releases[0]!.assets).toHaveLength(7);
    expect((await registry.list()).map((v) => v.version)).toEqual(['1.0.0']);
    await expect(
      backend().record(versionDraft('acme/chat', '1.0.0', sha, { verdict: 'fail' }), alice),
    ).rejects.toMatchObject({ code: 'version_exists' });
    expect(simulator.violations).toEqual([]);
  });

  it('refuses a commit the repository does not have, and a release of that tag that is not a version', async () => {
    const { full, registry, commit } = fixture();
    await expect(
      registry.record(versionDraft('acme/chat', '1.0.0', 'f'.repeat(40)), alice),
    ).rejects.toMatchObject({ code: 'unknown_commit' });
    const sha = await commit();
    const octokit = simulatorOctokit(simulator.url);
    await octokit.rest.repos.createRelease({
      owner: 'acme',
      repo: full.split('/')[1]!,
      tag_name: 'acme/chat@1.0.0',
      target_commitish: sha,
    });
    await expect(registry.record(versionDraft('acme/chat', '1.0.0', sha), alice)).rejects.toMatchObject({
      code: 'tag_exists',
    });
    expect(await registry.list()).toEqual([]);

    // A tag of the version's name pushed on another commit: the release would land there, so it is refused.
    const other = await commit();
    releases.tag(full, 'acme/chat@2.0.0', other);
    await expect(registry.record(versionDraft('acme/chat', '2.0.0', sha), alice)).rejects.toMatchObject({
      code: 'tag_exists',
      message: expect.stringContaining(`the tag acme/chat@2.0.0 in ${full} is on ${other}`),
    });
    // On the version's own commit (as the local registry pushes it) the tag is used as it is.
    releases.tag(full, 'acme/chat@3.0.0', sha);
    expect((await registry.record(versionDraft('acme/chat', '3.0.0', sha), alice)).created).toBe(true);
    expect(simulator.violations).toEqual([]);
  });

  it('names the branch when the environment files have none to live on', async () => {
    const { full, commit } = fixture();
    const sha = await commit();
    const registry = new GitHubRegistry({
      octokit: simulatorOctokit(simulator.url),
      owner: 'acme',
      repo: full.split('/')[1]!,
      branch: 'trunk',
    });
    await registry.record(versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass' }), alice);
    const message = `${full} has no branch trunk, where the environment files live`;
    await expect(registry.environments()).rejects.toThrow(message);
    await expect(
      registry.promote({ model: 'acme/chat', version: '1.0.0', environment: 'staging', ...alice }),
    ).rejects.toMatchObject({ code: 'branch_missing' });

    // Unless told, the registry asks GitHub for the repository's default branch.
    const git = simulator.repository(full);
    git.defaultBranch = 'trunk';
    git.branches.set('trunk', sha);
    await new GitHubRegistry({
      octokit: simulatorOctokit(simulator.url),
      owner: 'acme',
      repo: full.split('/')[1]!,
    }).promote({ model: 'acme/chat', version: '1.0.0', environment: 'staging', ...alice });
    expect(git.commits.get(git.branches.get('trunk')!)!.has('.gantry/environments/staging.yml')).toBe(true);
    expect(await registry.history('acme/chat', 'staging')).toHaveLength(1);
    expect(simulator.violations).toEqual([]);
  });

  it('keeps each environment in .gantry/environments/ENV.yml, with a deployment and its status per move', async () => {
    const { full, registry, commit } = fixture();
    const sha = await commit();
    for (const version of ['1.0.0', '1.1.0'])
      await registry.record(versionDraft('acme/chat', version, sha, { verdict: 'pass' }), alice);
    const at = { model: 'acme/chat', environment: 'production' };
    await registry.promote({ ...at, version: '1.0.0', ...alice });
    await registry.promote({ ...at, version: '1.1.0', note: 'faster', ...bob });
    await registry.promote({ ...at, version: '1.1.0', ...bob });
    await registry.rollback({ ...at, note: 'p99 doubled', ...alice });

    const git = simulator.repository(full);
    const text = git.commits.get(git.branches.get('main')!)!.get('.gantry/environments/production.yml')!;
    expect(text).toMatch(/^# Desired state of the production environment/);
    const file = EnvironmentFile.parse(parse(text));
    const v100 = await registry.get('acme/chat', '1.0.0');
    expect(file.models['acme/chat']).toMatchObject({ version: '1.0.0', digest: v100!.digest });
    expect(file.models['acme/chat']!.history.map((e) => [e.seq, e.reason, e.to])).toEqual([
      [1, 'promote', '1.0.0'],
      [2, 'promote', '1.1.0'],
      [3, 'rollback', '1.0.0'],
    ]);

    const deployments = releases.repository(full).deployments;
    expect(deployments.map((d) => [d.ref, d.environment, d.sha, (d.payload as { seq: number }).seq])).toEqual(
      [
        ['acme/chat@1.0.0', 'production', sha, 1],
        ['acme/chat@1.1.0', 'production', sha, 2],
        ['acme/chat@1.0.0', 'production', sha, 3],
      ],
    );
    expect(deployments[2]!.payload).toMatchObject({
      model: 'acme/chat',
      version: '1.0.0',
      digest: v100!.digest,
      reason: 'rollback',
      previous_version: '1.1.0',
      folder: 'models/chat',
      images: { cpu: { digest: `sha256:${'2'.repeat(64)}` } },
    });
    expect(deployments.every((d) => d.production_environment)).toBe(true);
    expect(deployments.map((d) => d.statuses.map((s) => s.state))).toEqual([
      ['queued'],
      ['queued'],
      ['queued'],
    ]);
    expect(deployments[2]!.statuses[0]!.description).toBe('rollback 1.1.0 -> 1.0.0 by alice');
    expect(simulator.violations).toEqual([]);
  });

  it('keeps a version a pre-release while a candidate; production makes it a full release and the latest', async () => {
    const { full, registry, commit } = fixture();
    const sha = await commit();
    for (const version of ['1.0.0', '1.1.0', '1.2.0'])
      await registry.record(versionDraft('acme/chat', version, sha, { verdict: 'pass' }), alice);
    const state = releases.repository(full);
    const release = (version: string) => state.releases.find((r) => r.tag_name === `acme/chat@${version}`)!;
    await registry.promote({ model: 'acme/chat', version: '1.2.0', environment: 'staging', ...alice });
    expect(release('1.2.0').prerelease).toBe(true);
    expect(state.latest).toBeUndefined();
    expect(state.deployments[0]).toMatchObject({ environment: 'staging', production_environment: false });

    await registry.promote({ model: 'acme/chat', version: '1.0.0', environment: 'production', ...alice });
    await registry.promote({ model: 'acme/chat', version: '1.1.0', environment: 'production', ...alice });
    expect([release('1.0.0').prerelease, release('1.1.0').prerelease, release('1.2.0').prerelease]).toEqual([
      false,
      false,
      true,
    ]);
    expect(state.latest).toBe(release('1.1.0').id);
    await registry.rollback({ model: 'acme/chat', environment: 'production', ...bob });
    expect(state.latest).toBe(release('1.0.0').id);
    expect(simulator.violations).toEqual([]);
  });

  it('loses no move when writers promote at once: a moved file is read again and the change retried', async () => {
    const { full, registry, backend, commit, calls } = fixture();
    const sha = await commit();
    const versions = Array.from({ length: 6 }, (_, i) => `1.${i}.0`);
    for (const version of versions) await registry.record(versionDraft('acme/chat', version, sha), alice);
    const before = calls().length;
    await Promise.all(
      versions.map((version) =>
        backend().promote({ model: 'acme/chat', version, environment: 'production', ...alice }),
      ),
    );
    const history = await registry.history('acme/chat', 'production');
    expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.map((e) => e.to).sort()).toEqual(versions);
    for (const [i, entry] of history.entries()) expect(entry.from).toBe(history[i - 1]?.to ?? null);
    const statuses = simulator.calls
      .filter((c) => c.method === 'PUT' && c.path.startsWith(`/repos/${full}/contents/`))
      .map((c) => c.status);
    expect(statuses.filter((s) => s === 409 || s === 422).length).toBeGreaterThan(0);
    expect(calls().slice(before).length).toBeGreaterThan(0);
    expect(
      releases
        .repository(full)
        .deployments.map((d) => (d.payload as { seq: number }).seq)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await registry.current('acme/chat', 'production'))?.version).toBe(history.at(-1)!.to);
    // The losers' refused writes are GitHub's documented answers, not violations.
    expect(simulator.violations).toEqual([]);
  });

  it('converges when a promotion was written but its deployment was not', async () => {
    const { full, registry, commit } = fixture();
    const sha = await commit();
    await registry.record(versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass' }), alice);
    simulator.fail('POST', '/repos/{owner}/{repo}/deployments', 502, 1);
    const promote = { model: 'acme/chat', version: '1.0.0', environment: 'production', ...alice };
    await expect(registry.promote(promote)).rejects.toMatchObject({ status: 502 });
    expect(releases.repository(full).deployments).toHaveLength(0);
    expect((await registry.promote(promote)).changed).toBe(false);
    expect((await registry.promote(promote)).changed).toBe(false);
    expect(releases.repository(full).deployments).toHaveLength(1);
    expect(releases.repository(full).releases[0]!.prerelease).toBe(false);
    expect(await registry.history('acme/chat', 'production')).toHaveLength(1);
    expect(simulator.violations).toEqual([]);
  });

  it('audits every change on the gantry-audit branch through the API when hosted', async () => {
    const { full, commit } = fixture();
    const sha = await commit();
    const at = { owner: 'acme', repo: full.split('/')[1]!, octokit: simulatorOctokit(simulator.url) };
    const registry = hostedRegistry(at, { delivery: 'd-1' });
    for (let i = 0; i < 2; i++) {
      await registry.record(versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass' }), alice);
      await registry.promote({ model: 'acme/chat', version: '1.0.0', environment: 'production', ...alice });
    }
    const verdict = await new GitHubAuditLog(at).verify();
    expect(verdict.ok).toBe(true);
    expect(verdict.entries.map((e) => [e.event, e.subject.version, e.links])).toEqual([
      [
        'version_recorded',
        '1.0.0',
        { run: 'https://github.com/acme/models/actions/runs/42', delivery: 'd-1' },
      ],
      ['promoted', '1.0.0', { delivery: 'd-1' }],
    ]);
    expect(simulator.violations).toEqual([]);
  });

  it('converges under failing requests: retried operations leave one release per version and one deployment per move', async () => {
    const { full, registry, commit } = fixture();
    const sha = await commit();
    const versions = ['1.0.0', '1.1.0', '1.2.0'];
    let failures = 0;
    /** What a redelivered event or a re-run job does: the same request again until it succeeds. */
    async function retried<T>(operation: () => Promise<T>): Promise<T> {
      for (;;) {
        try {
          return await operation();
        } catch (error) {
          // 502s and secondary rate limits (403): the caller's Octokit retries these, here a loop does.
          if (![403, 502].includes((error as { status?: number }).status ?? 0)) throw error;
          failures++;
        }
      }
    }
    simulator.faultRate = 0.25;
    try {
      for (const version of versions) {
        await retried(() =>
          registry.record(versionDraft('acme/chat', version, sha, { verdict: 'pass' }), alice),
        );
        await retried(() =>
          registry.promote({ model: 'acme/chat', version, environment: 'production', ...alice }),
        );
      }
    } finally {
      simulator.faultRate = 0;
    }
    expect(failures).toBeGreaterThan(3);
    const state = releases.repository(full);
    expect(state.releases.map((r) => [r.tag_name, r.draft, r.assets.length])).toEqual(
      versions.map((v) => [`acme/chat@${v}`, false, 7]),
    );
    expect((await registry.history('acme/chat', 'production')).map((e) => [e.seq, e.to])).toEqual([
      [1, '1.0.0'],
      [2, '1.1.0'],
      [3, '1.2.0'],
    ]);
    expect(state.deployments.map((d) => [(d.payload as { seq: number }).seq, d.statuses.length])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(state.latest).toBe(state.releases[2]!.id);
    expect(simulator.violations).toEqual([]);
  });

  it('gantry registry --github works on the registry on GitHub: list, promote, history, show', async () => {
    const { full, registry, commit } = fixture();
    const sha = await commit();
    await registry.record(versionDraft('acme/chat', '1.0.0', sha, { verdict: 'pass' }), alice);
    const env = { GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: simulator.url };
    const cli = (...args: string[]) => runCli(['registry', ...args, '--github', full], { env });
    expect((await cli('list')).stdout).toMatch(/acme\/chat\s+1\.0\.0\s+candidate/);
    const promoted = await cli('promote', 'acme/chat@1.0.0', '--env', 'production', '--actor', 'carol');
    expect(promoted).toMatchObject({
      code: 0,
      stdout: 'production: acme/chat (none) -> 1.0.0 (promoted by carol)\n',
    });
    expect((await cli('history', 'acme/chat', '--env', 'production')).stdout).toContain('carol');
    expect((await cli('show', 'acme/chat@2.0.0')).stderr).toContain(
      `acme/chat@2.0.0 is not recorded in the registry of ${full}`,
    );
    expect(releases.repository(full).deployments).toHaveLength(1);
    const audit = await runCli(['audit', 'verify', '--github', full], { env });
    expect(audit.stdout).toMatch(/^audit log intact: 1 entries/);
    expect(simulator.violations).toEqual([]);
  });
});
