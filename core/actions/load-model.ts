import { relative } from 'node:path';
import { GantryError } from '../errors.js';
import { findManifests } from '../manifest/find-manifests.js';
import { loadValidManifest } from '../manifest/load-manifest.js';

/** The valid model.yml of a model folder (or the file itself), named as the user gave it in errors. */
export async function loadModel(path: string, cwd: string) {
  const [manifestPath] = await findManifests([path], cwd);
  if (!manifestPath) throw new GantryError('manifest_not_found', `no model.yml in ${path}`, 1);
  const loaded = await loadValidManifest(manifestPath, relative(cwd, manifestPath) || manifestPath);
  return { ...loaded, manifestPath };
}
