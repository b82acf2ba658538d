import type { BenchResults, SweepStep } from '../../schemas/bench-results.js';
import type { BenchmarkProfile } from '../../schemas/model-manifest.js';
import { GantryError } from '../errors.js';
import type { BenchRun } from './run-benchmark.js';
import { nextSweepRate, type SweepLoad, sweepStep } from './sweep-plan.js';

/**
 * A rate sweep: each step is an open-loop run of the profile's requests at one offered rate, the
 * next rate chosen by nextSweepRate from the steps so far. The results file holds the knee's run
 * (summary and samples, for the gate) and the whole curve in `sweep`.
 */
export async function runSweep(
  run: BenchRun,
  steady: (run: BenchRun) => Promise<BenchResults>,
): Promise<BenchResults> {
  const load = run.profile.load as SweepLoad;
  if (!run.profile.slo)
    throw new GantryError('bench.slo', 'a sweep needs SLOs to know which rate is too high: give --slo');
  const steps: SweepStep[] = [];
  const runs: BenchResults[] = [];
  let decision = nextSweepRate(load, steps);
  while ('next' in decision && !run.signal.aborted) {
    const rate = decision.next;
    const profile: BenchmarkProfile = {
      ...run.profile,
      load: {
        type: load.arrivals,
        rate,
        ...(load.max_concurrency !== undefined ? { max_concurrency: load.max_concurrency } : {}),
      },
      // The server is warm after the first step.
      warmup: steps.length === 0 ? run.profile.warmup : 0,
    };
    const label = `step ${steps.length + 1} at ${Number(rate.toPrecision(4))}/s`;
    const results = await steady({
      ...run,
      profile,
      onProgress: run.onProgress && ((p) => run.onProgress!({ ...p, step: label })),
    });
    runs.push(results);
    if (results.interrupted) break;
    steps.push(sweepStep(rate, results.summary, load.min_attainment));
    decision = nextSweepRate(load, steps);
  }
  if (runs.length === 0)
    throw new GantryError('bench.interrupted', 'the sweep stopped before its first step');
  const stopped =
    'stop' in decision ? decision : { stop: 'interrupted', knee: undefined, failing: undefined };
  const reported = reportedStep(steps, stopped.knee, runs.length);
  const shown = runs[reported]!;
  return {
    ...shown,
    profile: run.profile,
    started_at: runs[0]!.started_at,
    finished_at: runs[runs.length - 1]!.finished_at,
    sweep: {
      knee_rate: stopped.knee ?? null,
      failing_rate: stopped.failing ?? null,
      stopped: run.signal.aborted ? `interrupted: ${String(run.signal.reason ?? 'stopped')}` : stopped.stop,
      reported_step: reported,
      steps,
    },
    ...(run.signal.aborted ? { interrupted: String(run.signal.reason ?? 'stopped') } : {}),
  };
}

/** The step whose run the file holds: the knee's, else the lowest rate tried (or the last, if cut short). */
function reportedStep(steps: readonly SweepStep[], knee: number | undefined, runs: number): number {
  if (steps.length < runs) return runs - 1;
  const at = knee === undefined ? -1 : steps.findIndex((s) => s.offered_rate === knee && s.met);
  if (at >= 0) return at;
  let lowest = 0;
  for (let i = 1; i < steps.length; i++) if (steps[i]!.offered_rate < steps[lowest]!.offered_rate) lowest = i;
  return lowest;
}
