import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationReport } from '../../schemas/validation-report.js';
import { runCli } from '../support/run-cli.js';

// Each folder holds a broken model.yml and expected.txt: every problem it must produce, as
// `LINE:COL PATH: MESSAGE`, no more and no fewer.
const corpus = 'test/fixtures/manifests';
const cases = readdirSync(corpus).sort();

function expectedProblems(name: string): string[] {
  return readFileSync(join(corpus, name, 'expected.txt'), 'utf8')
    .trim()
    .split('\n');
}

describe('gantry validate on broken manifests', () => {
  it('has a large corpus of broken manifests', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s: reports every problem at its line and column', async (name) => {
    const { code, stdout } = await runCli(['validate', join(corpus, name), '--format', 'json']);
    expect(code).toBe(1);
    const report = ValidationReport.parse(JSON.parse(stdout));
    expect(report.valid).toBe(false);
    expect(new Set(report.errors.map((e) => e.file))).toEqual(new Set([join(corpus, name, 'model.yml')]));
    const found = report.errors.map(
      (e) => `${e.line}:${e.column} ${e.path ? `${e.path}: ` : ''}${e.message}`,
    );
    expect(found).toEqual(expectedProblems(name));
  });

  it('reports the problems of every manifest in a folder, not just the first', async () => {
    const { code, stdout, stderr } = await runCli(['validate', corpus]);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    const total = cases.reduce((n, name) => n + expectedProblems(name).length, 0);
    expect(lines).toHaveLength(total);
    expect(lines[0]).toMatch(/^test\/fixtures\/manifests\/[a-z0-9-]+\/model\.yml:\d+:\d+: error: /);
    expect(stderr).toBe(`${total} problems in ${cases.length} of ${cases.length} manifests\n`);
  });
});
