import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../core/manifest/parse-manifest.js';
import { restServerManifest } from '../../core/serve/rest-server-manifest.js';

const REST_SERVER_DIR = join(import.meta.dirname, '..', '..', 'dockerfiles', 'shared');

describe('restServerManifest', () => {
  it("carries the identity, model file, port and schemas the REST server needs, and nothing of YAML's", () => {
    const { manifest } = parseManifest(
      [
        'name: acme/churn',
        'version: 2.1.0',
        'task: rest',
        'server: { type: rest }',
        'schema:',
        '  input: { type: object, required: [x], properties: { x: { type: number } } }',
      ].join('\n'),
      'model.yml',
      { pathExists: () => true },
    );
    expect(restServerManifest(manifest!)).toEqual({
      format: 1,
      name: 'acme/churn',
      version: '2.1.0',
      description: null,
      model_file: 'model.py',
      port: 8080,
      input_schema: { type: 'object', required: ['x'], properties: { x: { type: 'number' } } },
      output_schema: null,
    });
  });
});

/** Runs the REST server's own validator on (schema, value) pairs; null when valid, else [path, message]. */
function validate(cases: [unknown, unknown][]): ([string, string] | null)[] {
  const program = `
import json, sys
sys.path.insert(0, sys.argv[1])
from rest_server import Validator, Invalid
out = []
for schema, value in json.loads(sys.stdin.read()):
    try:
        Validator(schema, "schema").validate(value)
        out.append(None)
    except Invalid as e:
        out.append([e.path, e.message])
print(json.dumps(out))`;
  const text = execFileSync('python3', ['-B', '-c', program, REST_SERVER_DIR], {
    input: JSON.stringify(cases),
  });
  return JSON.parse(text.toString());
}

describe("the REST server's JSON Schema subset", () => {
  it('checks each supported keyword and names the JSON path of the first error', () => {
    const point = { $defs: { p: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 } } };
    const results = validate([
      [{ type: 'number' }, 3],
      [{ type: 'integer' }, 3.0],
      [{ type: 'integer' }, 3.5],
      [{ type: 'number' }, true],
      [{ type: ['string', 'null'] }, null],
      [{ const: 1 }, true],
      [{ minimum: 0, exclusiveMaximum: 1 }, 1],
      [{ multipleOf: 0.1 }, 0.3],
      [{ type: 'string', pattern: '^[a-z]+$', maxLength: 3 }, 'abcd'],
      [{ type: 'string', pattern: '^[a-z]+$' }, 'AB'],
      [{ type: 'array', uniqueItems: true }, [1, { a: 1 }, { a: 1 }]],
      [{ properties: { 'a b': { type: 'string' } } }, { 'a b': 1 }],
      [{ ...point, properties: { at: { $ref: '#/$defs/p' } } }, { at: [1, 'x'] }],
      [{ ...point, properties: { at: { $ref: '#/$defs/p' } } }, { at: [1] }],
      [{ anyOf: [{ type: 'string' }, { type: 'integer' }] }, 2.5],
      [{ oneOf: [{ type: 'number' }, { type: 'integer' }] }, 2],
      [{ not: { type: 'null' } }, null],
      [{ additionalProperties: { type: 'boolean' } }, { ok: true, bad: 'x' }],
      [{ minProperties: 1 }, {}],
    ]);
    expect(results).toEqual([
      null,
      null,
      ['$', 'must be integer, not number'],
      ['$', 'must be number, not boolean'],
      null,
      ['$', 'must be 1'],
      ['$', 'must be less than 1'],
      null,
      ['$', 'must be at most 3 characters long'],
      ['$', 'must match the pattern ^[a-z]+$'],
      ['$[2]', 'repeats an earlier item; items must be unique'],
      ['$["a b"]', 'must be string, not integer'],
      ['$.at[1]', 'must be integer, not string'],
      ['$.at', 'must have at least 2 items'],
      ['$', 'matches none of the allowed forms (anyOf)'],
      ['$', 'must match exactly one allowed form (oneOf), matches 2'],
      ['$', 'matches a form that is not allowed (not)'],
      ['$.bad', 'must be boolean, not string'],
      ['$', 'must have at least 1 properties'],
    ]);
  });
});
