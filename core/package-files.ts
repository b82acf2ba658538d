import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file shipped with Gantry (templates, Dockerfiles), found from wherever this code runs: the
 * sources, the bundled CLI in build/ or an action's dist/. It walks up to the folder holding package.json.
 */
export function packageFile(relativePath: string): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`cannot find Gantry's own files (looking for ${relativePath})`);
    folder = parent;
  }
  return join(folder, relativePath);
}
