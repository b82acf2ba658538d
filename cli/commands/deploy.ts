import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { deployModel, resolveDeployTarget } from '../../core/deploy/deploy-model.js';
import { DeploymentStore, stateDirectory } from '../../core/deploy/deployment-store.js';
import { restServerCommand } from '../../core/deploy/rest-server-command.js';
import { GantryError } from '../../core/errors.js';
import { DEFAULT_REGISTRY } from '../../core/image-reference.js';
import { findManifests } from '../../core/manifest/find-manifests.js';
import { loadValidManifest } from '../../core/manifest/load-manifest.js';
import type { DeploymentRecord } from '../../schemas/deployment-record.js';
import { DEPLOY_TARGETS } from '../../schemas/model-manifest.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { containerEngines } from '../container-engines.js';
import { displayPath, formatOption, type OutputFormat } from '../options.js';
import { TaskList } from '../task-list.js';

interface DeployOptions {
  env: string;
  target?: (typeof DEPLOY_TARGETS)[number];
  port?: number;
  hardware?: string;
  image?: string;
  buildRecord?: string;
  registry: string;
  namespace?: string;
  autoscale?: number;
  kserve?: boolean;
  out: string;
  apply?: boolean;
  format: OutputFormat;
}

/** `process, pid 123` or `docker, container NAME, GPUs 0,1`. */
export function whereItRuns(record: DeploymentRecord): string {
  const gpus = record.gpus.length > 0 ? `, GPUs ${record.gpus.join(',')}` : '';
  if (record.container) return `${record.target}, container ${record.container.name}${gpus}`;
  return `${record.target}, pid ${record.process?.pid}${gpus}`;
}

export function registerDeploy(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('deploy')
    .description('serve a model in an environment and wait until it is healthy')
    .argument('<model-dir>', 'folder with model.yml (or the model.yml itself)')
    .requiredOption('--env <name>', 'environment from model.yml, e.g. staging')
    .addOption(
      new Option('--target <target>', "where to run it (default: the environment's deploy setting)").choices(
        DEPLOY_TARGETS,
      ),
    )
    .option('--port <port>', "process, docker: the port it answers on (default: the manifest's)", (v) =>
      Number.parseInt(v, 10),
    )
    .option('--hardware <target>', 'docker, kubernetes: hardware target of model.yml (default: the only one)')
    .option('--image <ref>', 'docker: any image; kubernetes: by digest, REGISTRY/MODEL@sha256:…')
    .option('--build-record <file>', 'docker, kubernetes: take the (pushed) image from this build record')
    .option(
      '--registry <host/prefix>',
      'docker: where `gantry build` tagged the image, when no --image or --build-record names it',
      DEFAULT_REGISTRY,
    )
    .option('--namespace <name>', "kubernetes: namespace (default: the environment's, else none)")
    .option('--autoscale <max>', 'kubernetes: add a HorizontalPodAutoscaler up to this many replicas', (v) =>
      Number.parseInt(v, 10),
    )
    .option('--kserve', 'kubernetes: a KServe InferenceService instead of a Deployment and a Service')
    .option('--out <dir>', 'kubernetes: where the manifests are written', '.gantry/kubernetes')
    .option('--apply', 'kubernetes: kubectl apply and wait for the rollout')
    .addOption(formatOption(['text', 'json']))
    .action(async (modelDir: string, options: DeployOptions) => {
      const [manifestPath] = await findManifests([modelDir], io.cwd);
      if (!manifestPath) throw new GantryError('manifest_not_found', `no model.yml in ${modelDir}`);
      const path = resolve(manifestPath);
      const engines = containerEngines();
      const { target, note } = await resolveDeployTarget(path, options.env, options.target, engines);
      if (note) io.stderr(`note: ${note}\n`);
      if (target === 'kubernetes') {
        // Loaded only here: Kubernetes' object models are most of what a command would otherwise load.
        const { deployKubernetes } = await import('../../core/deploy/kubernetes-deploy.js');
        const { manifest } = await loadValidManifest(path, displayPath(io.cwd, path));
        const done = await deployKubernetes({
          manifest,
          environment: options.env,
          image: options.image,
          buildRecord: options.buildRecord && resolve(io.cwd, options.buildRecord),
          hardware: options.hardware,
          outDir: resolve(io.cwd, options.out),
          namespace: options.namespace ?? manifest.environments[options.env]?.namespace,
          autoscale: options.autoscale ? { maxReplicas: options.autoscale, cpuUtilization: 70 } : undefined,
          kserve: options.kserve,
          apply: options.apply ?? false,
          env: io.env,
        });
        if (done.note) io.stderr(`note: ${done.note}\n`);
        io.stdout(`${done.applied ? 'applied and rolled out' : 'wrote'} ${displayPath(io.cwd, done.file)}\n`);
        exit(ExitCode.ok);
        return;
      }
      const store = new DeploymentStore(stateDirectory(io.env));
      const record = await new TaskList(io).run(`deploy to ${options.env}`, (progress) =>
        deployModel({
          manifestPath: path,
          environment: options.env,
          store,
          restServer: restServerCommand,
          target,
          port: options.port,
          image: options.image,
          buildRecord: options.buildRecord && resolve(io.cwd, options.buildRecord),
          registry: options.registry,
          hardware: options.hardware,
          progress,
        }),
      );
      if (options.format === 'json') io.stdout(`${JSON.stringify(record, null, 2)}\n`);
      else
        io.stdout(`${record.model} ${record.version} is serving at ${record.url} (${whereItRuns(record)})\n`);
      exit(ExitCode.ok);
    });
}
