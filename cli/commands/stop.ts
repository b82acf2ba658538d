import type { Command } from 'commander';
import { DeploymentStore, stateDirectory } from '../../core/deploy/deployment-store.js';
import { stopDeployment } from '../../core/deploy/stop-deployment.js';
import { type CliIo, ExitCode } from '../cli-io.js';

export function registerStop(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('stop')
    .description('stop a deployed model')
    .argument('<model>', 'model name, e.g. acme/chat')
    .option('--env <name>', 'environment, when the model is deployed in several')
    .action(async (model: string, options: { env?: string }) => {
      const store = new DeploymentStore(stateDirectory(io.env));
      const stopped = await stopDeployment(await store.find(model, options.env), store);
      io.stdout(`stopped ${stopped.model} ${stopped.version} in ${stopped.environment}\n`);
      exit(ExitCode.ok);
    });
}
