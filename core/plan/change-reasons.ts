import type { ChangeReason } from '../../schemas/build-plan.js';
import { pathAndAncestors } from './repo-path.js';

/** Where a model lives and what else it is built from, all relative to the repository root (`''` = root). */
export interface ModelPaths {
  folder: string;
  dependencies: readonly string[];
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * Why each model changed: every changed path inside its folder or inside one of its dependencies.
 * Models without a change are absent. Looks up each changed path's folders in maps, so the cost grows with
 * the number of changed paths, not with models × paths.
 */
export function changeReasons<M extends ModelPaths>(
  models: readonly M[],
  changed: readonly string[],
): Map<M, ChangeReason[]> {
  const byFolder = new Map<string, M[]>();
  const byDependency = new Map<string, M[]>();
  for (const model of models) {
    addTo(byFolder, model.folder, model);
    for (const dependency of new Set(model.dependencies)) addTo(byDependency, dependency, model);
  }
  const reasons = new Map<M, ChangeReason[]>();
  for (const path of new Set(changed)) {
    const places = pathAndAncestors(path);
    // One reason per model and path: its own folder first, else the nearest dependency holding the path.
    const explained = new Set<M>();
    for (const place of places) {
      for (const model of byFolder.get(place) ?? []) {
        if (explained.has(model)) continue;
        explained.add(model);
        addTo(reasons, model, { kind: 'changed', path });
      }
    }
    for (const place of places) {
      for (const model of byDependency.get(place) ?? []) {
        if (explained.has(model)) continue;
        explained.add(model);
        addTo(reasons, model, { kind: 'dependency', dependency: place, path });
      }
    }
  }
  return reasons;
}
