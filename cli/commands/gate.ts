import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readResults } from '../../core/gate/read-results.js';
import { runGate } from '../../core/gate/run-gate.js';
import { loadValidManifest } from '../../core/manifest/load-manifest.js';
import { type CliIo, type ExitCode, verdictExitCode } from '../cli-io.js';
import { formatVerdict } from '../format-verdict.js';
import { formatOption, type OutputFormat } from '../options.js';

interface GateOptions {
  candidate: string[];
  baseline: string[];
  manifest: string;
  out?: string;
  allowTestbedMismatch?: boolean;
  format: OutputFormat;
}

export function registerGate(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('gate')
    .description(
      'judge a candidate against its baseline: pass (0), fail (1) or inconclusive (3), rule by rule',
    )
    .requiredOption('--candidate <files...>', 'results files of the candidate (several = repetitions)')
    .requiredOption('--baseline <files...>', 'results files of the baseline')
    .requiredOption('--manifest <file>', 'model.yml with the gate rules')
    .option('--out <file>', 'write the verdict JSON here')
    .option('--allow-testbed-mismatch', 'compare results from different hardware anyway')
    .addOption(formatOption(['text', 'json']))
    .action(async (options: GateOptions) => {
      const at = (path: string) => resolve(io.cwd, path);
      const loaded = await loadValidManifest(at(options.manifest), options.manifest);
      const file = options.manifest;
      const verdict = runGate({
        candidate: await Promise.all(options.candidate.map((f) => readResults(at(f), f))),
        baseline: await Promise.all(options.baseline.map((f) => readResults(at(f), f))),
        manifest: loaded.manifest,
        locateRule: (i) => ({ file, ...loaded.source.locate(['gates', 'rules', i]) }),
        allowTestbedMismatch: options.allowTestbedMismatch,
      });
      if (options.out) await writeFile(at(options.out), `${JSON.stringify(verdict, null, 2)}\n`);
      if (options.format === 'json') {
        io.stdout(`${JSON.stringify(verdict, null, 2)}\n`);
      } else {
        io.stdout(formatVerdict(verdict, io.isTTY));
      }
      exit(verdictExitCode(verdict.verdict));
    });
}
