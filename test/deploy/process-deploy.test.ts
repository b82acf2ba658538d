import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../core/deploy/free-port.js';
import { processAlive } from '../../core/deploy/process-control.js';
import { DeploymentRecord } from '../../schemas/deployment-record.js';
import { ECHO_MODEL_SERVER } from '../support/echo-model-server.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

function modelFolder(root: string, version: string, port: number, mode = 'ok', extra = ''): string {
  const dir = join(root, `model-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'server.py'), ECHO_MODEL_SERVER);
  writeFileSync(
    join(dir, 'model.yml'),
    `name: acme/echo\nversion: ${version}\ntask: rest\nserver:\n  type: custom\n  command: [python3, server.py]\n  port: ${port}\n  startup_timeout_s: 5\n  env: { MODE: ${mode} }\n${extra}`,
  );
  return dir;
}

async function versionAt(url: string): Promise<string> {
  return ((await (await fetch(url)).json()) as { version: string }).version;
}

describe('gantry deploy --target process', () => {
  it('serves a model, replaces it blue/green, refuses a broken version and stops cleanly', async () => {
    const root = tempDir();
    const env = { GANTRY_STATE_DIR: join(root, 'state') };
    const port = await freePort();
    const cli = (...argv: string[]) =>
      runCli(argv[0] === 'deploy' ? [...argv, '--target', 'process'] : argv, { env, cwd: root });

    const first = await cli(
      'deploy',
      modelFolder(root, '1.0.0', port),
      '--env',
      'staging',
      '--format',
      'json',
    );
    expect(first.code).toBe(0);
    const v1 = DeploymentRecord.parse(JSON.parse(first.stdout));
    expect(v1).toMatchObject({
      model: 'acme/echo',
      version: '1.0.0',
      environment: 'staging',
      target: 'process',
      state: 'running',
    });
    expect(v1.url).toBe(`http://127.0.0.1:${port}`);
    expect(await versionAt(v1.url)).toBe('1.0.0');

    const status = await cli('status');
    expect(status.stdout).toMatch(
      /staging\s+acme\/echo\s+1\.0\.0\s+process\s+http:\/\/127\.0\.0\.1:\d+\s+\d+\s+-\s+-\s+healthy/,
    );
    expect((await cli('logs', 'acme/echo')).stdout).toContain(`serving on port ${port}`);

    // Version 2 starts beside version 1 (which holds the port), takes over, and version 1 stops.
    const second = await cli(
      'deploy',
      modelFolder(root, '2.0.0', port),
      '--env',
      'staging',
      '--format',
      'json',
    );
    expect(second.code).toBe(0);
    const v2 = DeploymentRecord.parse(JSON.parse(second.stdout));
    expect(await versionAt(v2.url)).toBe('2.0.0');
    expect(v2.url).not.toBe(v1.url);
    expect(processAlive(v1.process!.pid)).toBe(false);

    // A version that crashes on start is refused with its log; version 2 keeps serving.
    const crashed = await cli('deploy', modelFolder(root, '3.0.0', port, 'crash'), '--env', 'staging');
    expect(crashed.code).toBe(1);
    expect(crashed.stderr).toContain(
      'the server exited (code 3) before /health answered; 2.0.0 keeps serving',
    );
    expect(crashed.stderr).toContain('| loading weights failed: weights/model.bin not found');
    expect(await versionAt(v2.url)).toBe('2.0.0');

    // One that never becomes healthy is stopped after its startup timeout, leaving nothing behind.
    const unhealthy = await cli('deploy', modelFolder(root, '4.0.0', port, 'unhealthy'), '--env', 'staging');
    expect(unhealthy.code).toBe(1);
    expect(unhealthy.stderr).toMatch(/\/health did not answer within 5 s \(last: HTTP 503\)/);
    const pids = [...unhealthy.stderr.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
    const record = DeploymentRecord.parse(
      JSON.parse(readFileSync(join(env.GANTRY_STATE_DIR, 'deployments/staging/acme__echo.json'), 'utf8')),
    );
    expect(record.version).toBe('2.0.0');

    const stopped = await cli('stop', 'acme/echo');
    expect(stopped.stdout).toBe('stopped acme/echo 2.0.0 in staging\n');
    expect(processAlive(v2.process!.pid)).toBe(false);
    expect((await cli('status')).stdout).toMatch(/acme\/echo\s+2\.0\.0.*stopped/);
  }, 60_000);

  it('restarts a deployment on the same port', async () => {
    const root = tempDir();
    const env = { GANTRY_STATE_DIR: join(root, 'state') };
    const port = await freePort();
    const deployed = await runCli(
      [
        'deploy',
        modelFolder(root, '1.0.0', port),
        '--env',
        'production',
        '--target',
        'process',
        '--format',
        'json',
      ],
      { env },
    );
    const before = DeploymentRecord.parse(JSON.parse(deployed.stdout));
    const restarted = await runCli(['restart', 'acme/echo'], { env });
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toBe(`acme/echo 1.0.0 is serving at http://127.0.0.1:${port}\n`);
    expect(processAlive(before.process!.pid)).toBe(false);
    expect(await versionAt(`http://127.0.0.1:${port}`)).toBe('1.0.0');
    await runCli(['stop', 'acme/echo'], { env });
  }, 30_000);

  it('refuses a port another program holds, starting nothing', async () => {
    const root = tempDir();
    const env = { GANTRY_STATE_DIR: join(root, 'state') };
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runCli(
        ['deploy', modelFolder(root, '1.0.0', port), '--env', 'staging', '--target', 'process'],
        { env },
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`port ${port} is in use by another program; stop it or pass --port`);
      expect((await runCli(['status'], { env })).stdout).toBe('nothing is deployed on this host\n');
    } finally {
      blocker.close();
    }
  });

  it('names the problem for an unknown environment, an image-only server and an invalid manifest', async () => {
    const root = tempDir();
    const env = { GANTRY_STATE_DIR: join(root, 'state') };
    const dir = modelFolder(root, '1.0.0', 8000);
    const unknownEnv = await runCli(['deploy', dir, '--env', 'prod', '--target', 'process'], { env });
    expect(unknownEnv.code).toBe(2);
    expect(unknownEnv.stderr).toContain('no environment "prod"');
    expect(unknownEnv.stderr).toContain('it has: staging, production');

    writeFileSync(
      join(dir, 'model.yml'),
      'name: acme/llm\nversion: 1.0.0\ntask: llm\nserver: { type: vllm }\n',
    );
    const vllm = await runCli(['deploy', dir, '--env', 'staging', '--target', 'process'], { env });
    expect(vllm.code).toBe(2);
    expect(vllm.stderr).toContain(
      'a vllm server runs from its own image; deploy it with --target docker or kubernetes',
    );

    writeFileSync(join(dir, 'model.yml'), 'name: acme/llm\nversion: one\n');
    const invalid = await runCli(['deploy', dir, '--env', 'staging', '--target', 'process'], { env });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/model\.yml:2:10: error: version: must be a semantic version/);
  });

  it('reports a malformed deployment record with its path', async () => {
    const root = tempDir();
    const state = join(root, 'state');
    mkdirSync(join(state, 'deployments/staging'), { recursive: true });
    writeFileSync(join(state, 'deployments/staging/acme__echo.json'), '{"schema_version": 1, "model": 3}');
    const run = await runCli(['status'], { env: { GANTRY_STATE_DIR: state } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /deployments\/staging\/acme__echo\.json: model: Invalid input: expected string, received number; remove it or redeploy/,
    );
  });
});
