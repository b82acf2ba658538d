import type { EvalExample, EvalResults } from '../../schemas/eval-results.js';
import { GantryError } from '../errors.js';
import { httpRequest } from '../http-request.js';
import { GANTRY_VERSION } from '../version.js';
import { type BatchEvaluator, countedMetrics, type Evaluator } from './evaluator.js';
import { callerFor, MODEL_CALLERS } from './model-callers.js';
import type { Dataset } from './read-dataset.js';
import { TEXT_NORMALISERS, type TextNormaliser } from './text-normalisers.js';

export interface EvaluationRequest {
  endpoint: string;
  dataset: Dataset;
  datasetDir: string;
  evaluator: Evaluator | BatchEvaluator;
  normaliser: TextNormaliser;
  concurrency: number;
  timeoutMs: number;
  modelName: string;
  suite?: string;
  model?: { name: string; version: string };
  progress?: (detail: string) => void;
}

/** Checks every row before anything is sent: what it sends and what it is scored against. */
function checkRows({ dataset, evaluator }: EvaluationRequest): string[] {
  const problems: string[] = [];
  dataset.rows.forEach((row, i) => {
    const where = `${dataset.path}:${dataset.lines[i]}`;
    if (!callerFor(row))
      problems.push(
        `${where}: needs one of ${MODEL_CALLERS.map((c) => `"${c.field}"`).join(', ')} to send to the model`,
      );
    const reference = evaluator.reference(row);
    if ('problem' in reference) problems.push(`${where}: ${evaluator.name} ${reference.problem}`);
  });
  return problems;
}

/** Any HTTP answer means the server is there; a refused connection fails fast with a clear message. */
async function checkReachable(endpoint: string): Promise<void> {
  try {
    await httpRequest(endpoint, { timeoutMs: 5_000 });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    throw new GantryError('endpoint_unreachable', `cannot reach ${endpoint}: ${code ?? message}`);
  }
}

/**
 * Runs every dataset row through the model (at most `concurrency` at once) and scores the answers. A
 * failed request is kept, with its error, and scored as a wrong answer: it is never dropped.
 */
export async function runEvaluation(request: EvaluationRequest): Promise<EvalResults> {
  const { dataset, evaluator, normaliser } = request;
  const problems = checkRows(request);
  if (problems.length > 0) throw new GantryError('dataset_invalid', problems.join('\n'));
  await checkReachable(request.endpoint);

  const startedAt = new Date();
  const batch = 'scoreAll' in evaluator ? evaluator : undefined;
  const examples: EvalExample[] = new Array(dataset.rows.length);
  let next = 0;
  let done = 0;
  let failed = 0;
  const worker = async () => {
    while (next < dataset.rows.length) {
      const index = next++;
      const row = dataset.rows[index]!;
      const reference = (evaluator.reference(row) as { value: unknown }).value;
      const started = performance.now();
      let prediction: unknown;
      let error: string | undefined;
      try {
        prediction = await callerFor(row)!.call(request.endpoint, row, {
          datasetDir: request.datasetDir,
          modelName: request.modelName,
          signal: AbortSignal.timeout(request.timeoutMs),
        });
      } catch (cause) {
        error =
          cause instanceof Error
            ? cause.name === 'TimeoutError'
              ? `timed out after ${request.timeoutMs} ms`
              : cause.message
            : String(cause);
        failed++;
      }
      examples[index] = {
        index,
        id:
          typeof row.id === 'string' || typeof row.id === 'number'
            ? String(row.id)
            : `line-${dataset.lines[index]}`,
        reference,
        prediction: error === undefined ? prediction : null,
        ...(error === undefined ? {} : { error }),
        latency_ms: performance.now() - started,
        scores: batch
          ? {}
          : (evaluator as Evaluator).score(
              reference,
              error === undefined ? prediction : undefined,
              normaliser,
            ),
      };
      done++;
      request.progress?.(`${done}/${dataset.rows.length} rows${failed ? `, ${failed} failed` : ''}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(request.concurrency, dataset.rows.length) }, worker));
  let metrics: Record<string, number | null>;
  if (batch) {
    request.progress?.(`scoring ${dataset.rows.length} rows with the suite's command`);
    const scored = await batch.scoreAll(
      examples.map((e) => ({
        index: e.index,
        id: e.id,
        row: dataset.rows[e.index]!,
        reference: e.reference,
        prediction: e.error === undefined ? e.prediction : undefined,
        ...(e.error === undefined ? {} : { error: e.error }),
      })),
    );
    examples.forEach((e, i) => {
      e.scores = scored.scores[i]!;
    });
    // Failures are Gantry's to count, whatever the command made of them: its own values of these are replaced.
    metrics = { ...scored.metrics, ...countedMetrics(examples.length, failed) };
  } else metrics = (evaluator as Evaluator).aggregate(examples.map((e) => e.scores));
  // A command normalises (or not) on its own: no normaliser of Gantry's touched its scores.
  const recorded = batch ? TEXT_NORMALISERS.none : normaliser;

  return {
    schema_version: 1,
    kind: 'evaluation',
    ...(request.suite ? { suite: request.suite } : {}),
    evaluator: { name: evaluator.name, version: evaluator.version },
    normaliser: { name: recorded.name, version: recorded.version },
    dataset: { path: dataset.path, sha256: dataset.sha256, rows: dataset.rows.length },
    endpoint: request.endpoint,
    ...(request.model ? { model: request.model } : {}),
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    gantry_version: GANTRY_VERSION,
    metrics,
    examples,
  };
}
