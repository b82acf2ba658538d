import type { BenchResults, RequestSample } from '../../schemas/bench-results.js';
import type { EvalResults } from '../../schemas/eval-results.js';

/** What the gate compares for one metric on one side. */
export type Observations =
  /** One value per run (a percentile or a throughput), with the per-request values behind each, if any. */
  | { kind: 'runs'; values: number[]; samples: number[][] | undefined; n: number }
  /** Failures out of attempts, pooled over runs. */
  | { kind: 'rate'; failures: number; total: number; runs: number }
  /** Per-example scores keyed by example id (evaluations: pairs the same examples across versions). */
  | { kind: 'examples'; scores: Map<string, Record<string, number>>; runs: number };

/** A latency family of a request, from its raw timestamps (failed requests have none). */
export function requestValue(sample: RequestSample, family: string): number[] {
  if (!sample.ok) return [];
  const e2el = sample.end_ms - sample.sent_ms;
  const ttft = sample.first_token_ms === undefined ? undefined : sample.first_token_ms - sample.sent_ms;
  switch (family) {
    case 'ttft_ms':
      return ttft === undefined ? [] : [ttft];
    case 'e2el_ms':
    case 'latency_ms':
      return [e2el];
    case 'tpot_ms':
      return ttft === undefined || (sample.output_tokens ?? 0) < 2
        ? []
        : [(e2el - ttft) / (sample.output_tokens! - 1)];
    case 'itl_ms':
      return sample.itl_ms ?? [];
    case 'rtf':
      return sample.audio_s ? [e2el / 1000 / sample.audio_s] : [];
    default:
      return [];
  }
}

/** Mean or a percentile (linear interpolation between order statistics) of values. */
export function statistic(values: readonly number[], stat: string): number {
  if (values.length === 0) return Number.NaN;
  if (stat === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const q = Number(stat.slice(1)) / 100;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** The observations of a benchmark metric (`ttft_ms.p95`, `output_tokens_per_s`, `failed_rate`) over runs. */
export function benchObservations(runs: readonly BenchResults[], metric: string): Observations | undefined {
  if (metric === 'failed_rate') {
    const failures = runs.reduce((n, r) => n + r.summary.failed, 0);
    return {
      kind: 'rate',
      failures,
      total: runs.reduce((n, r) => n + r.summary.failed + r.summary.completed, 0),
      runs: runs.length,
    };
  }
  const [family, stat] = metric.split('.');
  if (stat !== undefined) {
    const samples = runs.map((r) => r.samples.flatMap((s) => requestValue(s, family!)));
    if (samples.some((s) => s.length === 0)) return undefined;
    return {
      kind: 'runs',
      values: samples.map((s) => statistic(s, stat)),
      samples,
      n: samples.reduce((n, s) => n + s.length, 0),
    };
  }
  const values = runs.map((r) => (r.summary as Record<string, unknown>)[metric]);
  if (values.some((v) => typeof v !== 'number')) return undefined;
  return {
    kind: 'runs',
    values: values as number[],
    samples: undefined,
    n: runs.reduce((n, r) => n + r.summary.completed, 0),
  };
}

/** Per-example scores of an evaluation (the first run of a side: evaluations are deterministic). */
export function evalObservations(runs: readonly EvalResults[]): Observations {
  const scores = new Map<string, Record<string, number>>();
  for (const example of runs[0]?.examples ?? []) scores.set(example.id, example.scores);
  return { kind: 'examples', scores, runs: runs.length };
}
