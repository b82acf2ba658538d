import { basename, dirname, resolve } from 'node:path';
import type { BenchResults } from '../../schemas/bench-results.js';
import type { BuildRecord } from '../../schemas/build-record.js';
import type { DeploymentRecord } from '../../schemas/deployment-record.js';
import type { EvalResults } from '../../schemas/eval-results.js';
import type { GateVerdict } from '../../schemas/gate-verdict.js';
import type { ModelManifest, Target } from '../../schemas/model-manifest.js';
import type { ModelVersion } from '../../schemas/model-version.js';
import type { Results } from '../../schemas/results.js';
import { readDataset as readBenchDataset } from '../bench/read-dataset.js';
import { runBenchmark } from '../bench/run-benchmark.js';
import { deployModel } from '../deploy/deploy-model.js';
import type { DeploymentStore } from '../deploy/deployment-store.js';
import { freePort } from '../deploy/free-port.js';
import type { RestServer } from '../deploy/server-command.js';
import { stopDeployment } from '../deploy/stop-deployment.js';
import { suiteEvaluator } from '../eval/evaluation-plan.js';
import { readDataset as readEvalDataset } from '../eval/read-dataset.js';
import { runEvaluation } from '../eval/run-evaluation.js';
import { TEXT_NORMALISERS } from '../eval/text-normalisers.js';
import { readResults } from '../gate/read-results.js';
import { runGate } from '../gate/run-gate.js';
import { loadValidManifest } from '../manifest/load-manifest.js';
import { selectNamed } from '../manifest/select-named.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import { recordingBlocker, recordRun } from '../registry/record-run.js';
import { registryBaseline } from '../registry/registry-baseline.js';
import { htmlReport } from '../report/html-report.js';
import { prComment } from '../report/pr-comment.js';
import { planServing, type ServingChoice } from './plan-serving.js';
import type { RunStore } from './run-store.js';

/** How the pipeline shows its steps: the CLI's task list. */
export interface StepRunner {
  run<T>(title: string, step: (progress: (detail: string) => void) => Promise<T>): Promise<T>;
  skip(title: string, reason: string): void;
}

export interface PipelineRequest {
  manifestPath: string;
  environment: string;
  deployments: DeploymentStore;
  runs: RunStore;
  restServer: RestServer;
  /** Where to serve it: Docker when it can (see planServing), a process otherwise, or what was asked for. */
  serving: Omit<ServingChoice, 'requested'> & { requested?: 'process' | 'docker' };
  steps: StepRunner;
  /** Builds the image of a target (the CLI's build, with its registry and settings). */
  build: (
    manifest: ModelManifest,
    folder: string,
    target: Target,
    baseImage?: string,
  ) => Promise<BuildRecord>;
  profiles?: string[];
  suites?: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  keepRunning?: boolean;
  /** The registry of the model's repository: the gate's baseline comes from it, and the run is recorded in it. */
  registry?: { registry: ModelRegistry; repoDir: string; actor: string };
}

export interface PipelineOutcome {
  manifest: ModelManifest;
  runDir: string;
  deployment: DeploymentRecord;
  bench: BenchResults[];
  evaluations: EvalResults[];
  /** What the gate compared with: a recorded version (`source` says which) or the previous run (`dir`). */
  baseline?: { version: string; source: string; dir?: string };
  verdict?: GateVerdict;
  /** The HTML report and the PR comment markdown written into the run's folder. */
  report?: { html: string; comment: string };
  /** The version recorded in the registry by this run. */
  recorded?: ModelVersion;
}

/**
 * What the workflows run, on this machine: validate → build (in Docker when it can) → deploy →
 * benchmark every profile (its repetitions) → evaluate every suite → record the run → gate against the
 * previous run → stop. Each step shows in the task list with its duration and result.
 */
export async function runPipeline(request: PipelineRequest): Promise<PipelineOutcome> {
  const { steps } = request;
  const loaded = await steps.run('validate model.yml', () => loadValidManifest(request.manifestPath));
  const { manifest } = loaded;
  const folder = dirname(request.manifestPath);
  const profiles = selectNamed(manifest.benchmark, request.profiles ?? [], 'profile');
  const suites = selectNamed(manifest.evaluation, request.suites ?? [], 'suite');
  const builds: BuildRecord[] = [];

  const serving = await planServing(manifest, request.serving);
  let image: BuildRecord | undefined;
  if (serving.target === 'docker') {
    const { build: target, baseImage } = serving;
    image = await steps.run(`build ${target.name} image`, () =>
      request.build(manifest, folder, target, baseImage),
    );
    builds.push(image);
  } else {
    steps.skip('build', serving.reason);
  }

  const deployment = await steps.run(
    `deploy ${manifest.name} ${manifest.version} to ${request.environment}${image ? ' (docker)' : ''}`,
    async (progress) =>
      deployModel({
        manifestPath: request.manifestPath,
        environment: request.environment,
        store: request.deployments,
        restServer: request.restServer,
        port: await freePort(),
        ...(image ? { target: 'docker' as const, image: image.image, hardware: image.target } : {}),
        progress,
      }),
  );
  const startedAt = new Date();
  const runDir = await request.runs.create(manifest.name, manifest.version, startedAt);
  const bench: BenchResults[] = [];
  const evaluations: EvalResults[] = [];
  const files: string[] = [];
  try {
    for (const [name, profile] of profiles) {
      const dataset = profile.dataset
        ? await readBenchDataset(resolve(folder, profile.dataset), profile.dataset, profile.kind)
        : undefined;
      for (let repetition = 0; repetition < profile.repetitions; repetition++) {
        const label = profile.repetitions > 1 ? ` (run ${repetition + 1}/${profile.repetitions})` : '';
        const results = await steps.run(`benchmark ${name}${label}`, (progress) =>
          runBenchmark({
            kind: profile.kind,
            endpoint: deployment.url,
            profile,
            profileName: name,
            seed: repetition,
            dataset,
            datasetDir: profile.dataset ? dirname(resolve(folder, profile.dataset)) : undefined,
            signal: AbortSignal.timeout(30 * 60_000),
            cwd: request.cwd,
            env: request.env,
            onProgress: (p) =>
              progress(`${p.done}${p.total ? `/${p.total}` : ''} requests, ${p.failed} failed`),
          }),
        );
        bench.push(results);
        files.push(await request.runs.write(runDir, `bench-${name}-${repetition + 1}.json`, results));
      }
    }
    for (const [name, suite] of suites) {
      const datasetPath = resolve(folder, suite.dataset);
      const dataset = await readEvalDataset(datasetPath, suite.dataset);
      const results = await steps.run(
        `evaluate ${name} (${suite.evaluator}, ${dataset.rows.length} rows)`,
        (progress) =>
          runEvaluation({
            endpoint: deployment.url,
            dataset,
            datasetDir: dirname(datasetPath),
            evaluator: suiteEvaluator(name, suite, folder, request.env),
            normaliser: TEXT_NORMALISERS[suite.normaliser],
            concurrency: suite.concurrency,
            timeoutMs: 120_000,
            modelName: manifest.server.model ?? manifest.name,
            suite: name,
            model: { name: manifest.name, version: manifest.version },
            progress,
          }),
      );
      evaluations.push(results);
      files.push(await request.runs.write(runDir, `eval-${name}.json`, results));
    }
  } finally {
    if (!request.keepRunning)
      await stopDeployment(
        (await request.deployments.read(request.environment, manifest.name))!,
        request.deployments,
      );
  }

  const candidate = await Promise.all(files.map((f) => readResults(f)));
  const baseline = await findBaseline(request, manifest, runDir);
  const verdict = baseline
    ? await steps.run(`gate against ${baseline.version} (${baseline.source})`, async () =>
        runGate({
          candidate,
          baseline: baseline.results,
          manifest,
          locateRule: (i) => ({ file: request.manifestPath, ...loaded.source.locate(['gates', 'rules', i]) }),
        }),
      )
    : undefined;
  if (verdict) await request.runs.write(runDir, 'verdict.json', verdict);
  else steps.skip('gate', 'no earlier run to compare with: this run is the baseline of the next');

  let recorded: ModelVersion | undefined;
  if (request.registry) {
    const run = {
      ...request.registry,
      manifest,
      manifestPath: request.manifestPath,
      runDir,
      builds,
      bench,
      evaluations,
      verdict,
      gatedAgainst: baseline?.version,
    };
    const blocker = await recordingBlocker(run);
    if (blocker) steps.skip('record in the registry', blocker);
    else
      recorded = await steps.run(`record ${manifest.name}@${manifest.version} in the registry`, () =>
        recordRun(run),
      );
  }
  const outcome = { manifest, runDir, deployment, bench, evaluations, recorded };
  if (!baseline || !verdict) return outcome;
  const report = await steps.run('write the report and the PR comment', async () => {
    const input = {
      model: manifest.name,
      candidateVersion: manifest.version,
      baselineVersion: baseline.version,
      verdict,
      candidate,
      baseline: baseline.results,
      history: await request.runs.history(manifest.name, runDir),
      links: {
        report: 'report.html',
        results: files.map((f) => ({ label: basename(f), href: basename(f) })),
      },
    };
    return {
      html: await request.runs.writeText(runDir, 'report.html', htmlReport(input)),
      comment: await request.runs.writeText(runDir, 'pr-comment.md', prComment(input)),
    };
  });
  const { version, source, dir } = baseline;
  return { ...outcome, baseline: { version, source, dir }, verdict, report };
}

/**
 * What the gate compares with: the recorded version `gates.baseline` names (production by default)
 * when the registry has one, else the previous run of the pipeline.
 */
async function findBaseline(
  request: PipelineRequest,
  manifest: ModelManifest,
  runDir: string,
): Promise<{ version: string; source: string; dir?: string; results: Results[] } | undefined> {
  const recorded = request.registry && (await registryBaseline(request.registry.registry, manifest));
  if (recorded) return { ...recorded, source: `${recorded.source} in the registry` };
  const previous = await request.runs.previous(manifest.name, runDir);
  if (!previous) return undefined;
  return {
    version: previous.version,
    source: 'the previous run',
    dir: previous.dir,
    results: await Promise.all(previous.files.map((f) => readResults(f))),
  };
}
