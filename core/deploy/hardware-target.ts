import type { ModelManifest, Target } from '../../schemas/model-manifest.js';
import { findTarget } from '../build/select-template.js';
import { GantryError } from '../errors.js';

/** The hardware target a deployment runs: the one named, or the only one model.yml has. */
export function deployedTarget(manifest: ModelManifest, hardware: string | undefined): Target {
  if (hardware) return findTarget(manifest, hardware);
  if (manifest.targets.length === 1) return manifest.targets[0]!;
  throw new GantryError(
    'hardware_target',
    `choose the hardware target with --hardware: ${manifest.targets.map((t) => t.name).join(', ')}`,
  );
}
