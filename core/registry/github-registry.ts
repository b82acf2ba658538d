import type {
  EnvironmentEntry,
  ModelVersion,
  StoredVersion,
  VersionDraft,
  VersionRecords,
  VersionState,
} from '../../schemas/model-version.js';
import {
  environmentOfPath,
  environmentPath,
  parseEnvironmentFile,
  renderEnvironmentFile,
} from '../commands/environment-change.js';
import { GantryError } from '../errors.js';
import { type GitHubClient, httpStatus, rawText, unlessNotFound } from '../github-client.js';
import { planPromotion, rollbackMove } from './environment-history.js';
import type {
  Actor,
  EnvironmentChange,
  EnvironmentPointer,
  ModelRegistry,
  PromoteRequest,
  RecordOutcome,
  RollbackRequest,
  VersionFilter,
} from './model-registry.js';
import { releaseNotes } from './release-notes.js';
import { parseStoredVersion, selectVersions, withState } from './stored-versions.js';
import { checkSameVersion, prepareVersion, readVersionRecords, type VersionFile } from './version-content.js';
import { parseVersionTag, versionTag } from './version-tag.js';

export interface GitHubRegistryOptions {
  /** Authenticated for the repository: an installation, an Actions token or a user's token. */
  octokit: GitHubClient;
  owner: string;
  repo: string;
  /** The default branch, where `.gantry/environments/*.yml` lives (looked up when not given). */
  branch?: string;
  /** The environment whose versions are full releases, the one running there marked latest. */
  production?: string;
  /** How often an environment change is tried again when another writer moved the file first. */
  attempts?: number;
  /**
   * More of a deployment's payload, for the deploy workflow: the model's `folder` and the runner labels
   * (`runs-on`) it deploys on, which the caller knows from model.yml.
   */
  deploymentPayload?: (entry: EnvironmentEntry, version: StoredVersion) => Record<string, unknown>;
}

type Release = Awaited<ReturnType<GitHubClient['rest']['repos']['getRelease']>>['data'];
type Asset = Release['assets'][number];

const VERSION_ASSET = 'version.json';

/** Names the content in a draft's body from its creation on, before any asset is uploaded. */
const draftMarker = (stored: StoredVersion) => `<!-- gantry-version-digest: ${stored.digest} -->`;

/**
 * The registry kept on GitHub itself, through the REST API:
 * - a version is a release whose tag is `MODEL@VERSION` on the version's commit; it is made as a draft,
 *   its version document and records uploaded as assets, then published, so it works with immutable
 *   releases. It stays a pre-release while a candidate; promotion to production makes it a full
 *   release and the latest;
 * - what each environment runs is `.gantry/environments/ENV.yml` on the default branch (GitOps): per
 *   model, the version, its digest and every move that led there. It is written through the contents
 *   API against the file's blob, so a writer that lost a race reads again and retries;
 * - each move of an environment is also a GitHub Deployment of the version's tag, with a status.
 */
export class GitHubRegistry implements ModelRegistry {
  private readonly octokit: GitHubClient;
  private readonly repository: { owner: string; repo: string };
  private branchName?: string;
  private readonly production: string;
  private readonly attempts: number;
  private readonly deploymentPayload: GitHubRegistryOptions['deploymentPayload'];
  /** Version documents by asset id: an uploaded asset never changes. */
  private readonly documents = new Map<number, StoredVersion>();

  constructor(options: GitHubRegistryOptions) {
    this.octokit = options.octokit;
    this.repository = { owner: options.owner, repo: options.repo };
    this.branchName = options.branch;
    this.production = options.production ?? 'production';
    this.attempts = options.attempts ?? 20;
    this.deploymentPayload = options.deploymentPayload;
  }

  /** The branch the environment files live on: the repository's default branch unless one was named. */
  private async branch(): Promise<string> {
    this.branchName ??= (await this.octokit.rest.repos.get(this.repository)).data.default_branch;
    return this.branchName;
  }

  private get where(): string {
    return `${this.repository.owner}/${this.repository.repo}`;
  }

  private async download(asset: Asset): Promise<string> {
    const { data } = await this.octokit.rest.repos.getReleaseAsset({
      ...this.repository,
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
    });
    return rawText(data);
  }

  /** The version a release holds; undefined for a release that is not a Gantry version. */
  private async versionOf(release: Release): Promise<StoredVersion | undefined> {
    const asset = release.assets.find((a) => a.name === VERSION_ASSET && a.state === 'uploaded');
    if (!asset || !parseVersionTag(release.tag_name)) return undefined;
    let stored = this.documents.get(asset.id);
    if (!stored) {
      stored = parseStoredVersion(
        `${VERSION_ASSET} of release ${release.tag_name} in ${this.where}`,
        await this.download(asset),
      );
      this.documents.set(asset.id, stored);
    }
    return stored;
  }

  /** The published release of a tag (a draft has no tag yet). */
  private async releaseOf(tag: string): Promise<Release | undefined> {
    return (await unlessNotFound(this.octokit.rest.repos.getReleaseByTag({ ...this.repository, tag })))?.data;
  }

  private async stored(model: string, version: string): Promise<StoredVersion | undefined> {
    const release = await this.releaseOf(versionTag(model, version));
    return release && !release.draft ? this.versionOf(release) : undefined;
  }

  private releases(): Promise<Release[]> {
    return this.octokit.paginate(this.octokit.rest.repos.listReleases, { ...this.repository, per_page: 100 });
  }

  /** A file on the default branch with its blob id, or undefined when it does not exist. */
  private async readFile(path: string): Promise<{ text: string; sha: string } | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({
        ...this.repository,
        path,
        ref: await this.branch(),
      });
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data))
        throw new GantryError('environment_file_malformed', `${path} in ${this.where} is not a file`, 1);
      // Past 1 MB GitHub sends no content here: never mistake that for an empty file and overwrite it.
      if (data.encoding !== 'base64')
        throw new GantryError(
          'environment_file_too_large',
          `${path} in ${this.where} is too large to read through the contents API (${data.size} bytes): move old history out of it`,
          1,
        );
      return { text: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha };
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw error;
    }
  }

  private async environmentFile(environment: string) {
    const path = environmentPath(environment);
    const file = await this.readFile(path);
    return { path, file, parsed: parseEnvironmentFile(file?.text, `${this.where}:${path}`) };
  }

  private missingBranch(): GantryError {
    return new GantryError(
      'branch_missing',
      `${this.where} has no branch ${this.branchName}, where the environment files live: name the repository's default branch`,
      1,
    );
  }

  /** The environments that have a file on the default branch. */
  private async environmentNames(): Promise<string[]> {
    const head = `heads/${await this.branch()}`;
    const ref = await this.octokit.rest.git.getRef({ ...this.repository, ref: head }).then(
      (response) => response.data,
      (error) => {
        throw httpStatus(error) === 404 ? this.missingBranch() : error;
      },
    );
    const { data: tree } = await this.octokit.rest.git.getTree({
      ...this.repository,
      tree_sha: ref.object.sha,
      recursive: '1',
    });
    return tree.tree.flatMap((entry) => {
      const name = entry.type === 'blob' && entry.path ? environmentOfPath(entry.path) : undefined;
      return name ? [name] : [];
    });
  }

  async environments(model?: string): Promise<EnvironmentPointer[]> {
    const files = await Promise.all(
      (await this.environmentNames()).map(async (environment) => ({
        environment,
        parsed: (await this.environmentFile(environment)).parsed,
      })),
    );
    return files.flatMap(({ environment, parsed }) =>
      Object.entries(parsed.models)
        .filter(([name]) => model === undefined || name === model)
        .map(([name, state]) => ({ model: name, environment, version: state.version })),
    );
  }

  async get(model: string, version: string): Promise<ModelVersion | undefined> {
    const stored = await this.stored(model, version);
    return stored ? withState([stored], await this.environments(model))[0] : undefined;
  }

  async records(model: string, version: string): Promise<VersionRecords> {
    const release = await this.releaseOf(versionTag(model, version));
    const stored = release && (await this.versionOf(release));
    if (!release || !stored)
      throw new GantryError('unknown_version', `${model}@${version} is not recorded in ${this.where}`, 1);
    return readVersionRecords(stored, async (ref) => {
      const asset = release.assets.find((a) => a.name === ref.name && a.state === 'uploaded');
      if (!asset)
        throw new GantryError(
          'record_missing',
          `${ref.name} of ${model}@${version} is missing from the assets of release ${release.tag_name}`,
          1,
        );
      return this.download(asset);
    });
  }

  async list(filter: VersionFilter = {}): Promise<ModelVersion[]> {
    // A release targets its version's commit: versions of other commits are not downloaded at all.
    const releases = (await this.releases()).filter(
      (r) =>
        !r.draft &&
        (filter.model === undefined || parseVersionTag(r.tag_name)?.model === filter.model) &&
        (filter.gitSha === undefined || r.target_commitish === filter.gitSha),
    );
    const stored = (await Promise.all(releases.map((r) => this.versionOf(r)))).filter(
      (v): v is StoredVersion => v !== undefined,
    );
    return selectVersions(stored, await this.environments(filter.model), filter);
  }

  async latest(model: string, state?: VersionState): Promise<ModelVersion | undefined> {
    return (await this.list({ model, state })).at(-1);
  }

  async current(model: string, environment: string): Promise<ModelVersion | undefined> {
    const state = (await this.environmentFile(environment)).parsed.models[model];
    return state ? this.get(model, state.version) : undefined;
  }

  async history(model: string, environment: string): Promise<EnvironmentEntry[]> {
    return (await this.environmentFile(environment)).parsed.models[model]?.history ?? [];
  }

  private async existing(release: Release, stored: StoredVersion): Promise<RecordOutcome> {
    const existing = await this.versionOf(release);
    if (!existing)
      throw new GantryError(
        'tag_exists',
        `cannot record ${stored.model}@${stored.version}: release ${release.tag_name} exists in ${this.where} and is not a Gantry version`,
        1,
      );
    checkSameVersion(existing, stored);
    return { version: (await this.get(stored.model, stored.version))!, created: false };
  }

  private async checkCommit(stored: StoredVersion): Promise<void> {
    try {
      await this.octokit.rest.git.getCommit({ ...this.repository, commit_sha: stored.git_sha });
    } catch (error) {
      if (httpStatus(error) !== 404 && httpStatus(error) !== 422) throw error;
      throw new GantryError(
        'unknown_commit',
        `${stored.model}@${stored.version} names commit ${stored.git_sha}, which is not in ${this.where}: push it, then record again`,
        1,
      );
    }
  }

  /**
   * A tag of the version's name that exists already (pushed by the local registry, or by hand) is what
   * a release would be published on, whatever commit it asks for: it must be the version's commit.
   */
  private async checkTag(tag: string, stored: StoredVersion): Promise<void> {
    const { data: refs } = await this.octokit.rest.git.listMatchingRefs({
      ...this.repository,
      ref: `tags/${tag}`,
    });
    const ref = refs.find((r) => r.ref === `refs/tags/${tag}`);
    if (!ref) return;
    const commit =
      ref.object.type === 'tag'
        ? (await this.octokit.rest.git.getTag({ ...this.repository, tag_sha: ref.object.sha })).data.object
            .sha
        : ref.object.sha;
    if (commit !== stored.git_sha)
      throw new GantryError(
        'tag_exists',
        `cannot record ${stored.model}@${stored.version} on ${stored.git_sha}: the tag ${tag} in ${this.where} is on ${commit}; ` +
          'a version is recorded once: bump the version in model.yml',
        1,
      );
  }

  /** A draft an earlier, interrupted recording of the same content left: it is finished, not duplicated. */
  private async unfinishedDraft(tag: string, stored: StoredVersion): Promise<Release | undefined> {
    return (await this.releases()).find(
      (r) => r.draft && r.tag_name === tag && r.body?.includes(draftMarker(stored)),
    );
  }

  /** A draft release for the version, or undefined when the tag is taken (by another writer's draft). */
  private async createDraft(
    tag: string,
    stored: StoredVersion,
    files: VersionFile[],
  ): Promise<Release | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.createRelease({
        ...this.repository,
        tag_name: tag,
        target_commitish: stored.git_sha,
        name: `${stored.model} ${stored.version}`,
        body: `${releaseNotes(stored, files)}\n${draftMarker(stored)}\n`,
        draft: true,
        prerelease: true,
      });
      return data;
    } catch (error) {
      if (httpStatus(error) === 422) return undefined;
      throw error;
    }
  }

  /**
   * Uploads what the draft lacks, then publishes it; true when this call published it. Two writers of
   * the same content may finish one draft together: an asset the other uploaded is taken as uploaded.
   */
  private async finish(release: Release, stored: StoredVersion, files: VersionFile[]): Promise<boolean> {
    const uploaded = new Set(release.assets.filter((a) => a.state === 'uploaded').map((a) => a.name));
    const assets = [
      { name: VERSION_ASSET, text: `${JSON.stringify(stored, null, 2)}\n` },
      ...files.map((f) => ({ name: f.ref.name, text: f.text })),
    ];
    for (const asset of assets.filter((a) => !uploaded.has(a.name)))
      try {
        await this.octokit.rest.repos.uploadReleaseAsset({
          ...this.repository,
          release_id: release.id,
          url: release.upload_url,
          name: asset.name,
          data: asset.text,
          headers: {
            'content-type': asset.name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
          },
        });
      } catch (error) {
        if (httpStatus(error) !== 422) throw error;
      }
    const { data: now } = await this.octokit.rest.repos.getRelease({
      ...this.repository,
      release_id: release.id,
    });
    if (!now.draft) return false;
    await this.octokit.rest.repos.updateRelease({
      ...this.repository,
      release_id: release.id,
      draft: false,
      make_latest: 'false',
    });
    return true;
  }

  async record(draft: VersionDraft, by: Actor): Promise<RecordOutcome> {
    const { stored, files } = prepareVersion(draft, by);
    const tag = versionTag(stored.model, stored.version);
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      const published = await this.releaseOf(tag);
      if (published) return this.existing(published, stored);
      if (attempt === 1) {
        await this.checkCommit(stored);
        await this.checkTag(tag, stored);
      }
      // Finishing a draft another call made reports nothing created: of writers racing, only the one
      // that made the draft does (an audit entry a crashed writer never made is added by AuditedRegistry).
      const unfinished = await this.unfinishedDraft(tag, stored);
      const release = unfinished ?? (await this.createDraft(tag, stored, files));
      if (release) {
        const published = await this.finish(release, stored, files);
        // A version just published runs nowhere yet; its document is the draft's, when an earlier call made one.
        const version = (unfinished && (await this.versionOf(unfinished))) || stored;
        return {
          version: { ...version, state: 'candidate', environments: [] },
          created: published && !unfinished,
        };
      }
      // Another writer's draft holds the tag: wait for it to be published (or to show the same content).
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
    throw new GantryError(
      'version_in_progress',
      `${stored.model}@${stored.version} has a draft release in ${this.where} that is not being finished ` +
        '(an interrupted recording of other content): delete the draft, then record again',
      1,
    );
  }

  /**
   * Moves a model in an environment: the file is read, the change planned on its history and written
   * against the blob it was read at; when another writer got there first, it is read and planned again.
   */
  private async moveEnvironment(
    model: string,
    environment: string,
    plan: (history: EnvironmentEntry[]) => EnvironmentChange,
    digestOf: (version: string) => Promise<string | undefined>,
  ): Promise<EnvironmentChange> {
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      const { path, file, parsed } = await this.environmentFile(environment);
      const change = plan(parsed.models[model]?.history ?? []);
      if (!change.changed) return change;
      const { entry } = change;
      const digest = await digestOf(entry.to);
      parsed.models[model] = {
        version: entry.to,
        ...(digest ? { digest } : {}),
        history: [...(parsed.models[model]?.history ?? []), entry],
      };
      try {
        await this.octokit.rest.repos.createOrUpdateFileContents({
          ...this.repository,
          path,
          branch: await this.branch(),
          message: `${entry.reason} ${model} in ${environment}: ${entry.from ?? '(none)'} -> ${entry.to}\n\nBy ${entry.actor}${entry.note ? `: ${entry.note}` : ''}`,
          content: Buffer.from(renderEnvironmentFile(environment, parsed)).toString('base64'),
          ...(file ? { sha: file.sha } : {}),
        });
        return change;
      } catch (error) {
        // 409: the file moved since it was read; 422 without a blob: another writer created it meanwhile.
        const moved = httpStatus(error) === 409 || (httpStatus(error) === 422 && !file);
        if (httpStatus(error) === 404) throw this.missingBranch();
        if (!moved) throw error;
      }
    }
    throw new GantryError(
      'environment_contended',
      `could not move ${model} in ${environment} after ${this.attempts} attempts: too many concurrent changes`,
      1,
    );
  }

  /**
   * What follows a move on GitHub, also when the move was already made (a repeated request converges):
   * a deployment of the version's tag with a status, once per entry, and on production the release made
   * final and latest.
   */
  private async announce(entry: EnvironmentEntry): Promise<void> {
    const tag = versionTag(entry.model, entry.to);
    const release = await this.releaseOf(tag);
    const stored = release && (await this.versionOf(release));
    if (!release || !stored) return;
    const existing = await this.octokit.paginate(this.octokit.rest.repos.listDeployments, {
      ...this.repository,
      environment: entry.environment,
      ref: tag,
      per_page: 100,
    });
    let deployment = existing.find((d) => {
      const payload = d.payload as { model?: string; seq?: number };
      return payload.model === entry.model && payload.seq === entry.seq;
    });
    const description = `${entry.reason} ${entry.from ?? '(none)'} -> ${entry.to} by ${entry.actor}`.slice(
      0,
      140,
    );
    if (!deployment) {
      const { data } = await this.octokit.rest.repos.createDeployment({
        ...this.repository,
        ref: tag,
        environment: entry.environment,
        auto_merge: false,
        // The gate has decided already; GitHub's commit status checks are not asked again.
        required_contexts: [],
        production_environment: entry.environment === this.production,
        description,
        payload: {
          model: entry.model,
          version: entry.to,
          digest: stored.digest,
          git_sha: stored.git_sha,
          images: stored.images,
          seq: entry.seq,
          reason: entry.reason,
          // What the deploy workflow returns to when this deployment fails.
          previous_version: entry.from,
          ...this.deploymentPayload?.(entry, stored),
        },
      });
      if (!('id' in data))
        throw new GantryError('deployment_refused', `GitHub did not deploy ${tag}: ${data.message}`, 1);
      deployment = data;
    }
    const { data: statuses } = await this.octokit.rest.repos.listDeploymentStatuses({
      ...this.repository,
      deployment_id: deployment.id,
      per_page: 1,
    });
    if (statuses.length === 0)
      await this.octokit.rest.repos.createDeploymentStatus({
        ...this.repository,
        deployment_id: deployment.id,
        state: 'queued',
        description,
        ...(stored.lineage.run_url ? { log_url: stored.lineage.run_url } : {}),
      });
    // Also when the deployment was made already: a retry finishes what a failure left undone.
    if (entry.environment === this.production)
      await this.octokit.rest.repos.updateRelease({
        ...this.repository,
        release_id: release.id,
        prerelease: false,
        make_latest: 'true',
      });
  }

  private digestOf = async (model: string, version: string) => (await this.stored(model, version))?.digest;

  async promote(request: PromoteRequest): Promise<EnvironmentChange> {
    const version = await this.stored(request.model, request.version);
    const change = await this.moveEnvironment(
      request.model,
      request.environment,
      (history) => planPromotion(history, version, request),
      async () => version?.digest,
    );
    await this.announce(change.entry);
    return change;
  }

  async rollback(request: RollbackRequest): Promise<EnvironmentChange> {
    const change = await this.moveEnvironment(
      request.model,
      request.environment,
      (history) => rollbackMove(history, request),
      (version) => this.digestOf(request.model, version),
    );
    await this.announce(change.entry);
    return change;
  }
}
