import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { GantryError } from '../errors.js';
import { type ParsedManifest, parseManifest } from './parse-manifest.js';

/** Reads and checks one model.yml from disk; `displayName` is how diagnostics name the file. */
export async function loadManifest(
  file: string,
  displayName = file,
): Promise<ParsedManifest & { folder: string }> {
  const folder = dirname(file);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new GantryError(
      'manifest_unreadable',
      `${displayName}: cannot read the manifest (${error.code ?? error.message})`,
    );
  });
  const parsed = parseManifest(text, displayName, { pathExists: (p) => existsSync(resolve(folder, p)) });
  return { ...parsed, folder };
}
