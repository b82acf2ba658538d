/**
 * A high-dynamic-range histogram of non-negative values with 3 significant digits: values are kept in
 * integer units (1 µs for values given in ms) in log-linear buckets of 1024 sub-buckets each, so any
 * value up to hours is stored within ±0.05% using a few tens of KB, whatever the number of samples.
 */
const SUB_BUCKET_BITS = 11;
const SUB_COUNT = 1 << SUB_BUCKET_BITS; // exact below this
const HALF = SUB_COUNT >> 1;

export class HdrHistogram {
  private counts: Float64Array = new Float64Array(SUB_COUNT + 8 * HALF);
  totalCount = 0;

  /** @param unitsPerValue integer units per value (1000 turns ms into µs). */
  constructor(private readonly unitsPerValue = 1000) {}

  record(value: number): void {
    const units = Math.max(0, Math.round(value * this.unitsPerValue));
    const index = HdrHistogram.indexOf(units);
    if (index >= this.counts.length) {
      const grown = new Float64Array(Math.max(index + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    this.counts[index]! += 1;
    this.totalCount++;
  }

  static indexOf(units: number): number {
    if (units < SUB_COUNT) return units;
    const shift = Math.floor(Math.log2(units)) - (SUB_BUCKET_BITS - 1);
    const sub = Math.floor(units / 2 ** shift); // in [HALF, SUB_COUNT)
    return SUB_COUNT + (shift - 1) * HALF + (sub - HALF);
  }

  /** The middle of the range of values that share a bucket. */
  static unitsAt(index: number): number {
    if (index < SUB_COUNT) return index;
    const shift = Math.floor((index - SUB_COUNT) / HALF) + 1;
    const sub = ((index - SUB_COUNT) % HALF) + HALF;
    const low = sub * 2 ** shift;
    return low + (2 ** shift - 1) / 2;
  }

  /** The value of the k-th smallest sample (1-based), within the histogram's precision. */
  valueAtRank(rank: number): number {
    if (this.totalCount === 0) return Number.NaN;
    const target = Math.min(Math.max(1, rank), this.totalCount);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return HdrHistogram.unitsAt(i) / this.unitsPerValue;
    }
    return Number.NaN;
  }

  /** The p-th percentile: the smallest sample with at least p% of samples at or below it. */
  valueAtPercentile(p: number): number {
    return this.valueAtRank(Math.ceil((p / 100) * this.totalCount));
  }
}
