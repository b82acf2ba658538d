import { dirname, resolve } from 'node:path';
import type { BenchResults } from '../../schemas/bench-results.js';
import { formatSummary } from '../bench/format-summary.js';
import { readDataset } from '../bench/read-dataset.js';
import { runBenchmark } from '../bench/run-benchmark.js';
import { selectNamed } from '../manifest/select-named.js';
import { loadModel } from './load-model.js';
import { resultsDirOf, writeRecord } from './records.js';
import { codeBlock, type StepIo, type StepResult } from './step.js';

export interface BenchmarkStepRequest {
  model: string;
  endpoint: string;
  /** Profiles of model.yml to run (default: every one). */
  profiles: string[];
  /** Hardware target of model.yml whose image is measured. */
  target?: string;
  imageDigest?: string;
  /** Minutes the whole step may take; the run stops there and keeps what it measured. */
  timeoutMinutes?: number;
  resultsDir?: string;
}

/**
 * Runs the model's benchmark profiles against a live endpoint, each as many times as its
 * `repetitions`, and writes one results file per run: `bench-PROFILE-N.json`.
 */
export async function benchmarkStep(request: BenchmarkStepRequest, io: StepIo): Promise<StepResult> {
  const { manifest, folder } = await loadModel(request.model, io.cwd);
  const dir = resultsDirOf(request.resultsDir, io.cwd);
  const minutes = request.timeoutMinutes ?? 60;
  const signal = AbortSignal.timeout(minutes * 60_000);
  const files: string[] = [];
  const runs: BenchResults[] = [];
  for (const [name, profile] of selectNamed(manifest.benchmark, request.profiles, 'profile')) {
    const datasetPath = profile.dataset ? resolve(folder, profile.dataset) : undefined;
    const dataset = datasetPath ? await readDataset(datasetPath, profile.dataset!, profile.kind) : undefined;
    for (let repetition = 0; repetition < profile.repetitions; repetition++) {
      const label = profile.repetitions > 1 ? ` (run ${repetition + 1}/${profile.repetitions})` : '';
      const results = await io.group(`Benchmark ${name}${label}`, async () => {
        const run = await runBenchmark({
          kind: profile.kind,
          endpoint: request.endpoint,
          profile,
          profileName: name,
          target: request.target,
          seed: repetition,
          dataset,
          datasetDir: datasetPath ? dirname(datasetPath) : undefined,
          signal,
          cwd: io.cwd,
          env: io.env,
          imageDigest: request.imageDigest,
        });
        io.log(formatSummary(run));
        return run;
      });
      runs.push(results);
      files.push(await writeRecord(dir, `bench-${name}-${repetition + 1}.json`, results));
    }
  }
  const interrupted = runs.filter((r) => r.interrupted);
  return {
    outputs: { results: JSON.stringify(files), 'results-dir': dir },
    summary: `## Gantry benchmark: ${manifest.name} ${manifest.version}\n\n${runs.map((r) => codeBlock(formatSummary(r))).join('\n')}`,
    ...(interrupted.length > 0
      ? {
          failure: `${interrupted.length} benchmark run(s) stopped before the end: ${minutes} minutes passed`,
        }
      : {}),
  };
}
