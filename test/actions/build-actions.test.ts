import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildRecord } from '../../schemas/build-record.js';
import { gitRepo } from '../support/git-repo.js';
import { services, serviceUnavailable } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';
import { actionMetadata, parseOutputs, runAction } from './run-action.js';

const ROOT = join(import.meta.dirname, '../..');
const skip = serviceUnavailable('docker', services.docker(), 'run scripts/test-env.sh as root');

interface CompositeStep {
  name: string;
  if?: string;
  shell: string;
  run: string;
  env?: Record<string, string>;
}

/**
 * Runs the shell steps of a composite action as the runner does, with bash: `inputs` substituted into
 * each step's env (never into the script), GITHUB_OUTPUT and GITHUB_ENV files, a step's `if:` on an input.
 */
function runComposite(name: string, inputs: Record<string, string>, env: Record<string, string>) {
  const steps = (actionMetadata(name).runs as unknown as { steps: CompositeStep[] }).steps;
  const files = tempDir('gantry-composite-');
  const output = join(files, 'output');
  const githubEnv = join(files, 'env');
  writeFileSync(output, '');
  writeFileSync(githubEnv, '');
  const value = (text: string) =>
    text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, input) => inputs[input] ?? '');
  const ran: { name: string; status: number | null; stdout: string; stderr: string }[] = [];
  for (const step of steps) {
    expect(step.shell).toBe('bash');
    expect(step.run).not.toContain('${{');
    const condition = step.if && /^inputs\.([\w-]+) != ''$/.exec(step.if);
    if (step.if && !condition) throw new Error(`cannot evaluate if: ${step.if}`);
    if (condition && !inputs[condition[1]!]) continue;
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, value(v)]));
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, GITHUB_ENV: githubEnv, ...env, ...stepEnv },
    });
    ran.push({ name: step.name, status: result.status, stdout: result.stdout, stderr: result.stderr });
    if (result.status !== 0) break;
  }
  return { ran, outputs: parseOutputs(readFileSync(output, 'utf8')), env: readFileSync(githubEnv, 'utf8') };
}

describe('actions/setup-docker (composite)', () => {
  it('never relies on node, and passes inputs through env only', () => {
    const steps = (actionMetadata('setup-docker').runs as unknown as { steps: CompositeStep[] }).steps;
    for (const step of steps) {
      expect(step.run).not.toMatch(/\bnode\b|\bnpx\b|\bnpm\b/);
      expect(step.run).not.toContain('${{');
    }
  });

  it.skipIf(skip)('checks the engine, turns BuildKit on and logs in with the password on stdin', () => {
    const config = tempDir('gantry-docker-config-');
    const run = runComposite(
      'setup-docker',
      { registry: '127.0.0.1:5000/acme', username: 'ci', password: 's3cret-token' },
      { DOCKER_CONFIG: config },
    );
    expect(run.ran.map((s) => [s.name, s.status])).toEqual([
      ['Check the container engine', 0],
      ['Log in to the registry', 0],
    ]);
    expect(run.outputs['engine-version']).toMatch(/^\d+\.\d+/);
    expect(run.env).toBe('DOCKER_BUILDKIT=1\n');
    const login = run.ran[1]!;
    expect(login.stdout).toContain('::add-mask::s3cret-token');
    expect(login.stdout.replace('::add-mask::s3cret-token', '') + login.stderr).not.toContain('s3cret-token');
    expect(login.stdout).toContain('Login Succeeded');
    expect(readFileSync(join(config, 'config.json'), 'utf8')).toContain('127.0.0.1:5000');
  });

  it('fails with an annotation when no engine answers', () => {
    const run = runComposite('setup-docker', {}, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(run.ran).toHaveLength(1);
    expect(run.ran[0]!.status).toBe(1);
    expect(run.ran[0]!.stdout).toContain('::error title=No container engine::');
    expect(run.env).toBe('');
  });
});

/** A repository holding the build fixture's REST model under models/doubler. */
async function doublerRepo() {
  const repo = await gitRepo();
  cpSync(join(ROOT, 'test/fixtures/build/rest-model'), join(repo.dir, 'models/doubler'), { recursive: true });
  await repo.commit({});
  return repo;
}

describe.skipIf(skip)('actions/build on a real engine and registry', () => {
  it('builds one target of a model, pushes it and records it', { timeout: 300_000 }, async () => {
    const repo = await doublerRepo();
    const run = await runAction('build', {
      cwd: repo.dir,
      inputs: {
        model: 'models/doubler',
        target: 'cpu',
        registry: '127.0.0.1:5000/gantry-actions-test',
        push: 'true',
        'base-image': 'gantry-base/python:bookworm',
      },
    });
    expect(run.stdout).not.toContain('::error');
    expect(run.code).toBe(0);
    const record = BuildRecord.parse(JSON.parse(readFileSync(run.outputs.record!, 'utf8')));
    expect(run.outputs.image).toBe('127.0.0.1:5000/gantry-actions-test/doubler:1.0.0-cpu');
    expect(run.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs.pinned).toBe(`127.0.0.1:5000/gantry-actions-test/doubler@${run.outputs.digest}`);
    expect(record.pinned).toBe(run.outputs.pinned);
    expect(run.outputs.record).toBe(join(repo.dir, 'gantry-results/build-cpu.json'));
    expect(run.stdout).toContain('::group::Build doubler 1.0.0 for cpu');
    expect(run.summary).toContain('## Gantry build: doubler 1.0.0 for cpu');
    expect(run.summary).toContain(`| pushed | \`${run.outputs.pinned}\` |`);
    const digests = execFileSync(
      '/usr/bin/docker',
      ['inspect', '--format', '{{json .RepoDigests}}', run.outputs.image!],
      {
        encoding: 'utf8',
      },
    );
    expect(digests).toContain(run.outputs.digest);
  });

  it('fails the step naming the targets when the target is not in model.yml', async () => {
    const repo = await doublerRepo();
    const run = await runAction('build', {
      cwd: repo.dir,
      inputs: { model: 'models/doubler', target: 'cuda-a100' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::doubler has no target "cuda-a100"; model.yml lists: cpu, cpu-arm');
  });
});
