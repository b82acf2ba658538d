import type { ModelManifest } from '../../schemas/model-manifest.js';
import { packageFile } from '../package-files.js';

/**
 * The command that serves a `rest` model (a Python model.py) through Gantry's REST server, the same
 * program its images run. `manifestJson` is the file restServerManifest() was written to.
 */
export function restServerCommand(manifest: ModelManifest, port: number, manifestJson: string): string[] {
  return [
    'python3',
    packageFile('dockerfiles/shared/rest_server.py'),
    '--model',
    manifest.server.model ?? 'model.py',
    '--manifest-json',
    manifestJson,
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
  ];
}
