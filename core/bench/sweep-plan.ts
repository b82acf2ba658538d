import type { BenchSummary, SweepStep } from '../../schemas/bench-results.js';
import type { BenchmarkProfile } from '../../schemas/model-manifest.js';

export type SweepLoad = Extract<BenchmarkProfile['load'], { type: 'sweep' }>;

/** The step runs a sweep may take at most: doubling from 1/s to 1M/s is 20, the bisection ~4 more. */
export const MAX_SWEEP_STEPS = 30;
/** With no passing rate yet, halving stops this far below start_rate: the server meets the SLOs at none. */
const FLOOR_DIVISOR = 16;

export type SweepDecision =
  | { next: number }
  | { stop: string; knee: number | undefined; failing: number | undefined };

/**
 * The bracket the steps so far give: the lowest rate that missed the SLOs, and the highest that met
 * them below it. Taking the passing rate below the lowest failure keeps a noisy pass above a failure
 * from moving the knee up: the answer errs on the side of the capacity the server surely has.
 */
export function sweepBracket(steps: readonly Pick<SweepStep, 'offered_rate' | 'met'>[]): {
  low: number | undefined;
  high: number | undefined;
} {
  let high: number | undefined;
  for (const s of steps) if (!s.met && (high === undefined || s.offered_rate < high)) high = s.offered_rate;
  let low: number | undefined;
  for (const s of steps)
    if (s.met && (high === undefined || s.offered_rate < high) && (low === undefined || s.offered_rate > low))
      low = s.offered_rate;
  return { low, high };
}

/**
 * The next offered rate of a sweep, or why it stops: start at start_rate, double while every step
 * meets the SLOs (up to max_rate), then bisect between the highest passing and lowest failing rate
 * until they are within `precision` of the passing one. When even start_rate fails, halve down.
 */
export function nextSweepRate(
  load: SweepLoad,
  steps: readonly Pick<SweepStep, 'offered_rate' | 'met'>[],
): SweepDecision {
  const cap = (rate: number) => (load.max_rate === undefined ? rate : Math.min(rate, load.max_rate));
  if (steps.length === 0) return { next: cap(load.start_rate) };
  const { low, high } = sweepBracket(steps);
  if (steps.length >= MAX_SWEEP_STEPS)
    return { stop: `stopped after ${MAX_SWEEP_STEPS} steps`, knee: low, failing: high };
  if (high === undefined) {
    const reached = low!;
    if (load.max_rate !== undefined && reached >= load.max_rate)
      return { stop: `met the SLOs up to max_rate ${load.max_rate}/s`, knee: reached, failing: undefined };
    return { next: cap(reached * 2) };
  }
  if (low === undefined) {
    const next = high / 2;
    if (next < load.start_rate / FLOOR_DIVISOR)
      return { stop: `no rate down to ${fixed(high)}/s met the SLOs`, knee: undefined, failing: high };
    return { next };
  }
  if (high - low <= load.precision * low)
    return {
      stop: `bracketed within ${fixed(load.precision * 100)}%: ${fixed(low)}/s met the SLOs, ${fixed(high)}/s did not`,
      knee: low,
      failing: high,
    };
  return { next: (low + high) / 2 };
}

/** Whether one step met the SLOs: its attainment (failures count as misses) reached min_attainment. */
export function stepMeetsSlo(summary: Pick<BenchSummary, 'slo_attainment'>, minAttainment: number): boolean {
  // A tolerance so that 19/20 = 0.95 passes a 0.95 bar despite floating point.
  return (summary.slo_attainment ?? 0) >= minAttainment - 1e-9;
}

const FAMILIES = ['ttft_ms', 'tpot_ms', 'itl_ms', 'e2el_ms', 'latency_ms'] as const;

/** The point of the sweep's curve one run gives. */
export function sweepStep(rate: number, summary: BenchSummary, minAttainment: number): SweepStep {
  const percentiles: SweepStep['percentiles'] = {};
  for (const family of FAMILIES) {
    const stats = summary[family];
    if (stats && stats.n > 0) percentiles[family] = { p50: stats.p50, p90: stats.p90, p99: stats.p99 };
  }
  return {
    offered_rate: rate,
    ...(summary.achieved_rate !== undefined ? { achieved_rate: summary.achieved_rate } : {}),
    requests_per_s: summary.requests_per_s,
    goodput_per_s: summary.goodput_per_s ?? 0,
    slo_attainment: summary.slo_attainment ?? 0,
    completed: summary.completed,
    failed: summary.failed,
    met: stepMeetsSlo(summary, minAttainment),
    percentiles,
  };
}

function fixed(rate: number): string {
  return Number(rate.toPrecision(4)).toString();
}
