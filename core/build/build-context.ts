import { createHash } from 'node:crypto';
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { restServerManifest } from '../serve/rest-server-manifest.js';
import { folderFiles, syncFolder } from './sync-folder.js';

/** Never part of an image: version control, local dependencies and Gantry's own output. */
const NEVER_COPIED = new Set(['.git', 'node_modules', '.gantry', '__pycache__']);

export interface BuildContext {
  dir: string;
  dockerfile: string;
  /** Equal for equal contents: what the folder holds, the Dockerfile included. */
  fingerprint: string;
}

/**
 * One folder per model folder and target, kept between builds: the engine sends only the files that
 * changed since the last build from the same folder, and a fresh folder would resend them all
 * (baked weights included).
 */
export function buildContextDir(modelDir: string, target: string, root = tmpdir()): string {
  const key = createHash('sha256')
    .update(`${resolve(modelDir)}\0${target}`)
    .digest('hex')
    .slice(0, 16);
  return join(root, 'gantry-build-contexts', key);
}

/** A context folder no build used for this long belongs to a model folder that is likely gone. */
const STALE_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Removes context folders last used before `before`, so temporary model folders leave none behind for long. */
async function removeStaleContexts(root: string, before: number): Promise<void> {
  const folders = await readdir(root).catch(() => []);
  await Promise.all(
    folders.map(async (name) => {
      const info = await stat(join(root, name)).catch(() => undefined);
      if (info !== undefined && info.mtimeMs < before)
        await rm(join(root, name), { recursive: true, force: true });
    }),
  );
}

/**
 * The folder a template builds from: `model/` (the model folder, without baked weights), `weights/`
 * (the baked weights, a layer of their own that changes less often than code) and `gantry/` (files
 * Gantry ships, such as the REST server). A rest model also gets `model/gantry-manifest.json`, its
 * identity and schemas for the REST server. The folder is synchronised, not recreated: unchanged
 * files keep their timestamps, so an unchanged model hits the cache without being copied again.
 */
export async function prepareBuildContext(
  modelDir: string,
  manifest: ModelManifest,
  target: string,
  dockerfile: string,
  gantryFiles: Record<string, string>,
): Promise<BuildContext> {
  const dir = buildContextDir(modelDir, target);
  const baked = manifest.weights?.source === 'baked' ? manifest.weights.path : undefined;
  const weights = baked === undefined ? undefined : resolve(modelDir, baked);
  const copies = new Map<string, string>();
  const inWeights = (path: string) =>
    weights !== undefined && (path === weights || path.startsWith(`${weights}${sep}`));
  const modelFiles = await folderFiles(modelDir, (path) => {
    const full = join(modelDir, path);
    return inWeights(full) || path.split(sep).some((part) => NEVER_COPIED.has(part));
  });
  for (const file of modelFiles) copies.set(join('model', file.path), join(modelDir, file.path));
  if (weights !== undefined) {
    const info = await stat(weights).catch(() => undefined);
    if (info === undefined)
      throw new GantryError('weights_missing', `baked weights ${baked} are not in ${modelDir}`, 1);
    if (info.isDirectory()) {
      for (const file of await folderFiles(weights))
        copies.set(join('weights', file.path), join(weights, file.path));
    } else copies.set(join('weights', basename(weights)), weights);
  }
  for (const [name, source] of Object.entries(gantryFiles)) copies.set(join('gantry', name), source);
  const texts = new Map([['Dockerfile', dockerfile]]);
  // Gantry's REST server validates requests against model.yml's schemas, read as JSON beside model.py.
  if (manifest.server.type === 'rest')
    texts.set(join('model', 'gantry-manifest.json'), JSON.stringify(restServerManifest(manifest)));
  const fingerprint = await syncFolder(dir, { copies, texts, folders: ['model', 'weights', 'gantry'] });
  const now = new Date();
  await utimes(dir, now, now);
  await removeStaleContexts(dirname(dir), now.getTime() - STALE_AFTER_MS);
  return { dir, dockerfile: join(dir, 'Dockerfile'), fingerprint };
}
