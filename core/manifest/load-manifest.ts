import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { formatDiagnostic } from './format-diagnostic.js';
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

/**
 * Reads model.yml for a command that needs it valid: a manifest with problems stops the command with
 * every problem listed, as `gantry validate` prints them.
 */
export async function loadValidManifest(
  file: string,
  displayName = file,
): Promise<ParsedManifest & { folder: string; manifest: ModelManifest }> {
  const loaded = await loadManifest(file, displayName);
  if (loaded.manifest) return { ...loaded, manifest: loaded.manifest };
  const count = loaded.diagnostics.length;
  const lines = loaded.diagnostics.map((d) => formatDiagnostic(d, false)).join('\n');
  throw new GantryError(
    'manifest_invalid',
    `${displayName} has ${count} problem${count === 1 ? '' : 's'}; fix ${count === 1 ? 'it' : 'them'} first:\n${lines}`,
    1,
  );
}
