import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import type { BenchResults } from '../../schemas/bench-results.js';
import type { BuildRecord } from '../../schemas/build-record.js';
import type { EvalResults } from '../../schemas/eval-results.js';
import type { GateVerdict } from '../../schemas/gate-verdict.js';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import type { ModelVersion, VersionDraft } from '../../schemas/model-version.js';
import { GantryError } from '../errors.js';
import { git, readRef } from '../git-plumbing.js';
import type { ModelRegistry } from './model-registry.js';
import { prepareVersion } from './version-content.js';

export interface RunToRecord {
  registry: ModelRegistry;
  repoDir: string;
  actor: string;
  manifest: ModelManifest;
  manifestPath: string;
  runDir: string;
  builds: BuildRecord[];
  bench: BenchResults[];
  evaluations: EvalResults[];
  verdict?: GateVerdict;
  gatedAgainst?: string;
}

/** The commit checked out, or undefined in a repository without one. */
const headCommit = (repoDir: string) => readRef(repoDir, 'HEAD^{commit}');

async function runDraft(run: RunToRecord, sha: string): Promise<VersionDraft> {
  return {
    model: run.manifest.name,
    version: run.manifest.version,
    git_sha: sha,
    gated_against: run.gatedAgainst,
    lineage: { run_id: relative(run.repoDir, run.runDir) },
    records: {
      manifest: await readFile(run.manifestPath, 'utf8'),
      build: run.builds,
      bench: run.bench,
      eval: run.evaluations,
      gate: run.verdict,
    },
  };
}

/**
 * Why a pipeline run cannot be recorded as the version model.yml names, on the commit checked out, or
 * undefined when it can: the model's folder must be that commit's (else the version would claim a
 * commit it was not measured at), and the version not recorded yet: a version is recorded once, so a
 * re-run of an unchanged version measures but does not re-record.
 */
export async function recordingBlocker(run: RunToRecord): Promise<string | undefined> {
  const name = `${run.manifest.name}@${run.manifest.version}`;
  const sha = await headCommit(run.repoDir);
  if (!sha) return 'the repository has no commit yet';
  const folder = relative(run.repoDir, dirname(run.manifestPath)) || '.';
  const status = await git(run.repoDir, ['status', '--porcelain', '--untracked-files=no', '--', folder]);
  if (status.stdout.trim() !== '') return `${folder} has uncommitted changes: commit them to record ${name}`;
  const existing = await run.registry.get(run.manifest.name, run.manifest.version);
  if (!existing) return undefined;
  return existing.digest === prepareVersion(await runDraft(run, sha), { actor: run.actor }).stored.digest
    ? `${name} is already recorded with these results`
    : `${name} is already recorded with other results: bump the version in model.yml to record a new one`;
}

/** Records a pipeline run as the version model.yml names, on the commit checked out (see recordingBlocker). */
export async function recordRun(run: RunToRecord): Promise<ModelVersion> {
  const sha = await headCommit(run.repoDir);
  if (!sha) throw new GantryError('unknown_commit', `${run.repoDir} has no commit to record a version on`, 1);
  return (await run.registry.record(await runDraft(run, sha), { actor: run.actor })).version;
}
