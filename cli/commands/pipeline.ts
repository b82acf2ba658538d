import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { buildImage } from '../../core/build/build-image.js';
import { engineArch } from '../../core/build/docker.js';
import { DeploymentStore, stateDirectory } from '../../core/deploy/deployment-store.js';
import { restServerCommand } from '../../core/deploy/rest-server-command.js';
import { GantryError } from '../../core/errors.js';
import { git } from '../../core/git-plumbing.js';
import { DEFAULT_REGISTRY } from '../../core/image-reference.js';
import { findManifests } from '../../core/manifest/find-manifests.js';
import { packageFile } from '../../core/package-files.js';
import { runPipeline } from '../../core/pipeline/run-pipeline.js';
import { RunStore } from '../../core/pipeline/run-store.js';
import { localRegistry } from '../../core/registry/local-registry.js';
import { type CliIo, ExitCode as Exit, type ExitCode, verdictExitCode } from '../cli-io.js';
import { containerEngines } from '../container-engines.js';
import { formatVerdict } from '../format-verdict.js';
import { displayPath } from '../options.js';
import { renderTable } from '../render-table.js';
import { TaskList } from '../task-list.js';

interface PipelineOptions {
  env: string;
  profile?: string[];
  suite?: string[];
  runs: string;
  keep?: boolean;
  record: boolean;
  target?: 'process' | 'docker';
  baseImage?: string;
  registry: string;
}

const ms = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(1));

export function registerPipeline(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  program
    .command('pipeline')
    .description(
      'run what the workflows run, here: validate, build, deploy, benchmark, evaluate, record, gate against the previous version',
    )
    .argument('<model-dir>', 'folder with model.yml')
    .option('--env <name>', 'environment to deploy to', 'staging')
    .option('--profile <names...>', 'benchmark profiles to run (default: all)')
    .option('--suite <names...>', 'evaluation suites to run (default: all)')
    .option('--runs <dir>', 'where results of each run are kept', '.gantry/runs')
    .addOption(
      new Option(
        '--target <target>',
        'serve it in Docker (building the image) or as a local process (default: Docker when an engine is here and the image can be built)',
      ).choices(['process', 'docker']),
    )
    .option('--base-image <image>', 'docker: the base image to build on (default: the template’s)')
    .option(
      '--registry <host/prefix>',
      'docker: what the image is tagged under (it is not pushed)',
      DEFAULT_REGISTRY,
    )
    .option('--keep', 'leave the deployment running afterwards')
    .option('--no-record', 'do not record the version in the registry of the model’s git repository')
    .action(async (modelDir: string, options: PipelineOptions) => {
      const [manifestPath] = await findManifests([modelDir], io.cwd);
      if (!manifestPath) throw new GantryError('manifest_not_found', `no model.yml in ${modelDir}`);
      const tasks = new TaskList(io);
      const top = await git(dirname(resolve(manifestPath)), ['rev-parse', '--show-toplevel']);
      const repoDir = top.code === 0 ? top.stdout.trim() : undefined;
      const outcome = await runPipeline({
        manifestPath: resolve(manifestPath),
        environment: options.env,
        deployments: new DeploymentStore(stateDirectory(io.env)),
        runs: new RunStore(resolve(io.cwd, options.runs)),
        restServer: restServerCommand,
        serving: {
          requested: options.target,
          engines: containerEngines(),
          arch: (await engineArch()) ?? 'amd64',
          baseImage: options.baseImage,
        },
        build: (manifest, folder, target, baseImage) =>
          buildImage({
            modelDir: folder,
            manifest,
            target,
            registry: options.registry,
            push: false,
            baseImage,
            timeoutMs: 30 * 60_000,
            templatesDir: packageFile('dockerfiles'),
          }),
        steps: {
          run: (title, step) => tasks.run(title, step),
          skip: (title, reason) => tasks.skip(title, reason),
        },
        profiles: options.profile,
        suites: options.suite,
        env: io.env,
        cwd: io.cwd,
        keepRunning: options.keep,
        registry:
          options.record && repoDir
            ? {
                registry: localRegistry(repoDir),
                repoDir,
                actor: io.env.GITHUB_ACTOR ?? io.env.USER ?? 'unknown',
              }
            : undefined,
      });
      io.stdout(`\n${outcome.manifest.name} ${outcome.manifest.version}\n\n`);
      if (outcome.bench.length > 0) {
        const rows = outcome.bench.map((r) => [
          r.profile_name ?? r.kind,
          String(r.summary.completed),
          String(r.summary.failed),
          ms(r.summary.ttft_ms?.p50 ?? r.summary.latency_ms?.p50),
          ms(r.summary.ttft_ms?.p95 ?? r.summary.latency_ms?.p95),
          ms(r.summary.tpot_ms?.p50),
          r.summary.output_tokens_per_s === undefined ? '-' : r.summary.output_tokens_per_s.toFixed(0),
          r.summary.requests_per_s.toFixed(1),
        ]);
        io.stdout(
          renderTable([
            ['PROFILE', 'OK', 'FAILED', 'TTFT/LAT P50', 'P95', 'TPOT P50', 'TOKENS/S', 'REQ/S'],
            ...rows,
          ]),
        );
      }
      for (const e of outcome.evaluations) {
        const metrics = Object.entries(e.metrics)
          .filter(([, v]) => v !== null)
          .map(([k, v]) => `${k} ${Number(v!.toPrecision(4))}`);
        io.stdout(`${e.suite}: ${metrics.join(', ')}\n`);
      }
      io.stdout(`\nresults: ${displayPath(io.cwd, outcome.runDir)}\n`);
      if (outcome.recorded)
        io.stdout(
          `recorded: ${outcome.recorded.model}@${outcome.recorded.version} in the registry (gantry registry show ${outcome.recorded.model}@${outcome.recorded.version})\n`,
        );
      if (!outcome.verdict) {
        io.stdout('gate: no earlier run to compare with yet; run the pipeline again after a change.\n');
        exit(Exit.ok);
        return;
      }
      const { version, source, dir } = outcome.baseline!;
      io.stdout(`\nagainst ${version} (${dir ? displayPath(io.cwd, dir) : source}):\n`);
      io.stdout(formatVerdict(outcome.verdict, io.isTTY));
      if (outcome.report) {
        // The comment a pull request would get, as its markdown: what reviewers will read.
        const comment = await readFile(outcome.report.comment, 'utf8');
        io.stdout(
          `\n── PR comment (${displayPath(io.cwd, outcome.report.comment)}) ──\n${comment.trimEnd()}\n──\n`,
        );
        io.stdout(`\nreport: ${displayPath(io.cwd, outcome.report.html)}\n`);
      }
      exit(verdictExitCode(outcome.verdict.verdict));
    });
}
