import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DeploymentRecord } from '../../schemas/deployment-record.js';
import type { ModelManifest, Target } from '../../schemas/model-manifest.js';
import { imageHereOrPulled, requireDockerEngine, runDocker } from '../build/docker.js';
import { GantryError } from '../errors.js';
import { DEFAULT_REGISTRY, imageReference } from '../image-reference.js';
import { containerLogs, publishedAddress, removeContainer, waitForContainer } from './containers.js';
import type { DeploymentStore } from './deployment-store.js';
import { fetchWeights } from './fetch-weights.js';
import { portIsFree } from './free-port.js';
import type { GpuReservations } from './gpu-reservations.js';
import { deployedTarget } from './hardware-target.js';
import { processAlive } from './process-control.js';
import { readBuildRecord } from './read-build-record.js';
import { stopServer } from './stop-deployment.js';
import { drain, startProxyProcess, switchUpstream } from './traffic-proxy-process.js';
import { describeHealthFailure, logExcerpt } from './wait-for-health.js';

export interface DockerDeployRequest {
  manifest: ModelManifest;
  manifestPath: string;
  environment: string;
  store: DeploymentStore;
  gpus: GpuReservations;
  /** Any image reference; else the pushed or built image of a build record; else the one `gantry build` tags. */
  image?: string;
  buildRecord?: string;
  registry?: string;
  hardware?: string;
  /** The stable port the proxy listens on (default: the manifest's). */
  port?: number;
  gitSha?: string;
  startupTimeoutMs?: number;
  /** How long requests still open on the old version may take before it is stopped anyway. */
  drainTimeoutMs?: number;
  progress?: (detail: string) => void;
}

/** Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
function containerName(environment: string, model: string): string {
  const safe = `${environment}-${model}`.replace(/[^a-zA-Z0-9_.-]+/g, '-');
  return `gantry-${safe}-${randomBytes(3).toString('hex')}`;
}

async function chooseImage(request: DockerDeployRequest, target: Target): Promise<string> {
  if (request.image) return request.image;
  if (request.buildRecord) {
    const record = await readBuildRecord(request.buildRecord);
    return record.pinned ?? record.image;
  }
  return imageReference({
    registry: request.registry ?? DEFAULT_REGISTRY,
    model: request.manifest.name,
    version: request.manifest.version,
    target: target.name,
  });
}

/** The image, pulled when this engine does not have it; missing everywhere is a clear error. */
async function ensureImage(reference: string, manifestPath: string, target: Target) {
  const image = await imageHereOrPulled(reference, 30 * 60_000);
  if (image) return image;
  throw new GantryError(
    'image_missing',
    `no image ${reference} here or in its registry; build it first: gantry build ${dirname(manifestPath)} --target ${target.name}`,
    1,
  );
}

function runArguments(
  request: DockerDeployRequest,
  name: string,
  image: string,
  gpuUuids: string[],
  weightsFolder: string | undefined,
): string[] {
  const { manifest } = request;
  const port = manifest.server.port;
  const env = {
    ...manifest.server.env,
    PORT: String(port),
    GANTRY_MODEL: manifest.name,
    GANTRY_VERSION: manifest.version,
  };
  const args = ['run', '--detach', '--name', name];
  const labels = {
    'dev.gantry.deployment': `${request.environment}/${manifest.name}`,
    'dev.gantry.environment': request.environment,
    'dev.gantry.model': manifest.name,
    'dev.gantry.version': manifest.version,
  };
  for (const [key, value] of Object.entries(labels)) args.push('--label', `${key}=${value}`);
  for (const [key, value] of Object.entries(env)) args.push('--env', `${key}=${value}`);
  // Published on loopback only: the proxy is the way in.
  args.push('--publish', `127.0.0.1::${port}`);
  const weights = manifest.weights;
  if (weights?.source === 'mounted')
    args.push('--volume', `${weights.volume ?? weights.host_path}:${weights.mount_path}:ro`);
  if (weights?.source === 'url' && weightsFolder)
    args.push('--volume', `${weightsFolder}:${weights.mount_path}:ro`);
  // A list of devices needs the quotes inside the value: docker parses --gpus as CSV.
  if (gpuUuids.length > 0) args.push('--gpus', `"device=${gpuUuids.join(',')}"`);
  args.push(image);
  return args;
}

function startFailure(tail: string[], gpuUuids: string[]): GantryError {
  const said = tail.join('\n');
  if (gpuUuids.length > 0 && /could not select device driver|nvidia-container|unknown.*gpus/i.test(said)) {
    return new GantryError(
      'gpu_runtime_missing',
      `this Docker engine cannot hand GPUs to containers (no NVIDIA container toolkit): install nvidia-container-toolkit and run \`nvidia-ctk runtime configure --runtime=docker\`, then restart dockerd\n  | ${said}`,
      1,
    );
  }
  return new GantryError('container_not_started', `docker run failed:\n${logExcerpt(tail)}`, 1);
}

function checkTarget(target: Target): void {
  if (target.platform !== 'cpu' && target.platform !== 'cuda')
    throw new GantryError(
      'platform_unsupported',
      `the docker target runs cpu and cuda images; ${target.name} is ${target.platform}: deploy it with --target kubernetes`,
    );
}

/**
 * Runs a model version's image and puts it behind the environment's stable address, blue/green: the new
 * container starts beside the old one, the proxy switches to it only once it is healthy, and the old one
 * stops after its open requests finish. A version that never becomes healthy is removed, the old one keeps
 * serving, and the record says it was rolled back. GPUs are reserved before the container starts and
 * freed when it stops.
 */
export async function deployDocker(request: DockerDeployRequest): Promise<DeploymentRecord> {
  const { manifest, store, environment } = request;
  const target = deployedTarget(manifest, request.hardware);
  checkTarget(target);
  await requireDockerEngine();
  const previous = await store.read(environment, manifest.name);
  const publicPort = request.port ?? manifest.server.port;
  const reusableProxy =
    previous?.state === 'running' &&
    previous.proxy &&
    processAlive(previous.proxy.pid) &&
    new URL(previous.url).port === String(publicPort)
      ? previous.proxy
      : undefined;
  const heldByPrevious = previous?.state === 'running' && new URL(previous.url).port === String(publicPort);
  if (!reusableProxy && !heldByPrevious && !(await portIsFree(publicPort)))
    throw new GantryError(
      'port_in_use',
      `port ${publicPort} is in use by another program; stop it or pass --port`,
      1,
    );

  const reference = await chooseImage(request, target);
  request.progress?.(`image ${reference}`);
  const image = await ensureImage(reference, request.manifestPath, target);
  const weightsFolder =
    manifest.weights?.source === 'url'
      ? await fetchWeights(manifest.weights, store.root, request.progress)
      : undefined;
  const name = containerName(environment, manifest.name);
  const gpus =
    target.gpus > 0 ? await request.gpus.reserve(target.gpus, name, `${manifest.name} (${target.name})`) : [];
  const gpuUuids = gpus.map((g) => g.uuid);
  const startedAt = new Date();

  const started = await runDocker(runArguments(request, name, reference, gpuUuids, weightsFolder), {
    timeoutMs: 120_000,
  });
  if (started.code !== 0) {
    request.gpus.release(name);
    await runDocker(['rm', '--force', name], { timeoutMs: 30_000 });
    throw startFailure(started.tail, gpuUuids);
  }
  const containerId = started.stdout.trim();
  const upstream = await publishedAddress(name);
  const healthUrl = `${upstream}${manifest.server.health}`;
  const timeoutMs = request.startupTimeoutMs ?? manifest.server.startup_timeout_s * 1000;
  request.progress?.(`container ${name}, waiting for ${healthUrl}`);
  const failure = await waitForContainer(name, healthUrl, timeoutMs);
  if (failure) {
    const logs = logExcerpt(await containerLogs(name, 20));
    await removeContainer(name, 0);
    request.gpus.release(name);
    const why = describeHealthFailure(failure, 'the container', manifest.server.health, timeoutMs);
    let kept = '';
    if (previous?.state === 'running') {
      kept = `; rolled back: ${previous.version} keeps serving at ${previous.url}`;
      await store.write({
        ...previous,
        message: `${manifest.version} was rolled back at ${new Date().toISOString()}: ${why}`,
      });
    }
    throw new GantryError('health_never_reached', `${why}${kept}\nlast lines of ${name}:\n${logs}`, 1);
  }
  // Restarted by the engine if it crashes from now on; `gantry stop` removes it for good.
  await runDocker(['update', '--restart', 'on-failure:5', name], { timeoutMs: 15_000 });

  const logPath = reusableProxy
    ? previous!.log_path
    : store.logFile(environment, manifest.name, startedAt).replace(/\.log$/, '.proxy.log');
  let proxy: NonNullable<DeploymentRecord['proxy']>;
  if (reusableProxy) {
    request.progress?.(`switching traffic from ${previous!.version} to ${manifest.version}`);
    await switchUpstream(reusableProxy.socket, upstream);
    proxy = { ...reusableProxy, upstream };
  } else {
    if (previous?.state === 'running' && heldByPrevious) await retire(previous, request);
    mkdirSync(dirname(logPath), { recursive: true });
    const socket = join(store.root, 'proxies', `${environment}-${manifest.name.replaceAll('/', '__')}.sock`);
    mkdirSync(dirname(socket), { recursive: true, mode: 0o700 });
    const started = await startProxyProcess({
      host: '127.0.0.1',
      port: publicPort,
      upstream,
      socket,
      logPath,
    });
    proxy = { pid: started.pid, socket: started.socket, upstream };
  }
  const url = `http://127.0.0.1:${publicPort}`;
  const digest = image.RepoDigests?.find((d) => d.startsWith(`${reference.split(/[@:](?=[^/]*$)/)[0]}@`));
  const record: DeploymentRecord = {
    schema_version: 1,
    model: manifest.name,
    version: manifest.version,
    environment,
    target: 'docker',
    state: 'running',
    url,
    health_url: `${url}${manifest.server.health}`,
    manifest: request.manifestPath,
    ...(request.gitSha ? { git_sha: request.gitSha } : {}),
    container: {
      id: containerId,
      name,
      image: reference,
      image_id: image.Id,
      ...(digest ? { digest: digest.split('@')[1]! } : {}),
    },
    proxy,
    hardware: target.name,
    gpus: gpus.map((g) => g.index),
    log_path: logPath,
    started_at: startedAt.toISOString(),
    healthy_at: new Date().toISOString(),
  };
  await store.write(record);
  if (reusableProxy) await retire(previous!, request, reusableProxy.socket);
  return record;
}

/** Stops the version that served before, once its open requests are done (when it was behind the proxy). */
async function retire(previous: DeploymentRecord, request: DockerDeployRequest, socket?: string) {
  if (socket && previous.proxy) {
    request.progress?.(`draining ${previous.version}`);
    const drained = await drain(socket, previous.proxy.upstream, request.drainTimeoutMs ?? 30_000);
    if (!drained) request.progress?.(`${previous.version} still had open requests; stopping it anyway`);
  }
  request.progress?.(`stopping ${previous.version}`);
  await stopServer(previous, request.store, { keepProxy: socket !== undefined });
}
