// Writes the JSON Schema files and the model.yml field reference generated from the zod schemas.
// With --check, writes nothing and fails when a committed file differs from what would be generated.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderManifestReference } from '../core/manifest/render-manifest-reference.js';
import { GENERATED_SCHEMAS, manifestJsonSchema, toJsonSchema } from '../schemas/json-schemas.js';

const root = join(import.meta.dirname, '..');
const outputs = new Map<string, string>();
for (const generated of GENERATED_SCHEMAS) {
  outputs.set(join('schemas', generated.file), `${JSON.stringify(toJsonSchema(generated), null, 2)}\n`);
}
outputs.set(join('docs', 'model-yml.md'), renderManifestReference(manifestJsonSchema()));

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [file, content] of outputs) {
  const path = join(root, file);
  const committed = await readFile(path, 'utf8').catch(() => undefined);
  if (committed === content) continue;
  if (check) stale.push(file);
  else await writeFile(path, content);
}
if (stale.length > 0) {
  console.error(
    `Generated files are stale: ${stale.join(', ')}\nRun \`npm run schemas\` and commit the result.`,
  );
  process.exit(1);
}
console.log(
  check ? `${outputs.size} generated files are up to date` : `wrote ${outputs.size} generated files`,
);
