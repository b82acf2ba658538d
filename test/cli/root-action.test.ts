import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../support/temp-dir.js';

const action = parse(readFileSync('action.yml', 'utf8')) as { runs: { using: string; main: string } };

/** Runs the bundled root action as the runner does: inputs as INPUT_* variables, outputs to a file. */
function runAction(command: string, cwd: string) {
  const output = join(tempDir('gantry-action-'), 'output');
  writeFileSync(output, '');
  const result = spawnSync(process.execPath, [join(process.cwd(), action.runs.main)], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      INPUT_COMMAND: command,
      'INPUT_WORKING-DIRECTORY': '',
      GITHUB_OUTPUT: output,
    },
  });
  return { ...result, outputs: readFileSync(output, 'utf8') };
}

describe('root action', () => {
  it('is a node24 action whose bundle exists', () => {
    expect(action.runs.using).toBe('node24');
  });

  it('runs a gantry command and reports its exit code as an output', () => {
    const dir = tempDir('gantry-action-model-');
    writeFileSync(join(dir, 'model.yml'), 'name: m\nversion: 1.0.0\ntask: rest\nserver: { type: rest }\n');
    writeFileSync(join(dir, 'model.py'), 'class Model: pass\n');
    const ok = runAction('validate .', dir);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('1 manifest valid');
    expect(ok.outputs).toMatch(/^exit-code<<(.+)\n0\n\1\n$/);
  });

  it('fails the step when the command fails', () => {
    const dir = tempDir('gantry-action-model-');
    writeFileSync(join(dir, 'model.yml'), 'name: m\n');
    const failed = runAction('validate .', dir);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('::error::gantry validate exited with 1');
    expect(failed.outputs).toMatch(/\n1\n/);
  });
});
