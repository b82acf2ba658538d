import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { restServerManifest } from '../serve/rest-server-manifest.js';

/** Never part of an image: version control, local dependencies and Gantry's own output. */
const NEVER_COPIED = new Set(['.git', 'node_modules', '.gantry', '__pycache__']);

export interface BuildContext {
  dir: string;
  dockerfile: string;
  remove: () => Promise<void>;
}

/**
 * The folder a template builds from: `model/` (the model folder, without baked weights), `weights/`
 * (the baked weights, a layer of their own that changes less often than code) and `gantry/` (files
 * Gantry ships, such as the REST server). A rest model also gets `model/gantry-manifest.json`, its
 * identity and schemas for the REST server. Timestamps are kept so an unchanged model hits the cache.
 */
export async function prepareBuildContext(
  modelDir: string,
  manifest: ModelManifest,
  dockerfile: string,
  gantryFiles: Record<string, string>,
): Promise<BuildContext> {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-build-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const baked = manifest.weights?.source === 'baked' ? manifest.weights.path : undefined;
    const weights = baked === undefined ? undefined : resolve(modelDir, baked);
    await cp(modelDir, join(dir, 'model'), {
      recursive: true,
      preserveTimestamps: true,
      filter: (source) => {
        if (weights !== undefined && source === weights) return false;
        const inside = relative(modelDir, source);
        return !inside.split(sep).some((part) => NEVER_COPIED.has(part));
      },
    });
    if (manifest.server.type === 'rest') {
      // Gantry's REST server validates requests against model.yml's schemas, read as JSON beside model.py.
      await writeFile(
        join(dir, 'model', 'gantry-manifest.json'),
        JSON.stringify(restServerManifest(manifest)),
      );
    }
    await mkdir(join(dir, 'weights'));
    if (weights !== undefined) {
      const isFolder = (await stat(weights).catch(() => undefined))?.isDirectory();
      if (isFolder === undefined)
        throw new GantryError('weights_missing', `baked weights ${baked} are not in ${modelDir}`, 1);
      await cp(weights, isFolder ? join(dir, 'weights') : join(dir, 'weights', basename(weights)), {
        recursive: true,
        preserveTimestamps: true,
      });
    }
    await mkdir(join(dir, 'gantry'));
    for (const [name, source] of Object.entries(gantryFiles)) {
      await cp(source, join(dir, 'gantry', name), { preserveTimestamps: true });
    }
    const path = join(dir, 'Dockerfile');
    await writeFile(path, dockerfile);
    return { dir, dockerfile: path, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
