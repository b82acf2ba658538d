import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { deployModel } from '../../core/deploy/deploy-model.js';
import { DeploymentStore, stateDirectory } from '../../core/deploy/deployment-store.js';
import { restServerCommand } from '../../core/deploy/rest-server-command.js';
import { GantryError } from '../../core/errors.js';
import { findManifests } from '../../core/manifest/find-manifests.js';
import { DEPLOY_TARGETS } from '../../schemas/model-manifest.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { containerEngines } from '../container-engines.js';
import { formatOption, type OutputFormat } from '../options.js';
import { TaskList } from '../task-list.js';

interface DeployOptions {
  env: string;
  target?: (typeof DEPLOY_TARGETS)[number];
  port?: number;
  format: OutputFormat;
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
    .option('--port <port>', "port for a process deployment (default: the manifest's)", (v) =>
      Number.parseInt(v, 10),
    )
    .addOption(formatOption(['text', 'json']))
    .action(async (modelDir: string, options: DeployOptions) => {
      const [manifestPath] = await findManifests([modelDir], io.cwd);
      if (!manifestPath) throw new GantryError('manifest_not_found', `no model.yml in ${modelDir}`);
      const store = new DeploymentStore(stateDirectory(io.env));
      const tasks = new TaskList(io);
      const record = await tasks.run(`deploy to ${options.env}`, (progress) =>
        deployModel({
          manifestPath: resolve(manifestPath),
          environment: options.env,
          store,
          restServer: restServerCommand,
          requestedTarget: options.target,
          engines: containerEngines(),
          port: options.port,
          progress,
          note: (text) => io.stderr(`note: ${text}\n`),
        }),
      );
      if (options.format === 'json') io.stdout(`${JSON.stringify(record, null, 2)}\n`);
      else
        io.stdout(
          `${record.model} ${record.version} is serving at ${record.url} (${record.target}, pid ${record.process?.pid})\n`,
        );
      exit(ExitCode.ok);
    });
}
