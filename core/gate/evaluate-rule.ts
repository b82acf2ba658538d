import type { RuleVerdict, Verdict } from '../../schemas/gate-verdict.js';
import type { Direction } from '../../schemas/metrics.js';
import { seededRandom } from '../bench/random.js';
import { formatSigned as describe } from './format-change.js';
import type { Observations } from './metric-observations.js';
import { statistic } from './metric-observations.js';
import {
  type Interval,
  mean,
  normalQuantile,
  pairedBootstrap,
  pairedProportionDifference,
  proportionDifference,
  variance,
  welchInterval,
} from './statistics.js';

export interface ResolvedRule {
  metric: string;
  direction: Direction;
  limit: { kind: 'relative' | 'absolute'; value: number };
}

export interface RuleContext {
  /** Confidence of this rule's interval, after correcting for the number of rules. */
  confidence: number;
  /** Assumed relative run-to-run noise of one benchmark run. */
  runNoise: number;
}

type Decision = Pick<
  RuleVerdict,
  | 'baseline'
  | 'candidate'
  | 'change'
  | 'method'
  | 'verdict'
  | 'reason'
  | 'smallest_detectable_change'
  | 'more_repetitions'
>;

/** Comparisons at the limit allow for floating point: 0.95 − 0.94 must not read as more than 0.01. */
const TOLERANCE = 1e-9;

/**
 * The verdict rule, in "worsening" units (positive = worse) against a limit ≥ 0:
 * fail only when the whole interval is above zero (clearly worse) and the estimate is beyond the limit;
 * pass only when the whole interval is within the limit; anything else is inconclusive.
 */
export function decide(worsening: Interval, limit: number): Verdict {
  if (worsening.low > TOLERANCE && worsening.estimate > limit + TOLERANCE) return 'fail';
  if (worsening.high <= limit + TOLERANCE) return 'pass';
  return 'inconclusive';
}

/**
 * Error rates are judged by a one-sided test instead: proving a rate below 1% takes hundreds of clean
 * requests per side, so a candidate passes unless its rate is beyond the limit; beyond it, it fails
 * when clearly worse than the baseline and is inconclusive otherwise.
 */
export function decideRate(worsening: Interval, limit: number): Verdict {
  if (worsening.estimate <= limit + TOLERANCE) return 'pass';
  return worsening.low > TOLERANCE ? 'fail' : 'inconclusive';
}

/**
 * Why a rule got its verdict, in the metric's own terms: the change of the candidate against the
 * baseline (relative: candidate / baseline − 1; absolute: candidate − baseline) and its interval.
 */
function reason(
  verdict: Verdict,
  change: NonNullable<Decision['change']>,
  direction: Direction,
  limit: string,
  confidence: number,
  /** What more of would decide it: runs of a benchmark; examples of a deterministic evaluation. */
  evidence: 'runs' | 'examples' = 'runs',
): string {
  const ci = `${Math.round(confidence * 1000) / 10}% interval ${describe(change.unit, change.low)} to ${describe(change.unit, change.high)}`;
  const shown = `${describe(change.unit, change.estimate)} (${ci})`;
  const bound = `the limit of ${limit} (${direction} is better)`;
  if (verdict === 'fail') return `${shown}: clearly worse, and beyond ${bound}`;
  if (verdict === 'pass') return `${shown}: within ${bound} even at the interval's worse end`;
  return `${shown}: the interval reaches past ${bound}; more ${evidence} are needed to decide`;
}

/** How a limit reads: the worst change allowed, signed the way that is worse. */
export function describeLimit(limit: ResolvedRule['limit'], direction: Direction): string {
  const signed = direction === 'lower' ? limit.value : -limit.value;
  return describe(limit.kind, signed);
}

/** The change turned so that positive is worse, whichever direction the metric prefers. */
function worsening(change: Interval, direction: Direction): Interval {
  return direction === 'lower'
    ? change
    : { ...change, estimate: -change.estimate, low: -change.high, high: -change.low };
}

/** Standard errors between a change and the smallest one detected 80% of the time at this confidence. */
function detectableFactor(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2) + normalQuantile(0.8);
}

/** Variance of ln(statistic) within one run, by bootstrapping its requests. */
function withinRunLogVariance(samples: readonly number[], stat: string, seed: number): number {
  const random = seededRandom(seed);
  const draws: number[] = [];
  const resample = new Array<number>(samples.length);
  for (let b = 0; b < 200; b++) {
    for (let i = 0; i < samples.length; i++) resample[i] = samples[Math.floor(random() * samples.length)]!;
    const value = statistic(resample, stat);
    if (value > 0) draws.push(Math.log(value));
  }
  return variance(draws);
}

/** Per-run values (percentiles, throughputs) of two sides: Welch t, on logs for a relative limit. */
function compareRuns(
  rule: ResolvedRule,
  candidate: Observations & { kind: 'runs' },
  baseline: Observations & { kind: 'runs' },
  context: RuleContext,
): Decision {
  const relative = rule.limit.kind === 'relative';
  const sign = rule.direction === 'lower' ? 1 : -1;
  const stat = rule.metric.split('.')[1];
  const transform = (values: number[]) => (relative ? values.map((v) => Math.log(v)) : values);
  const baseMean = mean(baseline.values);
  const noise = relative ? context.runNoise ** 2 : (context.runNoise * baseMean) ** 2;
  const prior = (side: typeof candidate, seed: number) =>
    noise +
    (side.values.length === 1 && side.samples && stat && relative
      ? withinRunLogVariance(side.samples[0]!, stat, seed)
      : 0);
  const raw = welchInterval(transform(candidate.values), transform(baseline.values), context.confidence, {
    candidate: prior(candidate, 1),
    baseline: prior(baseline, 2),
  });
  const w = worsening(raw, rule.direction);
  // "10%" means up to 10% higher for a latency and down to 10% lower for a throughput (not 1/1.1).
  const limit = !relative
    ? rule.limit.value
    : sign > 0
      ? Math.log1p(rule.limit.value)
      : rule.limit.value >= 1
        ? Number.POSITIVE_INFINITY
        : -Math.log1p(-rule.limit.value);
  const verdict = decide(w, limit);
  const natural = (x: number) => (relative ? Math.expm1(x) : x);
  const change = {
    estimate: natural(raw.estimate),
    low: natural(raw.low),
    high: natural(raw.high),
    unit: rule.limit.kind,
  };
  const power = detectableFactor(context.confidence);
  const detectable = w.se === undefined ? undefined : power * w.se;
  const mdc =
    detectable === undefined ? null : relative ? Math.abs(Math.expm1(sign * detectable)) : detectable;
  let more: number | null | undefined;
  if (verdict === 'inconclusive' && w.se !== undefined && w.se > 0) {
    const half = (w.high - w.low) / 2;
    const needed = w.estimate < limit ? limit - w.estimate : w.estimate;
    const runs = Math.max(candidate.values.length, baseline.values.length);
    const total = needed > 0 ? Math.ceil(runs * (half / needed) ** 2) : Number.POSITIVE_INFINITY;
    more = Number.isFinite(total) && total - runs <= 100 ? Math.max(1, total - runs) : null;
  }
  return {
    candidate: { value: mean(candidate.values), runs: candidate.values.length, n: candidate.n },
    baseline: { value: baseMean, runs: baseline.values.length, n: baseline.n },
    change,
    method: `Welch t on ${relative ? 'log ' : ''}per-run ${rule.metric}, ${candidate.values.length} vs ${baseline.values.length} runs`,
    verdict,
    reason: reason(
      verdict,
      change,
      rule.direction,
      describeLimit(rule.limit, rule.direction),
      context.confidence,
    ),
    smallest_detectable_change: mdc,
    ...(more !== undefined ? { more_repetitions: more } : {}),
  };
}

/** Failure counts of two sides: Newcombe's score interval for the difference of rates. */
function compareRates(
  rule: ResolvedRule,
  candidate: Observations & { kind: 'rate' },
  baseline: Observations & { kind: 'rate' },
  context: RuleContext,
): Decision {
  const interval = proportionDifference(
    candidate.failures,
    candidate.total,
    baseline.failures,
    baseline.total,
    context.confidence,
  );
  const baseRate = baseline.total === 0 ? 0 : baseline.failures / baseline.total;
  const limit = rule.limit.kind === 'absolute' ? rule.limit.value : rule.limit.value * baseRate;
  const verdict = decideRate(interval, limit);
  const change = {
    estimate: interval.estimate,
    low: interval.low,
    high: interval.high,
    unit: 'absolute' as const,
  };
  const shown = `${describe('absolute', change.estimate)} (${Math.round(context.confidence * 1000) / 10}% interval ${describe('absolute', change.low)} to ${describe('absolute', change.high)})`;
  const why = {
    pass: `${shown}: within the ${limit} limit`,
    fail: `${shown}: clearly worse than the baseline and beyond the ${limit} limit`,
    inconclusive: `${shown}: beyond the ${limit} limit but not clearly worse than the baseline; more requests are needed`,
  }[verdict];
  return {
    candidate: {
      value: candidate.total === 0 ? null : candidate.failures / candidate.total,
      runs: candidate.runs,
      n: candidate.total,
    },
    baseline: { value: baseline.total === 0 ? null : baseRate, runs: baseline.runs, n: baseline.total },
    change,
    method: `one-sided test on Newcombe's interval for the difference of two rates, ${candidate.failures}/${candidate.total} vs ${baseline.failures}/${baseline.total}`,
    verdict,
    reason: why,
    smallest_detectable_change: null,
  };
}

/** The same examples scored by both versions: paired comparisons. */
function compareExamples(
  rule: ResolvedRule,
  candidate: Observations & { kind: 'examples' },
  baseline: Observations & { kind: 'examples' },
  context: RuleContext,
): Decision {
  const ids = [...candidate.scores.keys()].filter((id) => baseline.scores.has(id));
  const pairs = ids.map((id) => ({ c: candidate.scores.get(id)!, b: baseline.scores.get(id)! }));
  let interval: Interval;
  let method: string;
  let value: (side: 'c' | 'b') => number;
  if (rule.metric === 'wer' || rule.metric === 'cer') {
    const edits = (s: Record<string, number>) =>
      (s.substitutions ?? 0) + (s.deletions ?? 0) + (s.insertions ?? 0);
    const rate = (indices: ArrayLike<number>, side: 'c' | 'b') => {
      let e = 0;
      let r = 0;
      for (let i = 0; i < indices.length; i++) {
        const s = pairs[indices[i]!]![side];
        e += edits(s);
        r += s.reference ?? 0;
      }
      return r === 0 ? 0 : e / r;
    };
    interval = pairedBootstrap(pairs.length, (ix) => rate(ix, 'c') - rate(ix, 'b'), context.confidence);
    value = (side) =>
      rate(
        pairs.map((_, i) => i),
        side,
      );
    method = `paired bootstrap of the corpus ${rule.metric} difference over ${pairs.length} common examples`;
  } else if (rule.metric === 'failed_rate' || rule.metric === 'accuracy' || rule.metric === 'exact_match') {
    const outcome = (s: Record<string, number>) =>
      rule.metric === 'failed_rate' ? (s.failed ?? 0) : (s.correct ?? 0);
    const onlyC = pairs.filter((p) => outcome(p.c) === 1 && outcome(p.b) === 0).length;
    const onlyB = pairs.filter((p) => outcome(p.b) === 1 && outcome(p.c) === 0).length;
    interval = pairedProportionDifference(onlyC, onlyB, pairs.length, context.confidence);
    value = (side) => mean(pairs.map((p) => outcome(p[side])));
    method = `paired (McNemar) interval from ${onlyC} + ${onlyB} discordant of ${pairs.length} common examples`;
  } else {
    const field = (s: Record<string, number>) => s[rule.metric] ?? 0;
    const diffs = pairs.map((p) => field(p.c) - field(p.b));
    interval = pairedBootstrap(
      pairs.length,
      (ix) => {
        let sum = 0;
        for (let i = 0; i < ix.length; i++) sum += diffs[ix[i]!]!;
        return sum / ix.length;
      },
      context.confidence,
    );
    value = (side) => mean(pairs.map((p) => field(p[side])));
    method = `paired bootstrap of the mean ${rule.metric} difference over ${pairs.length} common examples`;
  }
  const w = worsening(interval, rule.direction);
  const baseValue = pairs.length ? value('b') : null;
  const limit = rule.limit.kind === 'absolute' ? rule.limit.value : rule.limit.value * (baseValue ?? 0);
  // A failure rate is judged like the benchmark's: one-sided (see decideRate).
  const judge = rule.metric === 'failed_rate' ? decideRate : decide;
  const verdict = pairs.length === 0 ? 'inconclusive' : judge(w, limit);
  const change = {
    estimate: interval.estimate,
    low: interval.low,
    high: interval.high,
    unit: 'absolute' as const,
  };
  const power = detectableFactor(context.confidence);
  return {
    candidate: { value: pairs.length ? value('c') : null, runs: candidate.runs, n: pairs.length },
    baseline: { value: baseValue, runs: baseline.runs, n: pairs.length },
    change: pairs.length ? change : null,
    method,
    verdict,
    reason:
      pairs.length === 0
        ? 'no example is in both results: they are not the same dataset'
        : reason(
            verdict,
            change,
            rule.direction,
            describeLimit({ kind: 'absolute', value: limit }, rule.direction),
            context.confidence,
            'examples',
          ),
    smallest_detectable_change: w.se === undefined ? null : power * w.se,
  };
}

/** Compares one metric of a candidate with its baseline. */
export function evaluateRule(
  rule: ResolvedRule,
  candidate: Observations,
  baseline: Observations,
  context: RuleContext,
): Decision {
  if (candidate.kind === 'runs' && baseline.kind === 'runs')
    return compareRuns(rule, candidate, baseline, context);
  if (candidate.kind === 'rate' && baseline.kind === 'rate')
    return compareRates(rule, candidate, baseline, context);
  if (candidate.kind === 'examples' && baseline.kind === 'examples')
    return compareExamples(rule, candidate, baseline, context);
  throw new Error(`cannot compare ${candidate.kind} with ${baseline.kind}`);
}
