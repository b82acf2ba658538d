import type { Results } from '../../schemas/results.js';
import { benchObservations } from '../gate/metric-observations.js';
import { profileRuns, type ReportInput, ruleLabel, suiteRuns } from './report-input.js';

/** One key metric over versions, oldest first. */
export interface TrendSeries {
  label: string;
  metric: string;
  points: { version: string; value: number }[];
}

/** The value of a metric over a version's runs, as the gate's "value" of a side: the mean of per-run values. */
function versionValue(
  results: readonly Results[],
  metric: string,
  profile?: string,
  suite?: string,
): number | undefined {
  if (suite !== undefined) {
    const value = suiteRuns(results, suite)[0]?.metrics[metric];
    return typeof value === 'number' ? value : undefined;
  }
  const runs = profileRuns(results, profile ?? '');
  if (runs.length === 0) return undefined;
  const observed = benchObservations(runs, metric);
  if (!observed) return undefined;
  if (observed.kind === 'rate') return observed.total === 0 ? undefined : observed.failures / observed.total;
  if (observed.kind !== 'runs' || observed.values.length === 0) return undefined;
  return observed.values.reduce((a, b) => a + b, 0) / observed.values.length;
}

/** Versions read apart even when the same one ran several times (`1.0.0`, `1.0.0 #2`). */
function distinct(versions: string[]): string[] {
  const seen = new Map<string, number>();
  return versions.map((v) => {
    const n = (seen.get(v) ?? 0) + 1;
    seen.set(v, n);
    return n === 1 ? v : `${v} #${n}`;
  });
}

/**
 * The versions a trend shows, oldest first: the last of the history then the candidate, or the baseline
 * then the candidate when there is no history; a version that ran several times is numbered.
 */
export function trendRuns(
  input: ReportInput,
  versions = 10,
): { version: string; results: readonly Results[] }[] {
  const earlier = input.history?.length
    ? input.history.slice(-(versions - 1))
    : [{ version: input.baselineVersion, results: input.baseline }];
  const runs = [...earlier, { version: input.candidateVersion, results: input.candidate }];
  const labels = distinct(runs.map((r) => r.version));
  return runs.map((run, i) => ({ version: labels[i]!, results: run.results }));
}

/**
 * The key metrics (the gate's rules; failing and inconclusive ones first) over the last versions.
 */
export function trendSeries(
  input: ReportInput,
  options: { metrics?: number; versions?: number } = {},
): TrendSeries[] {
  const { metrics = 3, versions = 10 } = options;
  const runs = trendRuns(input, versions);
  const order = { fail: 0, inconclusive: 1, pass: 2 };
  const rules = [...input.verdict.rules].sort((a, b) => order[a.verdict] - order[b.verdict]);
  const seen = new Set<string>();
  const series: TrendSeries[] = [];
  for (const rule of rules) {
    const label = ruleLabel(rule);
    if (seen.has(label) || series.length >= metrics) continue;
    seen.add(label);
    const points = runs.flatMap((run) => {
      const value = versionValue(run.results, rule.metric, rule.profile, rule.suite);
      return value === undefined ? [] : [{ version: run.version, value }];
    });
    // A metric that was zero in every version (no failures) has no trend worth a chart.
    if (points.length >= 2 && points.some((p) => p.value !== 0))
      series.push({ label, metric: rule.metric, points });
  }
  return series;
}
