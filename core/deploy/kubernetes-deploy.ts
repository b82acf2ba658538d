import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import { deployedTarget } from './hardware-target.js';
import { kserveInferenceService } from './kserve-inference-service.js';
import { kubernetesManifests } from './kubernetes-manifests.js';
import { readBuildRecord } from './read-build-record.js';

export interface KubernetesDeployRequest {
  manifest: ModelManifest;
  environment: string;
  /** Image by digest, or read from the build record of a pushed image. */
  image?: string;
  buildRecord?: string;
  /** Hardware target of model.yml; may be left out when there is only one. */
  hardware?: string;
  outDir: string;
  namespace?: string;
  autoscale?: { maxReplicas: number; cpuUtilization: number };
  /** A KServe InferenceService instead of a Deployment and a Service. */
  kserve?: boolean;
  apply: boolean;
  /** Environment kubectl runs in (its PATH and KUBECONFIG). */
  env: NodeJS.ProcessEnv;
}

export interface KubernetesDeployment {
  file: string;
  applied: boolean;
  note?: string;
}

async function pinnedImage(request: KubernetesDeployRequest): Promise<string> {
  if (request.image) return request.image;
  if (!request.buildRecord)
    throw new GantryError(
      'image_missing',
      'name the image: --image REGISTRY/MODEL@sha256:… or --build-record build.json',
    );
  const record = await readBuildRecord(request.buildRecord);
  if (!record.pinned)
    throw new GantryError(
      'image_not_pushed',
      `${request.buildRecord}: the image was not pushed, so it has no digest to deploy; build with --push`,
    );
  return record.pinned;
}

function kubectl(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 15 * 60_000,
): { ok: boolean; missing: boolean; output: string } {
  const result = spawnSync('kubectl', args, { encoding: 'utf8', timeout: timeoutMs, env });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { ok: result.status === 0, missing, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/**
 * Writes the Kubernetes objects of a model version for an environment, and applies them and waits for
 * the rollout when asked and kubectl can reach a cluster; otherwise the files are the result.
 */
export async function deployKubernetes(request: KubernetesDeployRequest): Promise<KubernetesDeployment> {
  const { manifest } = request;
  const target = deployedTarget(manifest, request.hardware);
  const options = {
    environment: request.environment,
    image: await pinnedImage(request),
    namespace: request.namespace,
    autoscale: request.autoscale,
  };
  const objects = request.kserve
    ? [kserveInferenceService(manifest, target, options)]
    : kubernetesManifests(manifest, target, options);
  await mkdir(request.outDir, { recursive: true });
  const file = join(request.outDir, `${manifest.name.replaceAll('/', '-')}-${request.environment}.yaml`);
  await writeFile(file, objects.map((o) => stringify(o)).join('---\n'));
  if (!request.apply) return { file, applied: false };
  const cluster = kubectl(['cluster-info', '--request-timeout=10s'], request.env, 30_000);
  if (cluster.missing)
    return { file, applied: false, note: 'kubectl is not installed here: apply the file where it is' };
  if (!cluster.ok) {
    return {
      file,
      applied: false,
      note: 'kubectl reaches no cluster with its current context: apply the file where one is',
    };
  }
  const applied = kubectl(['apply', '-f', file], request.env);
  if (!applied.ok) throw new GantryError('kubectl_apply', `kubectl apply failed:\n${applied.output}`, 1);
  const name = (objects[0] as { metadata: { name: string } }).metadata.name;
  const namespace = request.namespace ? ['-n', request.namespace] : [];
  const timeout = `--timeout=${manifest.server.startup_timeout_s + 60}s`;
  // KServe reports a ready InferenceService as its Ready condition; a Deployment as its rollout.
  const rollout = kubectl(
    request.kserve
      ? ['wait', '--for=condition=Ready', `inferenceservice/${name}`, ...namespace, timeout]
      : ['rollout', 'status', `deployment/${name}`, ...namespace, timeout],
    request.env,
  );
  if (!rollout.ok)
    throw new GantryError('rollout_failed', `the rollout of ${name} did not finish:\n${rollout.output}`, 1);
  return { file, applied: true };
}
