import type { ModelManifest } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';

/** The command that serves a `rest` model (a Python model.py) through Gantry's REST wrapper. */
export function restServerCommand(manifest: ModelManifest, _port: number): string[] {
  throw new GantryError(
    'rest_server_missing',
    `serving ${manifest.name} needs Gantry's REST wrapper, which is not installed`,
  );
}
