import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaStore } from './schemastore.js';

const TEMPLATES = 'workflows-templates';
const templates = readdirSync(TEMPLATES).filter((f) => f.endsWith('.yml'));
const actions = [
  'action.yml',
  ...readdirSync('actions')
    .map((name) => join('actions', name, 'action.yml'))
    .filter((file) => readdirSync(join(file, '..')).includes('action.yml')),
];

// The embedded github-action schema predates node24, which GitHub runs since 2025: allow it as well.
const actionSchema = structuredClone(schemaStore['github-action']!) as {
  definitions: { 'runs-javascript': { properties: { using: { enum: string[] } } } };
};
actionSchema.definitions['runs-javascript'].properties.using.enum.push('node24');

const ajv = new Ajv({ strict: false, allErrors: true });
const validateWorkflow = ajv.compile(schemaStore['github-workflow']!);
const validateAction = ajv.compile(actionSchema);

const problems = (validate: typeof validateWorkflow, file: string) => {
  validate(parse(readFileSync(file, 'utf8')));
  return (validate.errors ?? []).map((e) => `${file}: ${e.instancePath || '/'} ${e.message}`);
};

describe("SchemaStore's schemas", () => {
  it('cover every action', () => {
    expect(actions).toEqual(
      expect.arrayContaining([
        'actions/plan/action.yml',
        'actions/gate/action.yml',
        'actions/setup-docker/action.yml',
      ]),
    );
    expect(actions).toHaveLength(
      readdirSync('actions').filter((n) => n !== 'shared' && n !== 'run').length + 1,
    );
  });

  it.each(templates)('accept the workflow template %s', (file) => {
    expect(problems(validateWorkflow, join(TEMPLATES, file))).toEqual([]);
  });

  it.each(actions)('accept the action %s', (file) => {
    expect(problems(validateAction, file)).toEqual([]);
  });

  it('refuse what GitHub refuses', () => {
    expect(validateWorkflow(parse('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    step: []\n'))).toBe(
      false,
    );
    expect(validateAction(parse('name: a\ndescription: b\nruns:\n  using: node24\n'))).toBe(false);
    expect(validateAction(parse('name: a\ndescription: b\nruns:\n  using: node24\n  main: x.js\n'))).toBe(
      true,
    );
  });
});
