/**
 * Percentiles of a sample with distribution-free confidence intervals: the interval between the
 * order statistics whose ranks bracket q·n ± z·sqrt(n·q·(1−q)) (normal approximation to the
 * binomial; Conover, Practical Nonparametric Statistics, §3.2). The point estimate is d3.quantile's
 * (R-7, linear interpolation between order statistics), the one definition the charts, report,
 * dashboard and the Tally sketch share.
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
  const value = r7(sorted, q);
  // In tiny samples the bracketing order statistics can sit on one side of the interpolated value.
  return { value, lo: Math.min(value, at(Math.floor(q * n - half) - 1)), hi: Math.max(value, at(Math.ceil(q * n + half) - 1)) };
}

export function sortedFinite(values: Float64Array): Float64Array {
  const out = values.filter((v) => Number.isFinite(v));
  return out.sort();
}

/** R-7 (d3.quantileSorted): linear interpolation at rank (n − 1)·q. */
function r7(sorted: Float64Array, q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const a = sorted[lo]!;
  return a + (sorted[Math.min(sorted.length - 1, lo + 1)]! - a) * (i - lo);
}
