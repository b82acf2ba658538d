import type { Command } from 'commander';
import { deployModel } from '../../core/deploy/deploy-model.js';
import { DeploymentStore, stateDirectory } from '../../core/deploy/deployment-store.js';
import { stopDeployment } from '../../core/deploy/process-deployment.js';
import { restServerCommand } from '../../core/deploy/rest-server-command.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { TaskList } from '../task-list.js';

export function registerRestart(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('restart')
    .description('stop a deployed model and start it again from the same model.yml, on the same port')
    .argument('<model>', 'model name, e.g. acme/chat')
    .option('--env <name>', 'environment, when the model is deployed in several')
    .action(async (model: string, options: { env?: string }) => {
      const store = new DeploymentStore(stateDirectory(io.env));
      const record = await store.find(model, options.env);
      await stopDeployment(record, store);
      const restarted = await new TaskList(io).run(`restart ${model} in ${record.environment}`, (progress) =>
        deployModel({
          manifestPath: record.manifest,
          environment: record.environment,
          store,
          restServer: restServerCommand,
          port: Number(new URL(record.url).port),
          progress,
        }),
      );
      io.stdout(`${restarted.model} ${restarted.version} is serving at ${restarted.url}\n`);
      exit(ExitCode.ok);
    });
}
