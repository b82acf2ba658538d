import { simpleGit } from 'simple-git';
import type { DeploymentRecord } from '../../schemas/deployment-record.js';
import type { DEPLOY_TARGETS } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { loadManifest, loadValidManifest } from '../manifest/load-manifest.js';
import type { DeploymentStore } from './deployment-store.js';
import { deployDocker } from './docker-deployment.js';
import type { GpuReservations } from './gpu-reservations.js';
import { hostGpuReservations } from './host-gpus.js';
import { deployProcess } from './process-deployment.js';
import type { RestServer } from './server-command.js';

export type DeployTarget = (typeof DEPLOY_TARGETS)[number];

/**
 * Which target to deploy to: the one asked for, else the environment's. Without a container engine, an
 * environment set to docker (but not a user asking for it) falls back to a local process, saying so.
 */
export function chooseDeployTarget(
  requested: DeployTarget | undefined,
  configured: DeployTarget,
  engines: { docker: boolean },
): { target: DeployTarget; note?: string } {
  if (requested !== undefined) return { target: requested };
  if (configured === 'docker' && !engines.docker)
    return { target: 'process', note: 'no container engine here: serving as a local process' };
  return { target: configured };
}

export interface DeployModelRequest {
  manifestPath: string;
  environment: string;
  store: DeploymentStore;
  restServer: RestServer;
  /** Where it runs on this host (default: a process); Kubernetes deployments go through deployKubernetes. */
  target?: 'process' | 'docker';
  /** The stable port: the server's own for a process, the traffic proxy's for docker. */
  port?: number;
  /** docker: the image (else the build record's, else the one `gantry build` tagged in `registry`). */
  image?: string;
  buildRecord?: string;
  registry?: string;
  /** docker: hardware target of model.yml (default: the only one). */
  hardware?: string;
  /** docker: the host's GPUs (default: nvidia-smi's, reserved in the state folder). */
  gpus?: GpuReservations;
  startupTimeoutMs?: number;
  progress?: (detail: string) => void;
}

async function headSha(folder: string): Promise<string | undefined> {
  try {
    return (await simpleGit(folder).revparse(['HEAD'])).trim();
  } catch {
    return undefined;
  }
}

/** Where a deployment of a model.yml to an environment goes, and what to tell the user about it. */
export async function resolveDeployTarget(
  manifestPath: string,
  environment: string,
  requested: DeployTarget | undefined,
  engines: { docker: boolean },
): Promise<{ target: DeployTarget; note?: string }> {
  const { manifest } = await loadManifest(manifestPath);
  const configured = manifest?.environments[environment]?.deploy ?? 'process';
  return chooseDeployTarget(requested, configured, engines);
}

/**
 * Deploys the model of a model.yml to one of its environments on this host, as a process or a container.
 * Which target a deployment goes to is decided before, by resolveDeployTarget.
 */
export async function deployModel(request: DeployModelRequest): Promise<DeploymentRecord> {
  const { manifest, folder } = await loadValidManifest(request.manifestPath);
  const environment = manifest.environments[request.environment];
  if (!environment) {
    const known = Object.keys(manifest.environments).join(', ');
    throw new GantryError(
      'unknown_environment',
      `no environment "${request.environment}" in ${request.manifestPath}; it has: ${known}`,
    );
  }
  const gitSha = await headSha(folder);
  if (request.target === 'docker') {
    return deployDocker({
      manifest,
      manifestPath: request.manifestPath,
      environment: request.environment,
      store: request.store,
      gpus: request.gpus ?? hostGpuReservations(request.store.root),
      image: request.image,
      buildRecord: request.buildRecord,
      registry: request.registry,
      hardware: request.hardware,
      port: request.port,
      gitSha,
      startupTimeoutMs: request.startupTimeoutMs,
      progress: request.progress,
    });
  }
  return deployProcess({
    manifest,
    manifestPath: request.manifestPath,
    folder,
    environment: request.environment,
    store: request.store,
    restServer: request.restServer,
    port: request.port,
    gitSha,
    startupTimeoutMs: request.startupTimeoutMs,
    progress: request.progress,
  });
}
