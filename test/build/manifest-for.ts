import { parse, stringify } from 'yaml';
import { ModelManifest, type ModelManifestInput } from '../../schemas/model-manifest.js';

/** A checked manifest from a plain object, with what a minimal model.yml would get by default. */
export function manifestFor(
  input: Partial<ModelManifestInput> & Pick<ModelManifestInput, 'server'>,
): ModelManifest {
  return ModelManifest.parse(parse(stringify({ name: 'demo', version: '1.2.0', task: 'rest', ...input })));
}
