import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { formatSummary } from '../../core/bench/format-summary.js';
import { readDataset } from '../../core/bench/read-dataset.js';
import { type BenchFlags, resolveProfile } from '../../core/bench/resolve-profile.js';
import { runBenchmark } from '../../core/bench/run-benchmark.js';
import { GantryError } from '../../core/errors.js';
import { loadValidManifest } from '../../core/manifest/load-manifest.js';
import { BENCHMARK_KINDS } from '../../schemas/metrics.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { displayPath, formatOption, type OutputFormat } from '../options.js';
import { TaskList } from '../task-list.js';

const number = (min: number, integer: boolean) => (text: string) => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value)))
    throw new InvalidArgumentError(`must be ${integer ? 'an integer' : 'a number'} ≥ ${min}`);
  return value;
};

interface BenchOptions extends BenchFlags {
  target?: string;
  endpoint: string;
  manifest?: string;
  profile?: string;
  seed: number;
  deadline?: number;
  model?: string;
  imageDigest?: string;
  out?: string;
  format: OutputFormat;
}

export function registerBench(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('bench')
    .description('load-test a running model server: latencies with intervals, throughput, goodput, errors')
    .requiredOption('--endpoint <url>', "the server's base URL, e.g. http://127.0.0.1:8000")
    .addOption(new Option('--kind <kind>', 'API to drive').choices(BENCHMARK_KINDS))
    .option('--target <name>', 'hardware target of model.yml whose image is measured (reports group by it)')
    .option('--path <path>', 'request path (default per kind, e.g. /v1/chat/completions)')
    .option('--manifest <file>', 'model.yml holding the profile')
    .option('--profile <name>', 'benchmark profile of the manifest')
    .option('--concurrency <n>', 'closed loop: requests always in flight', number(1, true))
    .option('--rate <r>', 'open loop: requests per second', number(Number.MIN_VALUE, false))
    .addOption(
      new Option('--arrivals <shape>', 'open-loop arrivals').choices(['constant', 'poisson', 'gamma']),
    )
    .option('--burstiness <b>', 'gamma shape: 1 Poisson, < 1 burstier', number(Number.MIN_VALUE, false))
    .option('--max-concurrency <n>', 'cap on requests in flight for a rate', number(1, true))
    .option('--sweep', 'find the highest rate meeting --slo: from --rate (default 1/s) double, then bisect')
    .option('--max-rate <r>', 'sweep: highest rate to try', number(Number.MIN_VALUE, false))
    .option('--requests <n>', 'requests to measure (default 100; a sweep: per step)', number(1, true))
    .option('--duration <s>', 'or: seconds to run', number(Number.MIN_VALUE, false))
    .option('--warmup <n>', 'requests sent first and left out', number(0, true))
    .option('--input-tokens <n>', 'synthetic prompt length in words', number(1, true))
    .option('--output-tokens <n>', 'max_tokens of each request', number(1, true))
    .option('--spread <f>', 'relative spread of synthetic lengths, 0..1', number(0, false))
    .option('--dataset <file>', 'JSONL requests instead of synthetic ones')
    .option('--slo <list>', 'objectives for goodput, e.g. ttft:500,tpot:50,e2el:5000')
    .option('--timeout <s>', 'per-request timeout in seconds', number(Number.MIN_VALUE, false))
    .option(
      '--deadline <s>',
      'stop the whole run after this many seconds and keep what was measured',
      number(Number.MIN_VALUE, false),
    )
    .option('--seed <n>', 'seed of arrivals and synthetic requests', number(0, true), 0)
    .option('--model <name>', 'model name sent in requests (default: asked of /v1/models)')
    .option('--image-digest <digest>', 'image digest recorded in the environment')
    .option('--out <file>', 'write the results file here')
    .addOption(formatOption(['text', 'json']))
    .action(async (options: BenchOptions) => {
      let manifest: Parameters<typeof resolveProfile>[1];
      let folder = io.cwd;
      if (options.profile !== undefined && options.manifest === undefined)
        throw new GantryError('bench.profile', '--profile needs --manifest model.yml');
      if (options.manifest !== undefined) {
        if (options.profile === undefined)
          throw new GantryError('bench.profile', '--manifest needs --profile NAME');
        const file = resolve(io.cwd, options.manifest);
        const shown = displayPath(io.cwd, file);
        const loaded = await loadValidManifest(file, shown);
        manifest = { manifest: loaded.manifest, file: shown, profile: options.profile };
        folder = loaded.folder;
      }
      const profile = resolveProfile(options, manifest);
      // A dataset named in model.yml is relative to its folder; one given as a flag, to where the user stands.
      const datasetPath = options.dataset
        ? resolve(io.cwd, options.dataset)
        : profile.dataset
          ? resolve(folder, profile.dataset)
          : undefined;
      const dataset = datasetPath
        ? await readDataset(datasetPath, displayPath(io.cwd, datasetPath), profile.kind)
        : undefined;

      const controller = new AbortController();
      const onSigint = () => controller.abort('interrupted (Ctrl-C)');
      process.once('SIGINT', onSigint);
      const deadline =
        options.deadline === undefined
          ? undefined
          : setTimeout(
              () => controller.abort(`the overall deadline of ${options.deadline} s passed`),
              options.deadline * 1000,
            );
      try {
        const results = await new TaskList(io).run(`bench ${profile.kind} ${options.endpoint}`, (report) =>
          runBenchmark({
            kind: profile.kind,
            endpoint: options.endpoint,
            profile,
            profileName: options.profile,
            target: options.target,
            seed: options.seed,
            dataset,
            datasetDir: datasetPath ? dirname(datasetPath) : undefined,
            model: options.model,
            signal: controller.signal,
            cwd: io.cwd,
            env: io.env,
            imageDigest: options.imageDigest,
            onProgress: (p) =>
              report(
                `${p.step ? `${p.step}: ` : ''}${p.done}${p.total ? `/${p.total}` : ''} requests, ${(p.done / Math.max(p.elapsedMs / 1000, 0.001)).toFixed(1)}/s, ${p.failed} failed`,
              ),
          }),
        );
        if (options.out)
          await writeFile(resolve(io.cwd, options.out), `${JSON.stringify(results, null, 2)}\n`);
        if (options.format === 'json') io.stdout(`${JSON.stringify(results, null, 2)}\n`);
        else io.stdout(formatSummary(results));
        exit(results.interrupted ? ExitCode.checkFailed : ExitCode.ok);
      } finally {
        if (deadline) clearTimeout(deadline);
        process.off('SIGINT', onSigint);
      }
    });
}
