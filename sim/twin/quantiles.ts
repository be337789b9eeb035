/**
 * Percentiles of a sample with distribution-free confidence intervals: the interval between the
 * order statistics whose ranks bracket q·n ± z·sqrt(n·q·(1−q)) (normal approximation to the
 * binomial; Conover, Practical Nonparametric Statistics, §3.2).
 * @module
 */
import type { Estimate } from '../../results/index.ts';

const Z95 = 1.959964;

/** `sorted` must be ascending and free of NaN. */
export function quantileWithCi(sorted: Float64Array, q: number): Estimate {
  const n = sorted.length;
  if (n === 0) return { value: NaN, lo: NaN, hi: NaN };
  const at = (rank: number) => sorted[Math.min(n - 1, Math.max(0, rank))]!;
  const half = Z95 * Math.sqrt(n * q * (1 - q));
  return {
    value: at(Math.ceil(q * n) - 1),
    lo: at(Math.floor(q * n - half) - 1),
    hi: at(Math.ceil(q * n + half) - 1),
  };
}

export function sortedFinite(values: Float64Array): Float64Array {
  const out = values.filter((v) => Number.isFinite(v));
  return out.sort();
}
