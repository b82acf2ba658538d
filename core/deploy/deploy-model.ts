import { simpleGit } from 'simple-git';
import type { DeploymentRecord } from '../../schemas/deployment-record.js';
import type { DEPLOY_TARGETS } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { loadManifest, loadValidManifest } from '../manifest/load-manifest.js';
import type { DeploymentStore } from './deployment-store.js';
import { deployProcess } from './process-deployment.js';
import type { RestServer } from './server-command.js';

export type DeployTarget = (typeof DEPLOY_TARGETS)[number];

/** Targets this version of Gantry can deploy to. */
const IMPLEMENTED: readonly DeployTarget[] = ['process', 'kubernetes'];

/**
 * Which target to deploy to: the one asked for, else the environment's. Without a container engine, or
 * for a target this version cannot drive yet, a configured (not requested) target falls back to a
 * local process, and the note says so.
 */
export function chooseDeployTarget(
  requested: DeployTarget | undefined,
  configured: DeployTarget,
  engines: { docker: boolean },
): { target: DeployTarget; note?: string } {
  if (requested !== undefined) {
    if (!IMPLEMENTED.includes(requested)) {
      throw new GantryError(
        'target_unavailable',
        `the ${requested} deploy target is not available in this version; use --target process`,
      );
    }
    return { target: requested };
  }
  if (IMPLEMENTED.includes(configured)) return { target: configured };
  const why =
    configured === 'docker' && !engines.docker
      ? 'no container engine here'
      : `the ${configured} target is not available in this version`;
  return { target: 'process', note: `${why}: serving as a local process` };
}

export interface DeployModelRequest {
  manifestPath: string;
  environment: string;
  store: DeploymentStore;
  restServer: RestServer;
  port?: number;
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
 * Deploys the model of a model.yml to one of its environments as a local process. Which target a
 * deployment goes to is decided before, by resolveDeployTarget.
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
