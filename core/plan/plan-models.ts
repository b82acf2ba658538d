import { parse } from 'yaml';
import type {
  BuildPlan,
  MatrixEntry,
  PlannedModel,
  PlanScope,
  RemovedModel,
} from '../../schemas/build-plan.js';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import type { Diagnostic } from '../../schemas/validation-report.js';
import { imageReference } from '../image-reference.js';
import { type ParsedManifest, parseManifest } from '../manifest/parse-manifest.js';
import { changeReasons } from './change-reasons.js';
import { changedPaths, type FileChange } from './parse-raw-diff.js';
import { displayFolder, folderOf, repoPath } from './repo-path.js';
import { treePathExists } from './tree-path-exists.js';

/** A model.yml and its text, named by its repository-relative path. */
export interface ManifestText {
  path: string;
  text: string;
}

/** Everything a plan is decided from, already read from git. */
export interface PlanInput {
  scope: PlanScope;
  /** Every file of the head commit. */
  files: readonly string[];
  /** The model.yml files of the head commit. */
  manifests: readonly ManifestText[];
  /** What changed from base to head; absent when every model is planned. */
  changes?: readonly FileChange[];
  /** model.yml files that the changes deleted or renamed away, with their text at the base. */
  deletedManifests?: readonly ManifestText[];
  registry: string;
}

export interface PlanOutcome {
  /** Absent when there are errors. */
  plan?: BuildPlan;
  /** Problems in manifests of models the plan would build, and repeated model names. */
  errors: Diagnostic[];
  /** One per invalid manifest of a model left out of the plan, at its first problem: they do not stop it. */
  warnings: Diagnostic[];
}

interface ReadModel {
  path: string;
  folder: string;
  parsed: ParsedManifest;
  /** Repository-relative; unknown (empty) for an invalid manifest, whose folder still counts. */
  dependencies: string[];
}

function readModel({ path, text }: ManifestText, exists: (path: string) => boolean): ReadModel {
  const folder = folderOf(path);
  const parsed = parseManifest(text, path, { pathExists: (p) => exists(repoPath(folder, p)) });
  const dependencies = parsed.manifest?.depends_on.map((d) => repoPath(folder, d)) ?? [];
  return { path, folder, parsed, dependencies };
}

/** Names are unique in a repository: each later manifest reusing a name is an error at its `name`. */
function repeatedNames(models: readonly ReadModel[]): Diagnostic[] {
  const firstWithName = new Map<string, string>();
  const errors: Diagnostic[] = [];
  for (const { path, parsed } of models) {
    if (parsed.manifest === undefined) continue;
    const { name } = parsed.manifest;
    const first = firstWithName.get(name);
    if (first === undefined) {
      firstWithName.set(name, path);
      continue;
    }
    const { line, column } = parsed.source.locate(['name']);
    const message = `model name "${name}" is already used by ${first}; names must be unique in the repository`;
    errors.push({ file: path, line, column, path: 'name', message });
  }
  return errors;
}

function matrixEntries(model: ReadModel, manifest: ModelManifest, registry: string): MatrixEntry[] {
  return manifest.targets.map((target) => ({
    model: manifest.name,
    version: manifest.version,
    folder: displayFolder(model.folder),
    manifest: model.path,
    target: target.name,
    platform: target.platform,
    arch: target.arch,
    ...(target.accelerator === undefined ? {} : { accelerator: target.accelerator }),
    gpus: target.gpus,
    'runs-on': target['runs-on'],
    image: imageReference({ registry, model: manifest.name, version: manifest.version, target: target.name }),
  }));
}

/** The `name` of a deleted model.yml, read leniently: it only labels what was removed. */
function nameIn(text: string): string | undefined {
  try {
    const data: unknown = parse(text);
    const name = (data as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Deleted manifests whose model is gone from the head: not moved to another folder, not replaced. */
function removedModels(input: PlanInput, present: readonly ReadModel[]): RemovedModel[] {
  const paths = new Set(present.map((m) => m.path));
  const names = new Set(present.flatMap((m) => (m.parsed.manifest ? [m.parsed.manifest.name] : [])));
  return (input.deletedManifests ?? []).flatMap((deleted) => {
    const name = nameIn(deleted.text);
    if (paths.has(deleted.path) || (name !== undefined && names.has(name))) return [];
    const removed = { folder: displayFolder(folderOf(deleted.path)), manifest: deleted.path };
    return [name === undefined ? removed : { name, ...removed }];
  });
}

/** A model that did not change is not rebuilt, so its broken manifest gets one line, not every problem. */
function unplannedWarning(file: string, diagnostics: readonly Diagnostic[]): Diagnostic {
  const [first, ...more] = diagnostics;
  const others = more.length === 0 ? '' : ` (and ${more.length} more)`;
  const message = `${first?.message ?? 'invalid'}${others}; the model did not change, so it is not planned: gantry validate ${file} lists every problem`;
  return { file, line: first?.line ?? 1, column: first?.column ?? 1, path: first?.path ?? '', message };
}

function byPlace(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

/**
 * Decides what to build: the models whose folder or dependencies changed (or all of them), one matrix
 * entry per target. Invalid manifests of those models are errors; of the others, warnings.
 */
export function planModels(input: PlanInput): PlanOutcome {
  const exists = treePathExists(input.files);
  const models = [...input.manifests]
    // By path in code-point order, as git lists them, whatever the locale.
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((manifest) => readModel(manifest, exists));
  const reasons =
    input.changes === undefined
      ? new Map(models.map((m) => [m, []]))
      : changeReasons(models, changedPaths(input.changes));

  const errors = repeatedNames(models);
  const warnings: Diagnostic[] = [];
  const planned: PlannedModel[] = [];
  const matrix: MatrixEntry[] = [];
  for (const model of models) {
    const why = reasons.get(model);
    const { manifest, diagnostics } = model.parsed;
    if (manifest === undefined) {
      if (why === undefined) warnings.push(unplannedWarning(model.path, diagnostics));
      else errors.push(...diagnostics);
      continue;
    }
    if (why === undefined) continue;
    const { name, version } = manifest;
    planned.push({ name, version, folder: displayFolder(model.folder), manifest: model.path, reasons: why });
    matrix.push(...matrixEntries(model, manifest, input.registry));
  }
  if (errors.length > 0) return { errors: errors.sort(byPlace), warnings };
  const plan: BuildPlan = {
    scope: input.scope,
    manifests_found: models.length,
    models: planned,
    removed: removedModels(input, models),
    matrix,
  };
  return { plan, errors, warnings };
}
