import type { LatencyStats } from '../../schemas/bench-results.js';
import { HdrHistogram } from './hdr-histogram.js';
import { percentileRanks } from './percentile-interval.js';

const PERCENTILES = { p50: 50, p90: 90, p95: 95, p99: 99 } as const;

/**
 * Mean (exact) and percentiles (HDR histogram) of a latency distribution, each percentile with its
 * order-statistic confidence interval, and the percentiles too few samples can bound flagged.
 * Undefined when there are no samples: nothing is reported rather than a zero.
 */
export function latencyStats(values: Iterable<number>, confidence = 0.95): LatencyStats | undefined {
  const histogram = new HdrHistogram();
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    histogram.record(value);
    n++;
    sum += value;
    sumSquares += value * value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (n === 0) return undefined;
  const mean = sum / n;
  const stats = {
    n,
    mean,
    min,
    max,
    stdev: n > 1 ? Math.sqrt(Math.max(0, (sumSquares - n * mean * mean) / (n - 1))) : 0,
    confidence,
    ci: {} as LatencyStats['ci'],
    too_few_samples: [] as string[],
  } as LatencyStats;
  for (const [name, p] of Object.entries(PERCENTILES) as [keyof typeof PERCENTILES, number][]) {
    // The histogram's bucket midpoint can sit just past the extremes; the true percentile cannot.
    stats[name] = clamp(histogram.valueAtPercentile(p), min, max);
    const ranks = percentileRanks(n, p / 100, confidence);
    stats.ci[name] = {
      low: ranks.low === undefined ? null : clamp(histogram.valueAtRank(ranks.low), min, max),
      high: ranks.high === undefined ? null : clamp(histogram.valueAtRank(ranks.high), min, max),
    };
    if (ranks.low === undefined || ranks.high === undefined) stats.too_few_samples.push(name);
  }
  return stats;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
