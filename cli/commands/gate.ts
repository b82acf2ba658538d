import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { GantryError } from '../../core/errors.js';
import { readResults } from '../../core/gate/read-results.js';
import { runGate } from '../../core/gate/run-gate.js';
import { loadManifest } from '../../core/manifest/load-manifest.js';
import type { GateVerdict } from '../../schemas/gate-verdict.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { formatOption, type OutputFormat } from '../options.js';
import { renderTable } from '../render-table.js';

interface GateOptions {
  candidate: string[];
  baseline: string[];
  manifest: string;
  out?: string;
  allowTestbedMismatch?: boolean;
  format: OutputFormat;
}

const EXIT: Record<GateVerdict['verdict'], ExitCode> = {
  pass: ExitCode.ok,
  fail: ExitCode.checkFailed,
  inconclusive: ExitCode.inconclusive,
};

function change(rule: GateVerdict['rules'][number]): string {
  if (!rule.change) return 'n/a';
  const f = (x: number) =>
    rule.change!.unit === 'relative'
      ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`
      : `${x >= 0 ? '+' : ''}${Number(x.toPrecision(3))}`;
  return `${f(rule.change.estimate)} [${f(rule.change.low)}, ${f(rule.change.high)}]`;
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
      const loaded = await loadManifest(at(options.manifest), options.manifest);
      if (!loaded.manifest)
        throw new GantryError('manifest_invalid', `${options.manifest} has problems; run gantry validate`, 1);
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
        const c = pc.createColors(io.isTTY);
        const mark = { pass: c.green('pass'), fail: c.red('FAIL'), inconclusive: c.yellow('inconclusive') };
        const rows = verdict.rules.map((r) => [
          `${r.metric}${r.profile ? ` (${r.profile})` : r.suite ? ` (${r.suite})` : ''}`,
          r.baseline.value === null ? 'n/a' : String(Number(r.baseline.value.toPrecision(4))),
          r.candidate.value === null ? 'n/a' : String(Number(r.candidate.value.toPrecision(4))),
          change(r),
          `${r.limit.kind === 'relative' ? `${r.limit.value * 100}%` : r.limit.value}`,
          mark[r.verdict],
        ]);
        io.stdout(
          renderTable([
            ['METRIC', 'BASELINE', 'CANDIDATE', 'WORSENING [INTERVAL]', 'LIMIT', 'VERDICT'],
            ...rows,
          ]),
        );
        for (const r of verdict.rules.filter((x) => x.verdict !== 'pass'))
          io.stdout(`${r.metric}: ${r.reason}\n`);
        for (const w of verdict.warnings) io.stdout(`warning: ${w}\n`);
        io.stdout(
          `gate: ${mark[verdict.verdict]} (${verdict.confidence * 100}% confidence, ${verdict.rules.length} rules)\n`,
        );
      }
      exit(EXIT[verdict.verdict]);
    });
}
