import type { Command } from 'commander';
import { containerLogs } from '../../core/deploy/containers.js';
import { DeploymentStore, stateDirectory } from '../../core/deploy/deployment-store.js';
import { tailFile } from '../../core/deploy/tail-file.js';
import { type CliIo, ExitCode } from '../cli-io.js';

export function registerLogs(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('logs')
    .description("the last lines of a deployed server's log (a container's: docker logs)")
    .argument('<model>', 'model name, e.g. acme/chat')
    .option('--env <name>', 'environment, when the model is deployed in several')
    .option('-n, --lines <count>', 'how many lines', (v) => Number.parseInt(v, 10), 100)
    .action(async (model: string, options: { env?: string; lines: number }) => {
      const record = await new DeploymentStore(stateDirectory(io.env)).find(model, options.env);
      const lines = record.container
        ? await containerLogs(record.container.name, options.lines)
        : await tailFile(record.log_path, options.lines);
      for (const line of lines) io.stdout(`${line}\n`);
      exit(ExitCode.ok);
    });
}
