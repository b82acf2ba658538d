import type {
  EnvironmentEntry,
  ModelVersion,
  StoredVersion,
  VersionDraft,
  VersionRecords,
  VersionState,
} from '../../schemas/model-version.js';
import { GantryError } from '../errors.js';
import { advanceRef, commitFile, git, gitOrFail, readObjects } from '../git-plumbing.js';
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
import { imageToRun, parseStoredVersion, selectVersions, withState } from './stored-versions.js';
import { checkSameVersion, prepareVersion, readVersionRecords } from './version-content.js';
import { fromRefSafe, parseVersionTag, refSafe, versionTag } from './version-tag.js';

const VERSIONS = 'refs/gantry/versions/';
const ENVIRONMENTS = 'refs/gantry/environments/';
const HISTORY_SUFFIX = '.history';
const HISTORY_FILE = 'history.jsonl';

/** `refs/gantry/environments/<env>/<model>.history`: the suffix keeps `acme` and `acme/chat` apart. */
function environmentRef(model: string, environment: string): string {
  return `${ENVIRONMENTS}${environment}/${refSafe(model)}${HISTORY_SUFFIX}`;
}

function parseEnvironmentRef(ref: string): { model: string; environment: string } | undefined {
  if (!ref.startsWith(ENVIRONMENTS) || !ref.endsWith(HISTORY_SUFFIX)) return undefined;
  const path = ref.slice(ENVIRONMENTS.length, -HISTORY_SUFFIX.length);
  const slash = path.indexOf('/');
  if (slash <= 0) return undefined;
  return { environment: path.slice(0, slash), model: fromRefSafe(path.slice(slash + 1)) };
}

function parseHistory(text: string | undefined): EnvironmentEntry[] {
  return (text ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EnvironmentEntry);
}

function tagMessage(stored: StoredVersion, recordCommit: string): string {
  const images = Object.entries(stored.images).map(([target, i]) => `image ${target}: ${imageToRun(i)}`);
  const gate = stored.gate
    ? `gate: ${stored.gate.verdict}${stored.gate.against ? ` against ${stored.gate.against}` : ''}`
    : 'gate: not gated';
  return [
    `${stored.model} ${stored.version}`,
    '',
    `commit ${stored.git_sha}`,
    gate,
    ...images,
    `recorded by ${stored.recorded_by} at ${stored.recorded_at}`,
    '',
    `Gantry-Record: ${recordCommit}`,
    '',
  ].join('\n');
}

/**
 * The local registry, kept in the model repository itself with git plumbing only (never the working
 * tree or the index), so it travels with `git push/fetch` of `refs/tags/*` and `refs/gantry/*`:
 * - each version is an annotated tag `MODEL@VERSION` on the version's commit, visible to `git tag`,
 *   plus `refs/gantry/versions/MODEL@VERSION`, a commit without parent whose tree holds `version.json`
 *   (the StoredVersion) and `records/` (its record files, hashed in version.json). Both refs are
 *   created in one transaction that fails if either exists, so a version is recorded once;
 * - each environment's pointer for a model is `refs/gantry/environments/ENV/MODEL.history`, a commit
 *   chain whose tree holds `history.jsonl`, every move of the environment; its last line is what runs
 *   there now. It moves with `update-ref` against the old value, so concurrent writers retry rather
 *   than lose a move.
 */
export class GitRegistry implements ModelRegistry {
  constructor(readonly repoDir: string) {}

  private async storedVersions(refs: string[]): Promise<StoredVersion[]> {
    const texts = await readObjects(
      this.repoDir,
      refs.map((ref) => `${ref}:version.json`),
    );
    return texts.flatMap((text, i) =>
      text === undefined ? [] : [parseStoredVersion(`${refs[i]}:version.json`, text)],
    );
  }

  private async stored(model: string, version: string): Promise<StoredVersion | undefined> {
    return (await this.storedVersions([`${VERSIONS}${versionTag(model, version)}`]))[0];
  }

  private async refs(prefix: string): Promise<string[]> {
    const out = await gitOrFail(this.repoDir, ['for-each-ref', '--format=%(refname)', prefix]);
    return out ? out.split('\n') : [];
  }

  private async historyAt(commit: string | undefined): Promise<EnvironmentEntry[]> {
    if (!commit) return [];
    return parseHistory((await readObjects(this.repoDir, [`${commit}:${HISTORY_FILE}`]))[0]);
  }

  async environments(model?: string): Promise<EnvironmentPointer[]> {
    const refs = (await this.refs(ENVIRONMENTS)).flatMap((ref) => {
      const parsed = parseEnvironmentRef(ref);
      return parsed && (model === undefined || parsed.model === model) ? [{ ref, ...parsed }] : [];
    });
    const texts = await readObjects(
      this.repoDir,
      refs.map((r) => `${r.ref}:${HISTORY_FILE}`),
    );
    return refs.flatMap((r, i) => {
      const last = parseHistory(texts[i]).at(-1);
      return last ? [{ model: r.model, environment: r.environment, version: last.to }] : [];
    });
  }

  async get(model: string, version: string): Promise<ModelVersion | undefined> {
    const stored = await this.stored(model, version);
    return stored ? withState([stored], await this.environments(model))[0] : undefined;
  }

  async records(model: string, version: string): Promise<VersionRecords> {
    const stored = await this.stored(model, version);
    if (!stored)
      throw new GantryError('unknown_version', `${model}@${version} is not recorded in the registry`, 1);
    const base = `${VERSIONS}${versionTag(model, version)}:records/`;
    const texts = await readObjects(
      this.repoDir,
      stored.records.map((r) => `${base}${r.name}`),
    );
    return readVersionRecords(stored, async (ref) => {
      const text = texts[stored.records.indexOf(ref)];
      if (text === undefined)
        throw new GantryError(
          'record_missing',
          `${ref.name} of ${model}@${version} is missing from ${VERSIONS}${versionTag(model, version)}`,
          1,
        );
      return text;
    });
  }

  async list(filter: VersionFilter = {}): Promise<ModelVersion[]> {
    const refs = (await this.refs(VERSIONS)).filter(
      (ref) =>
        filter.model === undefined || parseVersionTag(ref.slice(VERSIONS.length))?.model === filter.model,
    );
    return selectVersions(await this.storedVersions(refs), await this.environments(filter.model), filter);
  }

  async latest(model: string, state?: VersionState): Promise<ModelVersion | undefined> {
    return (await this.list({ model, state })).at(-1);
  }

  async current(model: string, environment: string): Promise<ModelVersion | undefined> {
    const last = (await this.history(model, environment)).at(-1);
    return last ? this.get(model, last.to) : undefined;
  }

  async history(model: string, environment: string): Promise<EnvironmentEntry[]> {
    const text = (
      await readObjects(this.repoDir, [`${environmentRef(model, environment)}:${HISTORY_FILE}`])
    )[0];
    return parseHistory(text);
  }

  async record(draft: VersionDraft, by: Actor): Promise<RecordOutcome> {
    const { stored, files } = prepareVersion(draft, by);
    const name = `${stored.model}@${stored.version}`;
    const existing = await this.stored(stored.model, stored.version);
    if (existing) {
      checkSameVersion(existing, stored);
      return { version: (await this.get(stored.model, stored.version))!, created: false };
    }
    const type = await git(this.repoDir, ['cat-file', '-t', stored.git_sha]);
    if (type.stdout.trim() !== 'commit')
      throw new GantryError(
        'unknown_commit',
        `${name} names commit ${stored.git_sha}, which is not in ${this.repoDir}: fetch it, then record again`,
        1,
      );

    const hash = (text: string) => gitOrFail(this.repoDir, ['hash-object', '-w', '--stdin'], text);
    const recordLines = await Promise.all(
      files.map(async (f) => `100644 blob ${await hash(f.text)}\t${f.ref.name}\n`),
    );
    const recordsTree = await gitOrFail(this.repoDir, ['mktree'], recordLines.join(''));
    const versionBlob = await hash(`${JSON.stringify(stored, null, 2)}\n`);
    const tree = await gitOrFail(
      this.repoDir,
      ['mktree'],
      `100644 blob ${versionBlob}\tversion.json\n040000 tree ${recordsTree}\trecords\n`,
    );
    const recordCommit = await gitOrFail(this.repoDir, ['commit-tree', tree, '-m', `record ${name}`]);
    const tag = versionTag(stored.model, stored.version);
    const seconds = Math.floor(Date.parse(stored.recorded_at) / 1000);
    const tagObject = await gitOrFail(
      this.repoDir,
      ['mktag'],
      `object ${stored.git_sha}\ntype commit\ntag ${tag}\ntagger gantry <gantry@localhost> ${seconds} +0000\n\n${tagMessage(stored, recordCommit)}`,
    );
    // Both refs or neither; `create` fails when a ref exists, so of two writers of one version only one wins.
    const created = await git(
      this.repoDir,
      ['update-ref', '--stdin'],
      `start\ncreate refs/tags/${tag} ${tagObject}\ncreate ${VERSIONS}${tag} ${recordCommit}\nprepare\ncommit\n`,
    );
    if (created.code !== 0) {
      const winner = await this.stored(stored.model, stored.version);
      if (!winner)
        throw new GantryError(
          'tag_exists',
          `cannot record ${name}: the tag ${tag} already exists and is not a Gantry version (${created.stderr.trim()})`,
          1,
        );
      checkSameVersion(winner, stored);
      return { version: (await this.get(stored.model, stored.version))!, created: false };
    }
    return { version: (await this.get(stored.model, stored.version))!, created: true };
  }

  private moveEnvironment(
    model: string,
    environment: string,
    plan: (history: EnvironmentEntry[]) => Promise<EnvironmentChange>,
  ): Promise<EnvironmentChange> {
    const ref = environmentRef(model, environment);
    return advanceRef(
      this.repoDir,
      ref,
      async (current) => {
        const history = await this.historyAt(current);
        const change = await plan(history);
        if (!change.changed) return { value: change };
        const { entry } = change;
        const text = [...history, entry].map((e) => `${JSON.stringify(e)}\n`).join('');
        const commit = await commitFile(
          this.repoDir,
          { name: HISTORY_FILE, text },
          current,
          `${entry.reason} ${model} in ${environment}: ${entry.from ?? '(none)'} -> ${entry.to}`,
        );
        return { value: change, commit };
      },
      (n) =>
        new GantryError(
          'environment_contended',
          `could not move ${model} in ${environment} after ${n} attempts: too many concurrent changes`,
          1,
        ),
    );
  }

  async promote(request: PromoteRequest): Promise<EnvironmentChange> {
    const version = await this.stored(request.model, request.version);
    return this.moveEnvironment(request.model, request.environment, async (history) =>
      planPromotion(history, version, request),
    );
  }

  async rollback(request: RollbackRequest): Promise<EnvironmentChange> {
    return this.moveEnvironment(request.model, request.environment, async (history) =>
      rollbackMove(history, request),
    );
  }
}
