import type { BenchmarkProfile } from '../../schemas/model-manifest.js';
import { gamma, type Random } from './random.js';

export type OpenLoad = Extract<BenchmarkProfile['load'], { type: 'constant' | 'poisson' | 'gamma' }>;

/**
 * The gap before the next arrival, in ms, for an open-loop load of mean rate λ: constant spacing 1/λ;
 * Poisson = exponential gaps; gamma with shape b and scale 1/(bλ), so the mean stays 1/λ and the
 * coefficient of variation is 1/√b (b = 1 is Poisson, b < 1 burstier, b > 1 smoother).
 */
export function arrivalGaps(load: OpenLoad, random: Random): () => number {
  const meanMs = 1000 / load.rate;
  switch (load.type) {
    case 'constant':
      return () => meanMs;
    case 'poisson':
      return () => -Math.log(1 - random()) * meanMs;
    case 'gamma':
      return () => gamma(random, load.burstiness, meanMs / load.burstiness);
  }
}

/** Scheduled send times (ms from the start) of `count` arrivals, or of all arrivals before `untilMs`. */
export function arrivalSchedule(
  load: OpenLoad,
  random: Random,
  limit: { count: number } | { untilMs: number },
): number[] {
  const next = arrivalGaps(load, random);
  const times: number[] = [];
  // The first request goes at once; the gaps follow it.
  let t = 0;
  for (;;) {
    if ('count' in limit ? times.length >= limit.count : t >= limit.untilMs) return times;
    times.push(t);
    t += next();
  }
}
