import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { DOCKER } from '../../core/build/docker.js';
import { deployModel } from '../../core/deploy/deploy-model.js';
import { DeploymentStore } from '../../core/deploy/deployment-store.js';
import { freePort, portIsFree } from '../../core/deploy/free-port.js';
import { GpuReservations } from '../../core/deploy/gpu-reservations.js';
import { parseNvidiaSmi } from '../../core/deploy/nvidia-smi.js';
import { processAlive } from '../../core/deploy/process-control.js';
import { restServerCommand } from '../../core/deploy/rest-server-command.js';
import { stopServer } from '../../core/deploy/stop-deployment.js';
import { DeploymentRecord } from '../../schemas/deployment-record.js';
import { ECHO_MODEL_SERVER } from '../support/echo-model-server.js';
import { gitRepo } from '../support/git-repo.js';
import { runCli } from '../support/run-cli.js';
import { services, serviceUnavailable } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

const skip = serviceUnavailable('docker', services.docker(), 'run scripts/test-env.sh as root');
const REGISTRY = '127.0.0.1:5000/gantry-deploy-test';
const BASE_IMAGE = 'gantry-base/python:bookworm';

function manifest(version: string, mode: string, targets = '') {
  return `name: echo\nversion: ${version}\ntask: rest\nserver:\n  type: custom\n  command: [python3, server.py]\n  port: 8080\n  startup_timeout_s: 8\n  env: { MODE: ${mode}, HOST: 0.0.0.0 }\nenvironments:\n  staging: { deploy: docker }\n${targets}`;
}

const containersOf = (model: string) =>
  execFileSync(DOCKER, ['ps', '-aq', '--filter', `label=dev.gantry.model=${model}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

/** Sends requests one after another on `streams` loops until stopped; counts answers by version and failures. */
function loadLoop(url: string, streams: number) {
  const versions = new Map<string, number>();
  const failures: string[] = [];
  let running = true;
  const loops = Array.from({ length: streams }, async () => {
    while (running) {
      try {
        const response = await fetch(url);
        const body = (await response.json()) as { version: string };
        if (!response.ok) failures.push(`HTTP ${response.status}`);
        else versions.set(body.version, (versions.get(body.version) ?? 0) + 1);
      } catch (error) {
        failures.push(String((error as Error).cause ?? error));
      }
    }
  });
  return {
    versions,
    failures,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** A model repository with its own deployment state, and the CLI run in it. */
async function modelRepository() {
  const repo = await gitRepo();
  const state = join(repo.dir, '.state');
  const cli = (...argv: string[]) => runCli(argv, { env: { GANTRY_STATE_DIR: state }, cwd: repo.dir });
  // Whatever a failed test left running (proxies, containers) stops with it.
  onTestFinished(async () => {
    const store = new DeploymentStore(state);
    for (const record of await store.list()) await stopServer(record, store);
  });
  /** Commits a version of the model and builds its image the way a user would. */
  async function buildVersion(version: string, mode: string) {
    await repo.commit(
      { 'model.yml': manifest(version, mode), 'server.py': ECHO_MODEL_SERVER },
      `echo ${version}`,
    );
    const built = await cli(
      'build',
      '.',
      '--target',
      'cpu',
      '--base-image',
      BASE_IMAGE,
      '--registry',
      REGISTRY,
    );
    expect(built.code, built.stderr).toBe(0);
  }
  return { repo, state, cli, buildVersion };
}

describe.skipIf(skip)('gantry deploy --target docker', () => {
  afterAll(() => {
    for (const id of containersOf('echo')) execFileSync(DOCKER, ['rm', '-f', id]);
  });

  it('replaces a version under load with no failed request, and refuses one that never gets healthy', {
    timeout: 240_000,
  }, async () => {
    const { state, cli, buildVersion } = await modelRepository();
    const port = await freePort();
    const deploy = () =>
      cli('deploy', '.', '--env', 'staging', '--port', String(port), '--registry', REGISTRY);
    await buildVersion('1.0.0', 'ok');
    const first = await deploy();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(
        `echo 1.0.0 is serving at http://127.0.0.1:${port} \\(docker, container gantry-staging-echo-`,
      ),
    );
    const v1 = DeploymentRecord.parse(await new DeploymentStore(state).read('staging', 'echo'));
    expect(v1).toMatchObject({ target: 'docker', hardware: 'cpu', state: 'running', gpus: [] });
    expect(v1.container?.image).toBe(`${REGISTRY}/echo:1.0.0-cpu`);

    const url = `http://127.0.0.1:${port}/predict`;
    const load = loadLoop(url, 4);
    await new Promise((r) => setTimeout(r, 500));

    await buildVersion('2.0.0', 'ok');
    const second = await deploy();
    expect(second.code).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    const v2 = DeploymentRecord.parse(await new DeploymentStore(state).read('staging', 'echo'));
    // Same proxy, new container; the old container is gone.
    expect(v2.proxy?.pid).toBe(v1.proxy?.pid);
    expect(containersOf('echo')).toEqual([v2.container!.id.slice(0, 12)]);

    await buildVersion('3.0.0', 'unhealthy');
    const third = await deploy();
    expect(third.code).toBe(1);
    expect(third.stderr).toContain('/health did not answer within 8 s (last: HTTP 503)');
    expect(third.stderr).toContain(`rolled back: 2.0.0 keeps serving at http://127.0.0.1:${port}`);
    expect(third.stderr).toContain('"GET /health HTTP/1.1" 503');
    await new Promise((r) => setTimeout(r, 500));
    await load.stop();

    expect(load.failures).toEqual([]);
    expect(load.versions.get('1.0.0')).toBeGreaterThan(0);
    expect(load.versions.get('2.0.0')).toBeGreaterThan(0);
    expect(load.versions.has('3.0.0')).toBe(false);
    expect(containersOf('echo')).toEqual([v2.container!.id.slice(0, 12)]);
    const after = DeploymentRecord.parse(await new DeploymentStore(state).read('staging', 'echo'));
    expect(after).toMatchObject({ version: '2.0.0', state: 'running', container: v2.container });
    expect(after.message).toMatch(/^3\.0\.0 was rolled back at .*: \/health did not answer/);

    const status = await cli('status');
    expect(status.stdout).toMatch(
      /staging\s+echo\s+2\.0\.0\s+docker\s+http:\/\/127\.0\.0\.1:\d+\s+gantry-staging-echo-\w+\s+sha256:[0-9a-f]{12}\s+-\s+healthy/,
    );
    expect(status.stdout).toContain('echo: 3.0.0 was rolled back');
    const logs = await cli('logs', 'echo', '--lines', '5');
    expect(logs.stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(5);
    expect(logs.stdout).toContain('"GET /predict HTTP/1.1" 200');

    // restart runs the same container again (whatever model.yml says now: here 3.0.0) and re-points the proxy.
    const restarted = await cli('restart', 'echo');
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout).toContain(`echo 2.0.0 is serving at http://127.0.0.1:${port}`);
    expect(await (await fetch(url)).json()).toEqual({ version: '2.0.0' });
    const v2b = DeploymentRecord.parse(await new DeploymentStore(state).read('staging', 'echo'));
    expect(v2b.container).toEqual(v2.container);

    const stopped = await cli('stop', 'echo');
    expect(stopped.code).toBe(0);
    expect(containersOf('echo')).toEqual([]);
    expect(processAlive(v2b.proxy!.pid)).toBe(false);
    expect(await portIsFree(port)).toBe(true);
  });

  it('fails clearly when the image is missing or the port is taken, leaving nothing running', {
    timeout: 60_000,
  }, async () => {
    const { repo, cli } = await modelRepository();
    await repo.commit({ 'model.yml': manifest('9.9.9', 'ok'), 'server.py': ECHO_MODEL_SERVER }, 'unbuilt');
    const missing = await cli('deploy', '.', '--env', 'staging', '--registry', REGISTRY);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `no image ${REGISTRY}/echo:9.9.9-cpu here or in its registry; build it first: gantry build`,
    );
    expect(containersOf('echo')).toEqual([]);

    const port = await freePort();
    const blocker = (await import('node:net')).createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const taken = await cli(
      'deploy',
      '.',
      '--env',
      'staging',
      '--port',
      String(port),
      '--image',
      `${REGISTRY}/echo:1.0.0-cpu`,
    );
    blocker.close();
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(`port ${port} is in use by another program; stop it or pass --port`);
    expect(containersOf('echo')).toEqual([]);
  });

  it('reserves GPUs from nvidia-smi and says plainly when the engine cannot hand them over', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const { repo, buildVersion } = await modelRepository();
    await buildVersion('1.0.0', 'ok');
    await repo.commit(
      {
        'model.yml': manifest(
          '1.0.0',
          'ok',
          'targets:\n  - { name: h100, platform: cuda, accelerator: h100, gpus: 2 }\n',
        ),
        'server.py': ECHO_MODEL_SERVER,
      },
      'a cuda target',
    );
    // Eight H100s as nvidia-smi reports them; GPUs 0 and 3 run other programs.
    const fixture = (name: string) =>
      readFileSync(new URL(`../fixtures/nvidia-smi/${name}`, import.meta.url), 'utf8');
    const recorded = parseNvidiaSmi(fixture('h100x8-gpus.csv'), fixture('h100x8-apps.csv'));
    const store = new DeploymentStore(join(dir, 'state'));
    const deployCuda = (gpus: GpuReservations) =>
      deployModel({
        manifestPath: join(repo.dir, 'model.yml'),
        environment: 'staging',
        store,
        restServer: restServerCommand,
        target: 'docker',
        // The model's cpu image: the engine refuses the GPU request when it starts the container.
        image: `${REGISTRY}/echo:1.0.0-cpu`,
        gpus,
      });
    const gpus = new GpuReservations(
      dir,
      () => recorded,
      async () => true,
    );
    // GPUs 1 and 2 are chosen (free, lowest first), and this engine has no GPU runtime.
    await expect(deployCuda(gpus)).rejects.toThrow(
      /cannot hand GPUs to containers \(no NVIDIA container toolkit\)/,
    );
    expect(containersOf('echo')).toEqual([]);
    // Nothing stays reserved after the failure: the same two can be reserved again.
    expect((await gpus.reserve(2, 'check', 'check')).map((g) => g.index)).toEqual(['1', '2']);

    const none = new GpuReservations(
      dir,
      () => [],
      async () => true,
    );
    await expect(deployCuda(none)).rejects.toThrow(
      'echo (h100) needs 2 GPUs, but this host has none (nvidia-smi finds no NVIDIA GPU)',
    );
  });

  it('downloads URL weights once, checks their SHA-256 and mounts them read-only', {
    timeout: 120_000,
  }, async () => {
    const { repo, state, cli, buildVersion } = await modelRepository();
    await buildVersion('1.0.0', 'ok');
    const weights = 'weights of version 1\n';
    let downloads = 0;
    const server = createServer((_req, res) => {
      downloads += 1;
      res.end(weights);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/llm/weights.txt`;
    const withWeights = (sha256: string) =>
      repo.commit({
        'model.yml': `${manifest('1.0.0', 'ok')}weights: { source: url, url: "${url}", sha256: ${sha256} }\n`,
      });
    const port = await freePort();
    const deploy = () =>
      cli('deploy', '.', '--env', 'staging', '--port', String(port), '--registry', REGISTRY);

    await withWeights(createHash('sha256').update(weights).digest('hex'));
    const first = await deploy();
    expect(first.code, first.stderr).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).json()).toEqual({ version: '1.0.0', weights });
    const mounted = execFileSync(
      DOCKER,
      ['exec', containersOf('echo')[0]!, 'sh', '-c', 'touch /models/x 2>&1 || true'],
      { encoding: 'utf8' },
    );
    expect(mounted).toContain('Read-only file system');
    // A second deployment of the same weights takes them from the cache.
    expect((await deploy()).code).toBe(0);
    expect(downloads).toBe(1);

    await withWeights('ab'.repeat(32));
    const wrong = await deploy();
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      `the weights from ${url} have SHA-256 ${createHash('sha256').update(weights).digest('hex')}, but model.yml says ${'ab'.repeat(32)}; nothing was deployed`,
    );
    expect(existsSync(join(state, 'weights', 'ab'.repeat(32), 'weights.txt'))).toBe(false);
    expect(containersOf('echo')).toHaveLength(1);
  });
});
