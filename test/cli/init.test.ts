import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema } from '../../schemas/json-schemas.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('gantry init', () => {
  it('writes a valid model.yml, the schema it points at, and the CI workflow', async () => {
    const dir = join(tempDir(), 'Whisper Small');
    const { code, stdout } = await runCli(['init', dir]);
    expect(code).toBe(0);
    expect(stdout).toContain('created');
    const manifest = readFileSync(join(dir, 'model.yml'), 'utf8');
    expect(manifest).toMatch(
      /^# yaml-language-server: \$schema=\.gantry\/model-manifest\.schema\.json\nname: whisper-small\n/,
    );
    expect(JSON.parse(readFileSync(join(dir, '.gantry/model-manifest.schema.json'), 'utf8'))).toEqual(
      manifestJsonSchema(),
    );
    expect(readFileSync(join(dir, '.github/workflows/gantry-ci.yml'), 'utf8')).toBe(
      readFileSync('workflows-templates/gantry-ci.yml', 'utf8'),
    );
    expect((await runCli(['validate', dir])).code).toBe(0);
  });

  it('puts the schema and workflow at the top of the git repository for a model in a subfolder', async () => {
    const repo = tempDir();
    await simpleGit(repo).init();
    const dir = join(repo, 'models', 'asr');
    expect((await runCli(['init', 'models/asr'], { cwd: repo })).code).toBe(0);
    const schemaLine = readFileSync(join(dir, 'model.yml'), 'utf8').split('\n')[0]!;
    const schemaRef = schemaLine.replace('# yaml-language-server: $schema=', '');
    expect(schemaRef).toBe('../../.gantry/model-manifest.schema.json');
    expect(existsSync(resolve(dir, schemaRef))).toBe(true);
    expect(existsSync(join(repo, '.github/workflows/gantry-ci.yml'))).toBe(true);
    // A second model reuses the shared files: nothing to overwrite.
    const second = await runCli(['init', 'models/llm'], { cwd: repo });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('unchanged .github/workflows/gantry-ci.yml');
  });

  it('refuses to overwrite a changed file without --force, and writes nothing then', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'model.yml'), 'name: mine\n');
    const refused = await runCli(['init', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('model.yml');
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(join(dir, 'model.yml'), 'utf8')).toBe('name: mine\n');
    expect(existsSync(join(dir, '.github'))).toBe(false);

    const forced = await runCli(['init', dir, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`overwrote ${join(dir, 'model.yml')}`);
    expect(existsSync(join(dirname(join(dir, 'x')), '.github/workflows/gantry-ci.yml'))).toBe(true);
  });
});
