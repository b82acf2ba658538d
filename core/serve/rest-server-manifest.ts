import type { ModelManifest } from '../../schemas/model-manifest.js';

/**
 * What Gantry's REST server (dockerfiles/shared/rest_server.py) needs from model.yml, as JSON: the
 * server runs on images with nothing but Python's standard library, which has no YAML parser, so the
 * build (or a process deployment) writes this file next to the model and passes `--manifest-json FILE`.
 * Keys are snake_case because a Python program reads them; `format` changes only when a key changes
 * meaning.
 */
export interface RestServerManifest {
  format: 1;
  name: string;
  version: string;
  description: string | null;
  /** The Python file with the Model class, relative to the model folder. */
  model_file: string;
  port: number;
  input_schema: Record<string, unknown> | null;
  output_schema: Record<string, unknown> | null;
}

export function restServerManifest(manifest: ModelManifest): RestServerManifest {
  return {
    format: 1,
    name: manifest.name,
    version: manifest.version,
    description: manifest.description ?? null,
    model_file: manifest.server.model ?? 'model.py',
    port: manifest.server.port,
    input_schema: manifest.schema?.input ?? null,
    output_schema: manifest.schema?.output ?? null,
  };
}
