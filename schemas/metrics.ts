/**
 * The vocabulary of metrics Gantry measures. Gate rules in model.yml, the benchmark and evaluation
 * results and the reports all name metrics with these paths, so they are defined here once.
 */

export const BENCHMARK_KINDS = ['openai-chat', 'openai-completions', 'embeddings', 'asr', 'rest'] as const;
export type BenchmarkKind = (typeof BENCHMARK_KINDS)[number];

export const EVALUATORS = ['wer', 'cer', 'exact_match', 'accuracy', 'f1', 'custom'] as const;
export type Evaluator = (typeof EVALUATORS)[number];

/** Which way is better for a metric. */
export type Direction = 'lower' | 'higher';

/** The statistics reported for every latency distribution. */
export const LATENCY_STATS = ['mean', 'p50', 'p90', 'p95', 'p99'] as const;

const LLM_LATENCIES = ['ttft_ms', 'tpot_ms', 'itl_ms', 'e2el_ms'] as const;

/** Latency distributions measured for each benchmark kind. */
export const LATENCY_METRICS: Record<BenchmarkKind, readonly string[]> = {
  'openai-chat': LLM_LATENCIES,
  'openai-completions': LLM_LATENCIES,
  embeddings: ['latency_ms'],
  asr: ['latency_ms', 'rtf'],
  rest: ['latency_ms'],
};

/** Scalar metrics measured for each benchmark kind, with the direction that is better. */
const SCALAR_METRICS: Record<BenchmarkKind, Record<string, Direction>> = {
  'openai-chat': {
    requests_per_s: 'higher',
    output_tokens_per_s: 'higher',
    total_tokens_per_s: 'higher',
    goodput_per_s: 'higher',
    failed_rate: 'lower',
  },
  'openai-completions': {
    requests_per_s: 'higher',
    output_tokens_per_s: 'higher',
    total_tokens_per_s: 'higher',
    goodput_per_s: 'higher',
    failed_rate: 'lower',
  },
  embeddings: { requests_per_s: 'higher', inputs_per_s: 'higher', failed_rate: 'lower' },
  asr: { requests_per_s: 'higher', goodput_per_s: 'higher', failed_rate: 'lower' },
  rest: { requests_per_s: 'higher', goodput_per_s: 'higher', failed_rate: 'lower' },
};

/** Every metric a benchmark of this kind reports, by path (e.g. `ttft_ms.p95`), with its direction. */
export function benchmarkMetrics(kind: BenchmarkKind): Map<string, Direction> {
  const metrics = new Map<string, Direction>();
  for (const family of LATENCY_METRICS[kind]) {
    for (const stat of LATENCY_STATS) metrics.set(`${family}.${stat}`, 'lower');
  }
  for (const [name, direction] of Object.entries(SCALAR_METRICS[kind])) metrics.set(name, direction);
  return metrics;
}

/** Metrics each built-in evaluator reports. A custom evaluator declares its own in model.yml. */
export const EVALUATOR_METRICS: Record<Exclude<Evaluator, 'custom'>, Record<string, Direction>> = {
  wer: { wer: 'lower', failed_rate: 'lower' },
  cer: { cer: 'lower', failed_rate: 'lower' },
  exact_match: { exact_match: 'higher', failed_rate: 'lower' },
  accuracy: { accuracy: 'higher', failed_rate: 'lower' },
  f1: { f1: 'higher', precision: 'higher', recall: 'higher', failed_rate: 'lower' },
};

/** Service-level objectives a benchmark profile may set, per kind. */
export const SLO_METRICS: Record<BenchmarkKind, readonly string[]> = {
  'openai-chat': ['ttft_ms', 'tpot_ms', 'e2el_ms'],
  'openai-completions': ['ttft_ms', 'tpot_ms', 'e2el_ms'],
  embeddings: ['latency_ms'],
  asr: ['latency_ms', 'rtf'],
  rest: ['latency_ms'],
};
