import type { Command } from 'commander';
import { containerRunning } from '../../core/deploy/containers.js';
import { DeploymentStore, stateDirectory } from '../../core/deploy/deployment-store.js';
import { processAlive } from '../../core/deploy/process-control.js';
import { isHealthy } from '../../core/deploy/wait-for-health.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { formatOption, type OutputFormat } from '../options.js';
import { renderTable } from '../render-table.js';

export function registerStatus(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('status')
    .description('what runs where on this host: model, version, target, image, GPUs, URL, health, since')
    .addOption(formatOption(['text', 'json']))
    .action(async (options: { format: OutputFormat }) => {
      const records = await new DeploymentStore(stateDirectory(io.env)).list();
      const rows = await Promise.all(
        records.map(async (r) => {
          const alive =
            r.state === 'running' &&
            (!r.process || processAlive(r.process.pid)) &&
            (!r.proxy || processAlive(r.proxy.pid)) &&
            (!r.container || (await containerRunning(r.container.name)));
          const health =
            r.state !== 'running'
              ? r.state
              : !alive
                ? 'exited'
                : (await isHealthy(r.health_url))
                  ? 'healthy'
                  : 'unhealthy';
          return { ...r, health };
        }),
      );
      if (options.format === 'json') {
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      } else if (rows.length === 0) {
        io.stdout('nothing is deployed on this host\n');
      } else {
        const header = [
          'ENVIRONMENT',
          'MODEL',
          'VERSION',
          'TARGET',
          'URL',
          'PID/CONTAINER',
          'IMAGE',
          'GPUS',
          'HEALTH',
          'SINCE',
        ];
        const body = rows.map((r) => [
          r.environment,
          r.model,
          r.version,
          r.target,
          r.url,
          String(r.process?.pid ?? r.container?.name ?? ''),
          (r.container?.digest ?? r.container?.image_id ?? '-').slice(0, 19),
          r.gpus.join(',') || '-',
          r.health,
          r.healthy_at ?? r.started_at,
        ]);
        io.stdout(renderTable([header, ...body]));
        for (const r of rows) if (r.message) io.stdout(`${r.environment} ${r.model}: ${r.message}\n`);
      }
      exit(ExitCode.ok);
    });
}
