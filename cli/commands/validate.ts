import type { Command } from 'commander';
import { findManifests } from '../../core/manifest/find-manifests.js';
import { formatDiagnostic } from '../../core/manifest/format-diagnostic.js';
import { loadManifest } from '../../core/manifest/load-manifest.js';
import type { ValidationReport } from '../../schemas/validation-report.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { displayPath, formatOption, type OutputFormat, repositoryRoot } from '../options.js';

export function registerValidate(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('validate')
    .description('check model.yml files: every problem, each with file:line:col')
    .argument('[paths...]', 'model.yml files or folders to search (default: the whole repository)')
    .addOption(formatOption(['text', 'json']))
    .action(async (paths: string[], options: { format: OutputFormat }) => {
      const roots = paths.length > 0 ? paths : [await repositoryRoot(io.cwd)];
      const files = await findManifests(roots, io.cwd);
      const report: ValidationReport = { valid: true, files: [], errors: [] };
      for (const file of files) {
        const name = displayPath(io.cwd, file);
        const { diagnostics } = await loadManifest(file, name);
        report.files.push(name);
        report.errors.push(...diagnostics);
      }
      report.valid = report.errors.length === 0 && files.length > 0;
      if (options.format === 'json') {
        io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      } else if (files.length === 0) {
        io.stderr(`no model.yml found in ${roots.join(', ')}\n`);
      } else {
        for (const d of report.errors) io.stdout(`${formatDiagnostic(d, io.isTTY)}\n`);
        const bad = new Set(report.errors.map((d) => d.file)).size;
        const summary = report.valid
          ? `${files.length} manifest${files.length === 1 ? '' : 's'} valid\n`
          : `${report.errors.length} problem${report.errors.length === 1 ? '' : 's'} in ${bad} of ${files.length} manifest${files.length === 1 ? '' : 's'}\n`;
        (report.valid ? io.stdout : io.stderr)(summary);
      }
      exit(report.valid ? ExitCode.ok : ExitCode.checkFailed);
    });
}
