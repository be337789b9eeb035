/**
 * Confidence intervals for a mean from independent observations: the t-interval
 * mean ± t(1 − α/2, n − 1) · s / √n, with s the sample standard deviation (n − 1 divisor).
 * Used across replications (each replication's fleet metric is one observation) and for paired
 * differences (each pair's difference is one observation).
 * @module
 */
import { tQuantile } from './t-dist.ts';

export interface MeanInterval {
  /** Observations the interval is built from. */
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 divisor); NaN when n < 2. */
  sd: number;
  /** Bounds of the interval; NaN when n < 2 (one observation says nothing about its spread). */
  lo: number;
  hi: number;
  level: number;
}

export function meanInterval(values: ArrayLike<number>, level = 0.95): MeanInterval {
  const n = values.length;
  if (n === 0) throw new RangeError('mean interval: no observations');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: NaN, lo: NaN, hi: NaN, level };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, lo: mean - half, hi: mean + half, level };
}

/** True when the interval excludes 0 (a difference distinguishable from none at its level). */
export function significant(ci: MeanInterval): boolean {
  return Number.isFinite(ci.lo) && (ci.lo > 0 || ci.hi < 0);
}
