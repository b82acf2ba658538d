import { join, resolve } from 'node:path';
import { type DeployTarget, deployModel, resolveDeployTarget } from '../deploy/deploy-model.js';
import { DeploymentStore, stateDirectory } from '../deploy/deployment-store.js';
import { deployKubernetes } from '../deploy/kubernetes-deploy.js';
import { restServerCommand } from '../deploy/rest-server-command.js';
import { stopDeployment } from '../deploy/stop-deployment.js';
import { loadModel } from './load-model.js';
import { resultsDirOf, writeRecord } from './records.js';
import type { StepIo, StepResult } from './step.js';

export interface DeployStepRequest {
  model: string;
  environment: string;
  target?: DeployTarget;
  port?: number;
  /** docker: any image; kubernetes: the image by digest. Or the build record that names it. */
  image?: string;
  buildRecord?: string;
  /** docker: where the build tagged the image, when neither image nor build record names it. */
  registry?: string;
  /** docker, kubernetes: hardware target of model.yml (default: the only one). */
  hardware?: string;
  namespace?: string;
  apply: boolean;
  /** Stop the environment's deployment of the model instead: how a preview is torn down. */
  stop: boolean;
  resultsDir?: string;
  /** Docker engine on this runner (the docker target needs one). */
  engines: { docker: boolean };
}

/** Deploys a model to an environment and waits for health, or tears a deployment down. */
export async function deployStep(request: DeployStepRequest, io: StepIo): Promise<StepResult> {
  const { manifest, manifestPath } = await loadModel(request.model, io.cwd);
  const store = new DeploymentStore(stateDirectory(io.env));
  const title = `${manifest.name} ${manifest.version} in ${request.environment}`;
  if (request.stop) {
    const record = await store.read(request.environment, manifest.name);
    if (record?.state !== 'running')
      return {
        outputs: { state: record?.state ?? 'none' },
        summary: `Nothing to stop: no running ${title}.\n`,
      };
    const stopped = await io.group(`Stop ${title}`, () => stopDeployment(record, store));
    return { outputs: { state: stopped.state }, summary: `Stopped ${title} (${record.url}).\n` };
  }
  const { target, note } = await resolveDeployTarget(
    manifestPath,
    request.environment,
    request.target,
    request.engines,
  );
  if (note) io.warn(note);
  if (target === 'kubernetes') {
    const done = await io.group(`Deploy ${title} to Kubernetes`, () =>
      deployKubernetes({
        manifest,
        environment: request.environment,
        image: request.image,
        buildRecord: request.buildRecord && resolve(io.cwd, request.buildRecord),
        hardware: request.hardware,
        outDir: join(resultsDirOf(request.resultsDir, io.cwd), 'kubernetes'),
        namespace: request.namespace ?? manifest.environments[request.environment]?.namespace,
        apply: request.apply,
        env: io.env,
      }),
    );
    if (done.note) io.warn(done.note);
    return {
      outputs: { target: 'kubernetes', manifests: done.file, state: done.applied ? 'running' : 'written' },
      summary: `## Gantry deploy: ${title}\n\n${done.applied ? 'Applied and rolled out' : 'Wrote'} \`${done.file}\`${done.note ? ` (${done.note})` : ''}.\n`,
    };
  }
  const record = await io.group(`Deploy ${title}`, () =>
    deployModel({
      manifestPath,
      environment: request.environment,
      store,
      restServer: restServerCommand,
      target,
      port: request.port,
      image: request.image,
      buildRecord: request.buildRecord && resolve(io.cwd, request.buildRecord),
      registry: request.registry,
      hardware: request.hardware,
      progress: io.log,
    }),
  );
  const file = await writeRecord(
    resultsDirOf(request.resultsDir, io.cwd),
    `deployment-${request.environment}.json`,
    record,
  );
  return {
    outputs: {
      target: record.target,
      url: record.url,
      state: record.state,
      version: record.version,
      record: file,
    },
    summary: `## Gantry deploy: ${title}\n\n${record.model} ${record.version} is serving at ${record.url} (${record.target}${note ? `; ${note}` : ''}).\n`,
  };
}
