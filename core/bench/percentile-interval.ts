/**
 * Distribution-free confidence interval for the p-quantile from order statistics: with B ~ Bin(n, p)
 * the number of samples below the true quantile, [X(l), X(u)] covers it with probability
 * P(l ≤ B < u). Ranks are chosen so each tail holds at most (1 − confidence)/2; a side that needs a rank
 * outside 1..n is undefined (too few samples to bound the percentile there).
 */
export function percentileRanks(
  n: number,
  p: number,
  confidence = 0.95,
): { low: number | undefined; high: number | undefined } {
  if (n <= 0) return { low: undefined, high: undefined };
  const alpha = (1 - confidence) / 2;
  const cdf = binomialCdf(n, p);
  // low: the largest l with P(B < l) = cdf(l − 1) ≤ alpha.
  const low = firstTrue(0, n - 1, (k) => cdf(k) > alpha);
  // high: the smallest u with P(B ≥ u) = 1 − cdf(u − 1) ≤ alpha.
  const beyond = firstTrue(2, n + 1, (h) => 1 - cdf(h - 2) <= alpha);
  const high = beyond > n + 1 ? n + 1 : beyond - 1;
  return { low: low >= 1 ? low : undefined, high: high <= n ? high : undefined };
}

/** The smallest x in [from, to] where a predicate that turns true once (and stays) holds; to + 1 if none. */
function firstTrue(from: number, to: number, holds: (x: number) => boolean): number {
  let low = from;
  let high = to + 1;
  // Bisection: a run of a million samples needs twenty evaluations, not a million.
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (holds(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** P(B ≤ k) for B ~ Bin(n, p); exact for small variance, normal (with continuity correction) above. */
function binomialCdf(n: number, p: number): (k: number) => number {
  const variance = n * p * (1 - p);
  if (variance > 50) {
    const sd = Math.sqrt(variance);
    return (k) => normalCdf((k + 0.5 - n * p) / sd);
  }
  // Start from the side whose P(B = 0) does not underflow, and mirror.
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const cumulative = new Float64Array(n + 1);
  let pmf = (1 - q) ** n;
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    sum += pmf;
    cumulative[k] = sum;
    pmf *= ((n - k) / (k + 1)) * (q / (1 - q));
  }
  // For the flipped count B' = n − B: P(B ≤ k) = P(B' ≥ n − k) = 1 − P(B' ≤ n − k − 1).
  return (k) => {
    if (k < 0) return 0;
    if (k >= n) return 1;
    return flip ? 1 - (n - k - 1 >= 0 ? cumulative[n - k - 1]! : 0) : Math.min(1, cumulative[k]!);
  };
}

function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes erfcc, |error| < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
