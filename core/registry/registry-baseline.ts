import semver from 'semver';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import type { Results } from '../../schemas/results.js';
import { GantryError } from '../errors.js';
import type { ModelRegistry } from './model-registry.js';

export interface RegistryBaseline {
  version: string;
  /** Why this version: "production", "the previous version" or "gates.baseline". */
  source: string;
  results: Results[];
}

/**
 * The recorded version a candidate is gated against, as `gates.baseline` in model.yml says: what runs
 * in production, the highest recorded version below the candidate, or a named version. Undefined when
 * the registry has none (or only the candidate itself), so the caller falls back to the previous run.
 */
export async function registryBaseline(
  registry: ModelRegistry,
  manifest: ModelManifest,
): Promise<RegistryBaseline | undefined> {
  const { name, version: candidate } = manifest;
  const wanted = manifest.gates.baseline;
  let found: { version: string; source: string } | undefined;
  if (wanted === 'production') {
    const current = await registry.current(name, 'production');
    if (current) found = { version: current.version, source: 'production' };
  } else if (wanted === 'previous') {
    const below = (await registry.list({ model: name })).filter((v) => semver.lt(v.version, candidate));
    const previous = below.at(-1);
    if (previous) found = { version: previous.version, source: 'the previous version' };
  } else {
    if (!(await registry.get(name, wanted)))
      throw new GantryError(
        'baseline_not_recorded',
        `gates.baseline in model.yml is ${wanted}, but ${name}@${wanted} is not recorded in the registry (gantry registry list)`,
        1,
      );
    found = { version: wanted, source: 'gates.baseline' };
  }
  if (!found || found.version === candidate) return undefined;
  const records = await registry.records(name, found.version);
  const results = [...records.bench, ...records.eval];
  return results.length > 0 ? { ...found, results } : undefined;
}
