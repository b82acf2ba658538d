import { dirname, relative } from 'node:path';
import { chooseEvaluation } from '../eval/evaluation-plan.js';
import { readDataset } from '../eval/read-dataset.js';
import { runEvaluation } from '../eval/run-evaluation.js';
import { selectNamed } from '../manifest/select-named.js';
import { loadModel } from './load-model.js';
import { resultsDirOf, writeRecord } from './records.js';
import type { StepIo, StepResult } from './step.js';

export interface EvaluateStepRequest {
  model: string;
  endpoint: string;
  /** Suites of model.yml to run (default: every one). */
  suites: string[];
  timeoutSeconds?: number;
  resultsDir?: string;
}

function metricCell(value: number | null): string {
  return value === null ? 'n/a' : String(Number(value.toFixed(6)));
}

/** Runs the model's evaluation suites against a live endpoint; one results file per suite: `eval-SUITE.json`. */
export async function evaluateStep(request: EvaluateStepRequest, io: StepIo): Promise<StepResult> {
  const { manifest, manifestPath } = await loadModel(request.model, io.cwd);
  const dir = resultsDirOf(request.resultsDir, io.cwd);
  const files: string[] = [];
  const lines: string[] = [];
  for (const [name] of selectNamed(manifest.evaluation, request.suites, 'suite')) {
    // A custom suite runs its own command from the model folder, as `gantry eval` and the pipeline run it.
    const choice = chooseEvaluation({ suite: name }, io.cwd, { value: manifest, path: manifestPath }, io.env);
    const dataset = await readDataset(choice.datasetPath, relative(io.cwd, choice.datasetPath));
    const results = await io.group(
      `Evaluate ${name} (${choice.evaluator.name}, ${dataset.rows.length} rows)`,
      () =>
        runEvaluation({
          endpoint: request.endpoint.replace(/\/+$/, ''),
          dataset,
          datasetDir: dirname(choice.datasetPath),
          evaluator: choice.evaluator,
          normaliser: choice.normaliser,
          concurrency: choice.concurrency,
          timeoutMs: (request.timeoutSeconds ?? 120) * 1000,
          modelName: manifest.server.model ?? manifest.name,
          suite: name,
          model: { name: manifest.name, version: manifest.version },
          progress: io.log,
        }),
    );
    files.push(await writeRecord(dir, `eval-${name}.json`, results));
    for (const [metric, value] of Object.entries(results.metrics))
      lines.push(
        `| ${name} | ${metric} | ${metricCell(value)} | ${results.normaliser.name} | ${dataset.rows.length} |`,
      );
  }
  const table =
    lines.length > 0
      ? `| suite | metric | value | normaliser | rows |\n| --- | --- | --- | --- | --- |\n${lines.join('\n')}\n`
      : 'No evaluation suite to run.\n';
  return {
    outputs: { results: JSON.stringify(files), 'results-dir': dir },
    summary: `## Gantry evaluation: ${manifest.name} ${manifest.version}\n\n${table}`,
  };
}
