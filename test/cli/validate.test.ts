import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const VALID =
  'name: acme/chat\nversion: 1.0.0\ntask: llm\nserver:\n  type: openai\n  command: [node, server.mjs]\n';

function modelFolder(files: Record<string, string>): string {
  const dir = tempDir('gantry-validate-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('gantry validate', () => {
  it('exits 0 and says how many manifests are valid', async () => {
    const dir = modelFolder({ 'model.yml': VALID });
    const { code, stdout } = await runCli(['validate'], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toBe('1 manifest valid\n');
  });

  it('prints a JSON report on request', async () => {
    const dir = modelFolder({ 'model.yml': VALID });
    const { code, stdout } = await runCli(['validate', '.', '--format', 'json'], { cwd: dir });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ valid: true, files: ['model.yml'], errors: [] });
  });

  it('validates a file given by any name', async () => {
    const dir = modelFolder({ 'staging.yml': VALID.replace('1.0.0', 'one') });
    const { code, stdout } = await runCli(['validate', 'staging.yml'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toContain('staging.yml:2:10: error: version: must be a semantic version');
  });

  it('exits 2 for a path that does not exist, naming it', async () => {
    const { code, stderr } = await runCli(['validate', 'no/such/folder']);
    expect(code).toBe(2);
    expect(stderr).toBe('gantry: no such file or folder: no/such/folder\n');
  });

  it('exits 2 for an unknown option or format, and for a folder with no manifest', async () => {
    expect((await runCli(['validate', '--frmat', 'json'])).code).toBe(2);
    expect((await runCli(['validate', '--format', 'xml'])).code).toBe(2);
    const empty = modelFolder({});
    const run = await runCli(['validate', '.'], { cwd: empty });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no model.yml found');
  });

  it('suggests the command a user meant', async () => {
    const { code, stderr } = await runCli(['valdate']);
    expect(code).toBe(2);
    expect(stderr).toContain('(Did you mean validate?)');
  });

  it('runs as an installed command, with no stack trace for a broken file', () => {
    const dir = modelFolder({ 'model.yml': 'name: [unclosed\n' });
    const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/gantry.js'), 'validate', dir], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/model\.yml:\d+:\d+: error: /);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at /);
  });
});
