import type { BenchResults } from './bench-results.js';
import type { EvalResults } from './eval-results.js';

/** Any results file the gate and the reports read: a benchmark run or an evaluation. */
export type Results = BenchResults | EvalResults;

export function isEvaluation(results: Results): results is EvalResults {
  return results.kind === 'evaluation';
}
