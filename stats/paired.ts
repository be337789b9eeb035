/**
 * Paired differences: variant minus baseline, pair by pair (the same device in the same
 * replication, or the same replication's fleet metric). With common random numbers the pairs
 * share their draws, so the difference's spread is only what the variant changes; an interval on
 * the differences is far narrower than comparing two independent intervals.
 * @module
 */
import { meanInterval, significant, type MeanInterval } from './interval.ts';

export interface PairedDifference extends MeanInterval {
  /** Baseline mean over the same pairs (for a relative reading of the difference). */
  baselineMean: number;
  significant: boolean;
}

export function pairedDifference(variant: ArrayLike<number>, baseline: ArrayLike<number>, level = 0.95): PairedDifference {
  if (variant.length !== baseline.length) throw new RangeError(`paired difference: ${variant.length} variant values against ${baseline.length} baseline values (pairs must match one to one)`);
  const d = new Float64Array(variant.length);
  let base = 0;
  for (let i = 0; i < d.length; i++) {
    d[i] = variant[i]! - baseline[i]!;
    base += baseline[i]!;
  }
  const ci = meanInterval(d, level);
  return { ...ci, baselineMean: base / d.length, significant: significant(ci) };
}
