import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeploymentRecord } from '../../schemas/deployment-record.js';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { restServerManifest } from '../serve/rest-server-manifest.js';
import type { DeploymentStore } from './deployment-store.js';
import { freePort, portIsFree } from './free-port.js';
import { stopProcess } from './process-control.js';
import { type RestServer, serverCommand } from './server-command.js';
import { stopServer } from './stop-deployment.js';
import { tailFile } from './tail-file.js';
import { describeHealthFailure, logExcerpt, waitForHealth } from './wait-for-health.js';

export interface ProcessDeployment {
  manifest: ModelManifest;
  manifestPath: string;
  folder: string;
  environment: string;
  store: DeploymentStore;
  /** How Gantry's REST wrapper serves a `rest` model: the command for a manifest and port. */
  restServer: RestServer;
  port?: number;
  gitSha?: string;
  startupTimeoutMs?: number;
  progress?: (detail: string) => void;
}

/** The port to serve on: asked for, else the manifest's, else (beside a running old version) any free one. */
async function choosePort(
  manifest: ModelManifest,
  requested: number | undefined,
  previous: DeploymentRecord | undefined,
): Promise<number> {
  const port = requested ?? manifest.server.port;
  if (await portIsFree(port)) return port;
  const heldByPrevious = previous?.state === 'running' && new URL(previous.url).port === String(port);
  if (requested === undefined && heldByPrevious) return freePort();
  throw new GantryError(
    'port_in_use',
    `port ${port} is in use by another program; stop it or pass --port`,
    1,
  );
}

/**
 * Serves a model as a local process (the embedded default without a container engine): starts it beside
 * any running version, waits for its health path, then retires the old one. If the new one never becomes
 * healthy it is stopped, the old one keeps serving, and the error says why with the last log lines.
 */
export async function deployProcess(request: ProcessDeployment): Promise<DeploymentRecord> {
  const { manifest, store, environment } = request;
  const previous = await store.read(environment, manifest.name);
  const port = await choosePort(manifest, request.port, previous);
  const startedAt = new Date();
  const logPath = store.logFile(environment, manifest.name, startedAt);
  mkdirSync(dirname(logPath), { recursive: true });
  // Gantry's REST server reads model.yml's identity and schemas as JSON (it has no YAML parser).
  const manifestJson = logPath.replace(/\.log$/, '.manifest.json');
  if (manifest.server.type === 'rest')
    writeFileSync(manifestJson, JSON.stringify(restServerManifest(manifest)));
  const { command, env } = serverCommand(manifest, port, request.restServer, manifestJson);
  const log = openSync(logPath, 'a');
  const child = spawn(command[0]!, command.slice(1), {
    cwd: request.folder,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const spawnError = new Promise<Error | undefined>((resolve) => {
    child.once('error', resolve);
    child.once('spawn', () => resolve(undefined));
  });
  const failedToStart = await spawnError;
  if (failedToStart) {
    throw new GantryError('server_not_started', `cannot start ${command[0]}: ${failedToStart.message}`, 1);
  }
  child.unref();

  const url = `http://127.0.0.1:${port}`;
  const healthUrl = `${url}${manifest.server.health}`;
  request.progress?.(`pid ${child.pid}, waiting for ${healthUrl}`);
  const timeoutMs = request.startupTimeoutMs ?? manifest.server.startup_timeout_s * 1000;
  const failure = await waitForHealth({ url: healthUrl, timeoutMs, exited });
  if (failure) {
    await stopProcess(child.pid!);
    const why = describeHealthFailure(failure, 'the server', manifest.server.health, timeoutMs);
    const kept =
      previous?.state === 'running' ? `; ${previous.version} keeps serving at ${previous.url}` : '';
    throw new GantryError(
      'health_never_reached',
      `${why}${kept}\nlast lines of ${logPath}:\n${logExcerpt(await tailFile(logPath, 20))}`,
      1,
    );
  }

  const record: DeploymentRecord = {
    schema_version: 1,
    model: manifest.name,
    version: manifest.version,
    environment,
    target: 'process',
    state: 'running',
    url,
    health_url: healthUrl,
    manifest: request.manifestPath,
    ...(request.gitSha ? { git_sha: request.gitSha } : {}),
    process: { pid: child.pid!, command, cwd: request.folder },
    gpus: [],
    log_path: logPath,
    started_at: startedAt.toISOString(),
    healthy_at: new Date().toISOString(),
  };
  await store.write(record);
  if (previous?.state === 'running') {
    request.progress?.(`stopping ${previous.version}`);
    await stopServer(previous, store);
  }
  return record;
}
