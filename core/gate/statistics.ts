import { seededRandom } from '../bench/random.js';

/** An interval for a change, with its point estimate. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** Standard error, where the method has one: used to size the smallest detectable change. */
  se?: number;
  /** Degrees of freedom of a t interval (Infinity for normal). */
  df?: number;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * Inverse of Student's t CDF: exact for 1 and 2 degrees of freedom, a fourth-order Cornish–Fisher
 * expansion above (error < 1e-3 from 3 degrees of freedom on, far below the noise it is used against).
 */
export function tQuantile(p: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e6) return normalQuantile(p);
  if (df <= 1) return Math.tan(Math.PI * (p - 0.5));
  if (df <= 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function variance(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1);
}

/**
 * Two-sided interval for mean(candidate) − mean(baseline) from independent runs (Welch). A side with a
 * single run has no measured run-to-run variance: its `prior` (the assumed variance of one run) stands
 * in, so one run each gives a wide, honest interval rather than a falsely narrow one.
 */
export function welchInterval(
  candidate: readonly number[],
  baseline: readonly number[],
  confidence: number,
  prior: { candidate: number; baseline: number },
): Interval {
  // Repetitions run back to back, so their spread misses what changes between the baseline's session
  // and the candidate's (machine state, neighbours, thermals): it counts for no less than a quarter
  // of the assumed variance (half its standard deviation).
  const side = (values: readonly number[], priorVariance: number) => {
    // One run: the variance is assumed, not estimated, so it carries no t penalty (infinite df).
    if (values.length < 2) return { v: priorVariance, df: Number.POSITIVE_INFINITY };
    return { v: Math.max(variance(values), priorVariance / 4) / values.length, df: values.length - 1 };
  };
  const c = side(candidate, prior.candidate);
  const b = side(baseline, prior.baseline);
  const se = Math.sqrt(c.v + b.v);
  const df = se === 0 ? Number.POSITIVE_INFINITY : (c.v + b.v) ** 2 / (c.v ** 2 / c.df + b.v ** 2 / b.df);
  const estimate = mean(candidate) - mean(baseline);
  const half = tQuantile(1 - (1 - confidence) / 2, df) * se;
  return { estimate, low: estimate - half, high: estimate + half, se, df };
}

/** Wilson score interval of a proportion. */
export function wilsonInterval(successes: number, trials: number, z: number): { low: number; high: number } {
  if (trials === 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Newcombe's hybrid score interval for p₁ − p₂ (independent proportions, e.g. failure rates): well
 * behaved at zero counts, where the textbook Wald interval collapses to a point.
 */
export function proportionDifference(
  k1: number,
  n1: number,
  k2: number,
  n2: number,
  confidence: number,
): Interval {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p1 = n1 === 0 ? 0 : k1 / n1;
  const p2 = n2 === 0 ? 0 : k2 / n2;
  const a = wilsonInterval(k1, n1, z);
  const b = wilsonInterval(k2, n2, z);
  const estimate = p1 - p2;
  return {
    estimate,
    low: estimate - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
    high: estimate + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
  };
}

/**
 * Paired difference of two proportions on the same examples (accuracy of two versions): Agresti–Min
 * adjusted Wald interval from the discordant pairs, the interval that goes with McNemar's test.
 * `onlyFirst`: examples only the first got right; `onlySecond`: only the second.
 */
export function pairedProportionDifference(
  onlyFirst: number,
  onlySecond: number,
  total: number,
  confidence: number,
): Interval {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const estimate = total === 0 ? 0 : (onlyFirst - onlySecond) / total;
  const n = total + 2;
  const b = onlyFirst + 0.5;
  const c = onlySecond + 0.5;
  const centre = (b - c) / n;
  const se = Math.sqrt(b + c - (b - c) ** 2 / n) / n;
  return { estimate, low: centre - z * se, high: centre + z * se, se };
}

/**
 * Percentile bootstrap of a statistic of paired examples: resamples example indices, so the pairing
 * (the same utterance for both versions) is kept. Deterministic for a seed.
 */
export function pairedBootstrap(
  count: number,
  statistic: (indices: ArrayLike<number>) => number,
  confidence: number,
  resamples = 2000,
  seed = 1,
): Interval {
  const random = seededRandom(seed);
  const all = Array.from({ length: count }, (_, i) => i);
  const estimate = statistic(all);
  const draws = new Float64Array(resamples);
  const indices = new Uint32Array(count);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < count; i++) indices[i] = Math.floor(random() * count);
    draws[r] = statistic(indices);
  }
  draws.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) => draws[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  const se = Math.sqrt(variance(Array.from(draws)));
  return { estimate, low: at(tail), high: at(1 - tail), se };
}
