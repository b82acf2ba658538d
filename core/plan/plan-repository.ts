import { DEFAULT_REGISTRY } from '../image-reference.js';
import { isManifestPath } from '../manifest/find-manifests.js';
import { openRepository } from './open-repository.js';
import type { FileChange } from './parse-raw-diff.js';
import { type ManifestText, type PlanOutcome, planModels } from './plan-models.js';
import { readBlobs } from './read-blobs.js';
import { readChanges } from './read-changes.js';
import { readTree } from './read-tree.js';
import { resolveScope, type ScopeRequest } from './resolve-scope.js';

export interface PlanRequest extends Partial<ScopeRequest> {
  /** Any folder inside the repository. */
  cwd: string;
  registry?: string;
}

/** The manifests a change took away from where they were: deleted, or renamed to another path. */
function manifestsLeft(changes: readonly FileChange[]): { path: string; blob: string }[] {
  return changes.flatMap((c) => {
    if (c.status === 'D' && isManifestPath(c.path)) return [{ path: c.path, blob: c.oldBlob }];
    if (c.status === 'R' && c.from !== undefined && isManifestPath(c.from)) {
      return [{ path: c.from, blob: c.oldBlob }];
    }
    return [];
  });
}

/**
 * Plans a repository at two refs: three git commands (the head's tree, the diff, and one batch read of
 * every manifest), whatever the number of models.
 */
export async function planRepository(request: PlanRequest): Promise<PlanOutcome> {
  const { root, git } = await openRepository(request.cwd);
  const scope = await resolveScope(git, { ...request, head: request.head ?? 'HEAD' });
  const [tree, changes] = await Promise.all([
    readTree(git, scope.head),
    scope.kind === 'changes' ? readChanges(git, scope.base, scope.head) : undefined,
  ]);
  const manifestFiles = tree.filter((file) => isManifestPath(file.path));
  const left = changes === undefined ? [] : manifestsLeft(changes);
  const texts = await readBlobs(
    root,
    [...manifestFiles, ...left].map((file) => file.blob),
  );
  const withText = (file: { path: string; blob: string }): ManifestText => ({
    path: file.path,
    text: texts.get(file.blob) ?? '',
  });
  return planModels({
    scope,
    files: tree.map((file) => file.path),
    manifests: manifestFiles.map(withText),
    changes,
    deletedManifests: left.map(withText),
    registry: request.registry ?? DEFAULT_REGISTRY,
  });
}
