/**
 * The order statistics of firmware/bench/portable/ktbench.c, defined identically here so keytwin
 * can recompute a row from its samples (the contract test checks C and TypeScript agree) and the
 * round-trip generator can print rows the way the firmware does.
 * @module
 */

export interface OrderStats {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
  readonly sd: number;
}

/** median: middle sample, or the floor of the mean of the two middle ones; p95: nearest rank ceil(0.95 n); sd: n-1. */
export function orderStats(values: readonly number[]): OrderStats {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) throw new RangeError('orderStats: no samples');
  const median = n % 2 ? v[(n - 1) / 2]! : Math.floor((v[n / 2 - 1]! + v[n / 2]!) / 2);
  const rank = Math.max(1, Math.ceil(0.95 * n));
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, min: v[0]!, median, p95: v[rank - 1]!, max: v[n - 1]!, mean, sd };
}
