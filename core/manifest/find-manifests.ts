import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GantryError } from '../errors.js';

export const MANIFEST_FILE = 'model.yml';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'build', 'dist']);

/** Whether a repository-relative file path is a manifest, outside the folders a search skips. */
export function isManifestPath(path: string): boolean {
  const parts = path.split('/');
  return parts.at(-1) === MANIFEST_FILE && !parts.slice(0, -1).some((part) => SKIPPED_FOLDERS.has(part));
}

async function walk(folder: string, found: string[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) await walk(join(folder, entry.name), found);
    else if (entry.isFile() && entry.name === MANIFEST_FILE) found.push(join(folder, entry.name));
  }
}

/**
 * The manifests named by the user: a file is taken as it is, a folder is searched for model.yml files.
 * Returns absolute paths, sorted, without repeats.
 */
export async function findManifests(paths: readonly string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (info === undefined) throw new GantryError('path_not_found', `no such file or folder: ${path}`);
    if (info.isDirectory()) await walk(absolute, found);
    else found.push(absolute);
  }
  return [...new Set(found)].sort();
}
