import { describe, expect, it } from 'vitest';
import { arrivalSchedule } from '../../core/bench/arrivals.js';
import { HdrHistogram } from '../../core/bench/hdr-histogram.js';
import { latencyStats } from '../../core/bench/latency-stats.js';
import { percentileRanks } from '../../core/bench/percentile-interval.js';
import { seededRandom } from '../../core/bench/random.js';

function gapStats(times: number[]) {
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length - 1));
  return { mean, cv: sd / mean };
}

describe('HDR histogram', () => {
  it('keeps every value within 0.05% and is exact below 2.048 ms', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const value = random() * 10 ** (random() * 7 - 2);
      const h = new HdrHistogram();
      h.record(value);
      const back = h.valueAtRank(1);
      expect(Math.abs(back - value)).toBeLessThanOrEqual(Math.max(0.0005, value * 0.0005));
    }
  });

  it('gives the smallest sample with at least p% at or below it', () => {
    const h = new HdrHistogram();
    for (let i = 1; i <= 100; i++) h.record(i);
    expect(h.valueAtPercentile(50)).toBeCloseTo(50, 1);
    expect(h.valueAtPercentile(99)).toBeCloseTo(99, 1);
    expect(h.valueAtPercentile(100)).toBeCloseTo(100, 1);
  });
});

describe('percentile confidence intervals', () => {
  it('match the textbook order statistics for the median of 100 samples (40th and 61st)', () => {
    expect(percentileRanks(100, 0.5)).toEqual({ low: 40, high: 61 });
  });

  it('cannot bound p99 from 100 samples, and can from 1000', () => {
    expect(percentileRanks(100, 0.99).high).toBeUndefined();
    const ranks = percentileRanks(1000, 0.99);
    expect(ranks.low).toBeGreaterThanOrEqual(980);
    expect(ranks.high).toBeLessThanOrEqual(1000);
  });

  it('covers the true quantile about 95% of the time (simulated)', () => {
    const random = seededRandom(3);
    let covered = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const values = Array.from({ length: 200 }, () => -Math.log(1 - random()));
      const stats = latencyStats(values)!;
      const truth = Math.log(10); // p90 of Exp(1)
      if (stats.ci.p90.low! <= truth && truth <= stats.ci.p90.high!) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.92);
  });

  it('flags the percentiles too few samples can state, instead of p90 = p99 = max', () => {
    const stats = latencyStats([5, 6, 7, 8, 9])!;
    expect(stats.too_few_samples).toEqual(['p50', 'p90', 'p95', 'p99']);
    expect(stats.ci.p99).toEqual({ low: expect.any(Number), high: null });
    expect(latencyStats([])).toBeUndefined();
  });
});

describe('open-loop arrivals', () => {
  const schedule = (load: Parameters<typeof arrivalSchedule>[0], seed = 11) =>
    arrivalSchedule(load, seededRandom(seed), { count: 20_000 });

  it('constant: gaps of exactly 1/rate', () => {
    const { mean, cv } = gapStats(schedule({ type: 'constant', rate: 50 }));
    expect(mean).toBeCloseTo(20, 6);
    expect(cv).toBeLessThan(1e-9);
  });

  it('poisson: mean 1/rate and coefficient of variation 1', () => {
    const { mean, cv } = gapStats(schedule({ type: 'poisson', rate: 100 }));
    expect(mean).toBeGreaterThan(9.7);
    expect(mean).toBeLessThan(10.3);
    expect(cv).toBeGreaterThan(0.97);
    expect(cv).toBeLessThan(1.03);
  });

  it.each([0.25, 4])('gamma with burstiness %s: mean 1/rate and CV 1/√b', (b) => {
    const { mean, cv } = gapStats(schedule({ type: 'gamma', rate: 100, burstiness: b }));
    expect(Math.abs(mean - 10) / 10).toBeLessThan(0.04);
    expect(Math.abs(cv - 1 / Math.sqrt(b)) / (1 / Math.sqrt(b))).toBeLessThan(0.05);
  });

  it('is reproducible from its seed and stops at the duration', () => {
    const a = arrivalSchedule({ type: 'poisson', rate: 10 }, seededRandom(5), { untilMs: 10_000 });
    const b = arrivalSchedule({ type: 'poisson', rate: 10 }, seededRandom(5), { untilMs: 10_000 });
    expect(a).toEqual(b);
    expect(a.at(-1)!).toBeLessThan(10_000);
  });
});
