import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { sortByHost, summaryRows } from '../../core/build/build-all.js';
import { buildContextDir } from '../../core/build/build-context.js';
import { DOCKER } from '../../core/build/docker.js';
import { emulatedArches } from '../../core/build/host-support.js';
import type { MatrixEntry } from '../../schemas/build-plan.js';
import { type GitRepo, gitRepo } from '../support/git-repo.js';
import { runCli } from '../support/run-cli.js';
import { services, serviceUnavailable } from '../support/services.js';

const REGISTRY = '127.0.0.1:5000/gantry-test-all';
const BASE = 'gantry-base/python:bookworm';

function entry(model: string, target: string, arch: 'amd64' | 'arm64', platform = 'cpu'): MatrixEntry {
  return {
    model,
    version: '1.0.0',
    folder: model,
    manifest: `${model}/model.yml`,
    target,
    platform: platform as MatrixEntry['platform'],
    arch,
    gpus: 0,
    'runs-on': ['ubuntu-latest'],
    image: `${REGISTRY}/${model}:1.0.0-${target}`,
  };
}

describe('which planned images a host builds', () => {
  const matrix = [
    entry('a', 'cpu', 'amd64'),
    entry('a', 'cuda', 'amd64', 'cuda'),
    entry('a', 'cpu-arm', 'arm64'),
  ];

  it('builds accelerator images on any host of their architecture, and skips another architecture', () => {
    const { build, skipped } = sortByHost(matrix, { arch: 'amd64', emulated: [] });
    expect(build.map((e) => e.target)).toEqual(['cpu', 'cuda']);
    expect(skipped).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^arm64 on an amd64 host without emulation/) }),
    ]);
  });

  it('builds another architecture when the engine emulates it', () => {
    expect(sortByHost(matrix, { arch: 'amd64', emulated: ['arm64'] }).skipped).toEqual([]);
  });

  it('summarises each image on one row, with the first line of a failure', () => {
    const rows = summaryRows([
      { entry: matrix[0]!, status: 'failed', reason: 'step [2/3] failed\nlog', duration_ms: 1500 },
      { entry: matrix[2]!, status: 'skipped', reason: 'arm64 on an amd64 host without emulation' },
    ]);
    expect(rows).toEqual([
      ['MODEL', 'TARGET', 'RESULT', 'TIME', 'IMAGE OR REASON'],
      ['a', 'cpu', 'FAILED', '1.5 s', 'step [2/3] failed'],
      ['a', 'cpu-arm', 'skipped', '', 'arm64 on an amd64 host without emulation'],
    ]);
  });
});

const skip = serviceUnavailable('docker', services.docker(), 'run scripts/test-env.sh as root');

function restModel(name: string, targets: string): Record<string, string> {
  return {
    [`models/${name}/model.yml`]: `name: ${name}\nversion: 1.0.0\ntask: rest\nserver:\n  type: rest\ntargets:\n${targets}`,
    [`models/${name}/model.py`]: `class Model:\n    def predict(self, body):\n        return {"model": "${name}"}\n`,
  };
}

const cpu = `  - name: cpu\n    platform: cpu\n    base_image: ${BASE}\n`;
const arm = `  - name: cpu-arm\n    platform: cpu\n    arch: arm64\n    base_image: ${BASE}\n`;
const broken = '  - name: broken\n    platform: cpu\n    dockerfile: broken.Dockerfile\n';

describe.skipIf(skip)('gantry build --all on a real repository and engine', () => {
  const armSkipped = !emulatedArches().includes('arm64');
  /** A repository with two models, the doubler and the tripler. */
  async function twoModels(): Promise<GitRepo> {
    const repo = await gitRepo();
    onTestFinished(() => {
      for (const model of ['doubler', 'tripler'])
        rmSync(buildContextDir(join(repo.dir, 'models', model), 'cpu'), { recursive: true, force: true });
    });
    await repo.commit({ ...restModel('doubler', cpu + arm), ...restModel('tripler', cpu) }, 'two models');
    return repo;
  }
  const build = (repo: GitRepo, ...argv: string[]) =>
    runCli(['build', '--all', '--registry', REGISTRY, ...argv], { cwd: repo.dir });

  afterAll(() => {
    for (const model of ['doubler', 'tripler'])
      for (const target of ['cpu', 'cpu-arm'])
        spawnSync(DOCKER, ['rmi', '-f', `${REGISTRY}/${model}:1.0.0-${target}`], { stdio: 'ignore' });
  });

  it('builds every target of the changed model only, and says which it skipped and why', {
    timeout: 240_000,
  }, async () => {
    const repo = await twoModels();
    await repo.commit({
      'models/doubler/model.py': 'class Model:\n    def predict(self, body):\n        return {}\n',
    });
    const result = await build(repo);
    expect(result.stderr).toContain('✔ build doubler 1.0.0 for cpu');
    expect(result.stderr).not.toContain('tripler');
    expect(result.stdout).toMatch(
      /doubler\s+cpu\s+built\s+[\d.]+ s\s+127\.0\.0\.1:5000\/gantry-test-all\/doubler:1\.0\.0-cpu/,
    );
    if (armSkipped) {
      expect(result.stderr).toContain(
        '↷ build doubler 1.0.0 for cpu-arm — skipped: arm64 on an amd64 host without emulation',
      );
      expect(result.stdout).toContain('1 built, 0 failed, 1 skipped');
    }
    expect(result.code).toBe(0);
  });

  it('tries every image, then exits 1 with a summary naming the failed one', {
    timeout: 240_000,
  }, async () => {
    const repo = await twoModels();
    await repo.commit({
      ...restModel('tripler', cpu + broken),
      'models/tripler/broken.Dockerfile': `FROM ${BASE}\nRUN echo the weights are missing >&2 && exit 3\n`,
    });
    const result = await build(repo, '--all-models');
    expect(result.stderr).toContain('✔ build doubler 1.0.0 for cpu');
    expect(result.stderr).toContain('✔ build tripler 1.0.0 for cpu');
    expect(result.stderr).toContain('✖ build tripler 1.0.0 for broken');
    expect(result.stdout).toMatch(
      /tripler\s+broken\s+FAILED\s+[\d.]+ s\s+step \[2\/2\] RUN echo the weights are missing/,
    );
    expect(result.stdout).toContain(`2 built, 1 failed, ${armSkipped ? 1 : 0} skipped`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.code).toBe(1);
  });

  it('refuses a --head that is not checked out, since builds use the working tree', async () => {
    const repo = await twoModels();
    await repo.commit({}, 'nothing changed');
    const result = await build(repo, '--head', 'HEAD~1');
    expect(result.stderr).toContain('builds use the working tree, so check out HEAD~1 first');
    expect(result.code).toBe(1);
  });

  it('says how to call it when --all meets a single-build option', async () => {
    const result = await build(await twoModels(), '--target', 'cpu');
    expect(result.stderr).toContain('--all builds every planned target; drop --target');
    expect(result.code).toBe(2);
  });
});
