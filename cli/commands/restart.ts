import type { Command } from 'commander';
import { deployModel } from '../../core/deploy/deploy-model.js';
import { DeploymentStore, stateDirectory } from '../../core/deploy/deployment-store.js';
import { restServerCommand } from '../../core/deploy/rest-server-command.js';
import { restartDocker } from '../../core/deploy/restart-docker.js';
import { stopDeployment } from '../../core/deploy/stop-deployment.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { TaskList } from '../task-list.js';

export function registerRestart(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('restart')
    .description(
      'restart a deployed model on the same port: a process from the same model.yml, a container as it was started',
    )
    .argument('<model>', 'model name, e.g. acme/chat')
    .option('--env <name>', 'environment, when the model is deployed in several')
    .action(async (model: string, options: { env?: string }) => {
      const store = new DeploymentStore(stateDirectory(io.env));
      const record = await store.find(model, options.env);
      const restarted = await new TaskList(io).run(
        `restart ${model} in ${record.environment}`,
        async (progress) => {
          if (record.target === 'docker') return restartDocker(record, store);
          await stopDeployment(record, store);
          return deployModel({
            manifestPath: record.manifest,
            environment: record.environment,
            store,
            restServer: restServerCommand,
            port: Number(new URL(record.url).port),
            progress,
          });
        },
      );
      io.stdout(`${restarted.model} ${restarted.version} is serving at ${restarted.url}\n`);
      exit(ExitCode.ok);
    });
}
