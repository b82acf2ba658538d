import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { GitHubSimulator, Handler, Reply } from './github-simulator.js';
import { BOT_LOGIN, gitCommit, gitRef, integration, NOT_FOUND, person } from './simulated-bodies.js';

/**
 * Releases and their assets, tags, file contents writes, and deployments with their statuses, for the
 * GitHub simulator: what the registry's GitHub backend uses. Kept per repository here; commits and
 * branches stay the simulator's own.
 */

export interface SimulatedAsset {
  id: number;
  name: string;
  label: string | null;
  content_type: string;
  text: string;
}

export interface SimulatedRelease {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  immutable: boolean;
  published_at: string | null;
  assets: SimulatedAsset[];
}

export interface SimulatedDeploymentStatus {
  id: number;
  state: string;
  description: string;
  environment: string;
  log_url?: string;
  environment_url?: string;
}

export interface SimulatedDeployment {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  payload: Record<string, unknown> | string;
  description: string | null;
  production_environment: boolean;
  transient_environment: boolean;
  statuses: SimulatedDeploymentStatus[];
}

export interface ReleaseState {
  releases: SimulatedRelease[];
  /** The release marked latest, by id. */
  latest?: number;
  /** Tags by name: the commit each points at (publishing a release makes its tag). */
  tags: Map<string, string>;
  deployments: SimulatedDeployment[];
  /** Immutable releases (the repository setting): a published release's assets and tag never change. */
  immutable: boolean;
}

const API = 'https://api.github.com';

/** GitHub's own example of a repository (from a pull_request event), the base of the repository body. */
const exampleRepository = (
  createRequire(import.meta.url)('@octokit/webhooks-examples') as {
    name: string;
    examples: { action?: string; pull_request?: { base: { repo: Record<string, unknown> } } }[];
  }[]
)
  .find((e) => e.name === 'pull_request')!
  .examples.find((e) => e.action === 'opened')!.pull_request!.base.repo;
const TIME = '2026-11-23T10:00:00Z';
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const invalid = (message: string, errors?: unknown[]): Reply => ({
  status: 422,
  body: { message, documentation_url: '', ...(errors ? { errors } : {}) },
});

export class SimulatedReleases {
  private readonly repos = new Map<string, ReleaseState>();

  constructor(private readonly simulator: GitHubSimulator) {
    simulator.addRoutes(this.routes());
  }

  repository(fullName: string): ReleaseState {
    let state = this.repos.get(fullName);
    if (!state) {
      state = { releases: [], tags: new Map(), deployments: [], immutable: true };
      this.repos.set(fullName, state);
    }
    return state;
  }

  /** A tag pushed to the repository (as `git push` of a tag would make it), pointing at a commit. */
  tag(fullName: string, name: string, commit: string): void {
    this.repository(fullName).tags.set(name, commit);
  }

  /** The commit a branch, tag or commit id names, as GitHub resolves a deployment's ref. */
  private resolve(full: string, ref: string): string | undefined {
    const git = this.simulator.repository(full);
    return (
      git.branches.get(ref) ??
      this.repository(full).tags.get(ref) ??
      (git.commitInfo.has(ref) ? ref : undefined)
    );
  }

  private assetBody(full: string, release: SimulatedRelease, asset: SimulatedAsset) {
    return {
      url: `${API}/repos/${full}/releases/assets/${asset.id}`,
      browser_download_url: `https://github.com/${full}/releases/download/${encodeURIComponent(release.tag_name)}/${asset.name}`,
      id: asset.id,
      node_id: `RA_${asset.id}`,
      name: asset.name,
      label: asset.label,
      state: 'uploaded',
      content_type: asset.content_type,
      size: Buffer.byteLength(asset.text),
      digest: `sha256:${createHash('sha256').update(asset.text).digest('hex')}`,
      download_count: 0,
      created_at: TIME,
      updated_at: TIME,
      uploader: person(BOT_LOGIN),
    };
  }

  private releaseBody(full: string, release: SimulatedRelease) {
    const url = `${API}/repos/${full}/releases/${release.id}`;
    const tag = encodeURIComponent(release.tag_name);
    return {
      url,
      html_url: `https://github.com/${full}/releases/tag/${tag}`,
      assets_url: `${url}/assets`,
      // The uploads host: uploads.github.com on github.com, this simulator here.
      upload_url: `${this.simulator.url}/repos/${full}/releases/${release.id}/assets{?name,label}`,
      tarball_url: release.draft ? null : `${API}/repos/${full}/tarball/${tag}`,
      zipball_url: release.draft ? null : `${API}/repos/${full}/zipball/${tag}`,
      id: release.id,
      node_id: `RE_${release.id}`,
      tag_name: release.tag_name,
      target_commitish: release.target_commitish,
      name: release.name,
      body: release.body,
      draft: release.draft,
      prerelease: release.prerelease,
      immutable: release.immutable,
      created_at: TIME,
      published_at: release.published_at,
      updated_at: TIME,
      author: person(BOT_LOGIN),
      assets: release.assets.map((a) => this.assetBody(full, release, a)),
    };
  }

  private deploymentBody(full: string, d: SimulatedDeployment) {
    const url = `${API}/repos/${full}/deployments/${d.id}`;
    return {
      url,
      id: d.id,
      node_id: `DE_${d.id}`,
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: person(BOT_LOGIN),
      created_at: TIME,
      updated_at: TIME,
      statuses_url: `${url}/statuses`,
      repository_url: `${API}/repos/${full}`,
      transient_environment: d.transient_environment,
      production_environment: d.production_environment,
      performed_via_github_app: integration(),
    };
  }

  private statusBody(full: string, d: SimulatedDeployment, s: SimulatedDeploymentStatus) {
    const url = `${API}/repos/${full}/deployments/${d.id}/statuses/${s.id}`;
    return {
      url,
      id: s.id,
      node_id: `DES_${s.id}`,
      state: s.state,
      creator: person(BOT_LOGIN),
      description: s.description,
      environment: s.environment,
      // Required and a URI in the description: the repository's deployments page when no log was given.
      target_url: s.log_url ?? `https://github.com/${full}/deployments`,
      created_at: TIME,
      updated_at: TIME,
      deployment_url: `${API}/repos/${full}/deployments/${d.id}`,
      repository_url: `${API}/repos/${full}`,
      ...(s.environment_url ? { environment_url: s.environment_url } : {}),
      ...(s.log_url ? { log_url: s.log_url } : {}),
      performed_via_github_app: integration(),
    };
  }

  private release(p: Record<string, string>): SimulatedRelease | undefined {
    return this.repository(`${p.owner}/${p.repo}`).releases.find((r) => r.id === Number(p.release_id));
  }

  private routes(): Record<string, Handler> {
    return {
      'GET /repos/{owner}/{repo}/releases': (p, query) => {
        const full = `${p.owner}/${p.repo}`;
        const newestFirst = [...this.repository(full).releases].reverse();
        return this.simulator.page(
          newestFirst.map((r) => this.releaseBody(full, r)),
          query,
          `/repos/${full}/releases`,
        );
      },
      'POST /repos/{owner}/{repo}/releases': (p, _, body) => {
        const full = `${p.owner}/${p.repo}`;
        const state = this.repository(full);
        const b = body as {
          tag_name: string;
          target_commitish?: string;
          name?: string;
          body?: string;
          draft?: boolean;
          prerelease?: boolean;
        };
        const target = b.target_commitish ?? this.simulator.repository(full).defaultBranch;
        if (!state.tags.has(b.tag_name) && !this.resolve(full, target))
          return invalid('Validation Failed', [
            { resource: 'Release', code: 'invalid', field: 'target_commitish' },
          ]);
        // One release per tag name, a draft's included (its tag is made when it is published).
        if (state.releases.some((r) => r.tag_name === b.tag_name))
          return invalid('Validation Failed', [
            { resource: 'Release', code: 'already_exists', field: 'tag_name' },
          ]);
        const release: SimulatedRelease = {
          id: this.simulator.newId(),
          tag_name: b.tag_name,
          target_commitish: target,
          name: b.name ?? null,
          body: b.body ?? null,
          draft: b.draft ?? false,
          prerelease: b.prerelease ?? false,
          immutable: false,
          published_at: null,
          assets: [],
        };
        state.releases.push(release);
        if (!release.draft) this.publish(full, release);
        return { status: 201, body: this.releaseBody(full, release) };
      },
      'GET /repos/{owner}/{repo}/releases/tags/{tag}': (p) => {
        const full = `${p.owner}/${p.repo}`;
        // Drafts are not found by tag: their tag does not exist until they are published.
        const found = this.repository(full).releases.find((r) => !r.draft && r.tag_name === p.tag);
        return found ? { status: 200, body: this.releaseBody(full, found) } : NOT_FOUND();
      },
      'GET /repos/{owner}/{repo}/releases/{release_id}': (p) => {
        const found = this.release(p);
        return found ? { status: 200, body: this.releaseBody(`${p.owner}/${p.repo}`, found) } : NOT_FOUND();
      },
      'PATCH /repos/{owner}/{repo}/releases/{release_id}': (p, _, body) => {
        const full = `${p.owner}/${p.repo}`;
        const state = this.repository(full);
        const found = this.release(p);
        if (!found) return NOT_FOUND();
        const b = body as {
          name?: string;
          body?: string;
          draft?: boolean;
          prerelease?: boolean;
          make_latest?: 'true' | 'false' | 'legacy';
        };
        if (b.name !== undefined) found.name = b.name;
        if (b.body !== undefined) found.body = b.body;
        // `prerelease` and `make_latest` may change after publishing, even on an immutable release.
        if (b.prerelease !== undefined) found.prerelease = b.prerelease;
        if (b.draft === false && found.draft) this.publish(full, found);
        if (b.make_latest === 'true' && !found.draft && !found.prerelease) state.latest = found.id;
        if (state.latest === found.id && found.prerelease) state.latest = undefined;
        return { status: 200, body: this.releaseBody(full, found) };
      },
      'DELETE /repos/{owner}/{repo}/releases/{release_id}': (p) => {
        const state = this.repository(`${p.owner}/${p.repo}`);
        const found = this.release(p);
        if (!found) return NOT_FOUND();
        state.releases.splice(state.releases.indexOf(found), 1);
        return { status: 204 };
      },
      'GET /repos/{owner}/{repo}/releases/{release_id}/assets': (p, query) => {
        const full = `${p.owner}/${p.repo}`;
        const found = this.release(p);
        if (!found) return { status: 200, body: [] };
        return this.simulator.page(
          found.assets.map((a) => this.assetBody(full, found, a)),
          query,
          `/repos/${full}/releases/${found.id}/assets`,
        );
      },
      'POST /repos/{owner}/{repo}/releases/{release_id}/assets': (p, query, _, __, upload) => {
        const full = `${p.owner}/${p.repo}`;
        const found = this.release(p);
        const name = query.get('name') ?? '';
        if (!found)
          return invalid('Validation Failed', [
            { resource: 'ReleaseAsset', code: 'invalid', field: 'release' },
          ]);
        if (found.immutable)
          return invalid('Cannot upload assets to an immutable release.', [
            { resource: 'ReleaseAsset', code: 'custom', field: 'release' },
          ]);
        if (found.assets.some((a) => a.name === name))
          return invalid('Validation Failed', [
            { resource: 'ReleaseAsset', code: 'already_exists', field: 'name' },
          ]);
        const asset: SimulatedAsset = {
          id: this.simulator.newId(),
          name,
          label: query.get('label'),
          content_type: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
          text: upload ?? '',
        };
        found.assets.push(asset);
        return { status: 201, body: this.assetBody(full, found, asset) };
      },
      'GET /repos/{owner}/{repo}/releases/assets/{asset_id}': (p, _, __, accept) => {
        const full = `${p.owner}/${p.repo}`;
        for (const release of this.repository(full).releases) {
          const asset = release.assets.find((a) => a.id === Number(p.asset_id));
          if (!asset) continue;
          // With this media type GitHub sends the file itself (or redirects to it).
          if (accept.includes('application/octet-stream'))
            return { status: 200, raw: asset.text, headers: { 'content-type': 'application/octet-stream' } };
          return { status: 200, body: this.assetBody(full, release, asset) };
        }
        return NOT_FOUND();
      },
      'GET /repos/{owner}/{repo}': (p) => {
        const full = `${p.owner}/${p.repo}`;
        return {
          status: 200,
          body: {
            ...exampleRepository,
            name: p.repo,
            full_name: full,
            owner: person(p.owner!),
            default_branch: this.simulator.repository(full).defaultBranch,
            has_discussions: false,
            network_count: 0,
            subscribers_count: 0,
          },
        };
      },
      'GET /repos/{owner}/{repo}/git/matching-refs/{ref}': (p) => {
        const full = `${p.owner}/${p.repo}`;
        const refs = [
          ...[...this.simulator.repository(full).branches].map(([name, at]) => [`refs/heads/${name}`, at]),
          ...[...this.repository(full).tags].map(([name, at]) => [`refs/tags/${name}`, at]),
        ]
          .filter(([ref]) => ref!.startsWith(`refs/${p.ref}`))
          .sort(([a], [b]) => (a! < b! ? -1 : 1));
        return { status: 200, body: refs.map(([ref, at]) => gitRef(full, ref!, at!)) };
      },
      'PUT /repos/{owner}/{repo}/contents/{path}': (p, _, body) => this.putContents(p, body),
      'POST /repos/{owner}/{repo}/deployments': (p, _, body) => {
        const full = `${p.owner}/${p.repo}`;
        const b = body as {
          ref: string;
          task?: string;
          payload?: Record<string, unknown> | string;
          environment?: string;
          description?: string | null;
          production_environment?: boolean;
          transient_environment?: boolean;
          required_contexts?: string[];
          auto_merge?: boolean;
        };
        const at = this.resolve(full, b.ref);
        if (!at) return invalid(`No ref found for: ${b.ref}`);
        const environment = b.environment ?? 'production';
        const deployment: SimulatedDeployment = {
          id: this.simulator.newId(),
          ref: b.ref,
          sha: at,
          task: b.task ?? 'deploy',
          environment,
          payload: b.payload ?? {},
          description: b.description ?? '',
          production_environment: b.production_environment ?? environment === 'production',
          transient_environment: b.transient_environment ?? false,
          statuses: [],
        };
        this.repository(full).deployments.push(deployment);
        return { status: 201, body: this.deploymentBody(full, deployment) };
      },
      'GET /repos/{owner}/{repo}/deployments': (p, query) => {
        const full = `${p.owner}/${p.repo}`;
        const matches = (value: string, key: string) => !query.get(key) || query.get(key) === value;
        const found = [...this.repository(full).deployments]
          .reverse()
          .filter(
            (d) =>
              matches(d.ref, 'ref') &&
              matches(d.sha, 'sha') &&
              matches(d.task, 'task') &&
              matches(d.environment, 'environment'),
          );
        return this.simulator.page(
          found.map((d) => this.deploymentBody(full, d)),
          query,
          `/repos/${full}/deployments`,
        );
      },
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': (p, _, body) => {
        const full = `${p.owner}/${p.repo}`;
        const deployment = this.repository(full).deployments.find((d) => d.id === Number(p.deployment_id));
        if (!deployment)
          return invalid('Validation Failed', [{ resource: 'DeploymentStatus', code: 'invalid' }]);
        const b = body as {
          state: string;
          description?: string;
          environment?: string;
          log_url?: string;
          target_url?: string;
          environment_url?: string;
        };
        const status: SimulatedDeploymentStatus = {
          id: this.simulator.newId(),
          state: b.state,
          description: b.description ?? '',
          environment: b.environment ?? deployment.environment,
          ...(b.log_url || b.target_url ? { log_url: b.log_url ?? b.target_url } : {}),
          ...(b.environment_url ? { environment_url: b.environment_url } : {}),
        };
        deployment.statuses.push(status);
        return { status: 201, body: this.statusBody(full, deployment, status) };
      },
      'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': (p, query) => {
        const full = `${p.owner}/${p.repo}`;
        const deployment = this.repository(full).deployments.find((d) => d.id === Number(p.deployment_id));
        if (!deployment) return NOT_FOUND();
        const newestFirst = [...deployment.statuses].reverse();
        return this.simulator.page(
          newestFirst.map((s) => this.statusBody(full, deployment, s)),
          query,
          `/repos/${full}/deployments/${deployment.id}/statuses`,
        );
      },
    };
  }

  /** Publishing makes the release's tag (once) and, on an immutable repository, locks its assets. */
  private publish(full: string, release: SimulatedRelease): void {
    const state = this.repository(full);
    release.draft = false;
    release.published_at = TIME;
    release.immutable = state.immutable;
    if (!state.tags.has(release.tag_name))
      state.tags.set(release.tag_name, this.resolve(full, release.target_commitish)!);
  }

  /**
   * A file written on a branch as one commit. `sha` must be the file's current blob (409 when it has
   * moved, 422 when it exists and none was given): GitHub's optimistic concurrency for contents.
   */
  private putContents(p: Record<string, string>, body: unknown): Reply {
    const full = `${p.owner}/${p.repo}`;
    const git = this.simulator.repository(full);
    const b = body as { message: string; content: string; sha?: string; branch?: string };
    const branch = b.branch ?? git.defaultBranch;
    const head = git.branches.get(branch);
    if (!head) return NOT_FOUND();
    const files = git.commits.get(head)!;
    const current = files.get(p.path!);
    if (current !== undefined && b.sha === undefined)
      return invalid(`Invalid request.\n\n"sha" wasn't supplied.`);
    if (b.sha !== undefined && (current === undefined || sha1(current) !== b.sha))
      // Sent as it is: the description's 409 is a oneOf of two error shapes that every error body matches.
      return {
        status: 409,
        raw: JSON.stringify({
          message: `${p.path} does not match ${b.sha}`,
          documentation_url: '',
          status: '409',
        }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      };
    const text = Buffer.from(b.content, 'base64').toString('utf8');
    const id = this.simulator.commit(
      full,
      { ...Object.fromEntries(files), [p.path!]: text },
      {
        branch,
        message: b.message,
      },
    );
    const info = git.commitInfo.get(id)!;
    const url = `${API}/repos/${full}/contents/${p.path}`;
    return {
      status: current === undefined ? 201 : 200,
      body: {
        content: {
          name: p.path!.split('/').pop(),
          path: p.path,
          sha: sha1(text),
          size: Buffer.byteLength(text),
          url,
          html_url: `https://github.com/${full}/blob/${branch}/${p.path}`,
          git_url: `${API}/repos/${full}/git/blobs/${sha1(text)}`,
          download_url: `https://raw.githubusercontent.com/${full}/${branch}/${p.path}`,
          type: 'file',
          _links: {
            self: url,
            git: `${API}/repos/${full}/git/blobs/${sha1(text)}`,
            html: `https://github.com/${full}/blob/${branch}/${p.path}`,
          },
        },
        commit: gitCommit(full, id, info),
      },
    };
  }
}
