/**
 * Label placement along one axis: labels that would print on top of each other (traced devices
 * ending at the same state of charge, stacked series ending close) are pushed apart to at least
 * `gap`, as little as possible, and kept within [lo, hi] when there is room.
 * @module
 */

/** Positions for `values` (any order, returned in the same order) at least `gap` apart. */
export function dodge(values: readonly number[], gap: number, lo = -Infinity, hi = Infinity): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v || a.i - b.i);
  const pos = order.map((o) => o.v);
  // Forward: each at least gap above the previous; backward: pull the top ones under hi.
  for (let j = 0; j < pos.length; j++) pos[j] = Math.max(pos[j]!, j > 0 ? pos[j - 1]! + gap : lo);
  for (let j = pos.length - 1; j >= 0; j--) pos[j] = Math.min(pos[j]!, j < pos.length - 1 ? pos[j + 1]! - gap : hi);
  // A pile taller than [lo, hi] cannot fit: keep the gap and let it run under lo.
  const out = new Array<number>(values.length);
  order.forEach((o, j) => (out[o.i] = pos[j]!));
  return out;
}
