import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { collectDashboard } from '../../core/dashboard/dashboard-data.js';
import { dashboardHtml } from '../../core/dashboard/dashboard-html.js';
import { fleetRowOfRecord } from '../../core/dashboard/fleet-rows.js';
import { DeploymentStore, stateDirectory } from '../../core/deploy/deployment-store.js';
import { GantryError } from '../../core/errors.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { openLocalRegistry } from '../open-registry.js';
import { displayPath } from '../options.js';

interface DashboardOptions {
  repo?: string;
  port: number;
  host: string;
  out?: string;
}

export function registerDashboard(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('dashboard')
    .description(
      'a read-only web page of the models: versions, gate verdicts, environments, trends and what runs where',
    )
    .option('--repo <dir>', 'repository holding the registry (default: the one here)')
    .option('--port <port>', 'port to serve it on', (v) => Number.parseInt(v, 10), 8585)
    .option('--host <address>', 'address to serve it on', '127.0.0.1')
    .option('--out <file>', 'write the page to a file once instead of serving it')
    .action(async (options: DashboardOptions) => {
      const registry = await openLocalRegistry(io.cwd, options.repo);
      const deployments = new DeploymentStore(stateDirectory(io.env));
      const page = async () =>
        dashboardHtml(await collectDashboard(registry, (await deployments.list()).map(fleetRowOfRecord)));
      if (options.out) {
        const file = resolve(io.cwd, options.out);
        await writeFile(file, await page());
        io.stdout(`wrote ${displayPath(io.cwd, file)}\n`);
        exit(ExitCode.ok);
        return;
      }
      // Read afresh on every request: the page always shows the registry as it is now.
      const server = createServer((req, res) => {
        if (req.method !== 'GET' || (req.url !== '/' && req.url !== '/index.html')) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
          return;
        }
        page().then(
          (html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
          (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
        );
      });
      await new Promise<void>((done, fail) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          fail(
            error.code === 'EADDRINUSE'
              ? new GantryError('port_in_use', `port ${options.port} is in use; pass --port`, 1)
              : error,
          ),
        );
        server.listen(options.port, options.host, done);
      });
      io.stdout(`dashboard at http://${options.host}:${options.port}/ (Ctrl-C stops it)\n`);
    });
}
