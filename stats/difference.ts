/**
 * Intervals for the difference B − A of two runs that were not replicated, from what each run
 * holds: two independent samples (Welch's t-interval), two counts of events out of trials (a
 * difference of proportions), or two estimates that each carry their own interval (combined as
 * independent). Runs with common seeds are positively correlated, so treating them as
 * independent gives intervals that are, if anything, too wide: a change called significant here
 * is one. Where neither run carries a spread, there is no interval and no claim.
 * @module
 */
import { tQuantile } from './t-dist.ts';

export interface DifferenceInterval {
  /** B − A. */
  diff: number;
  lo: number;
  hi: number;
  level: number;
  /** How the interval was obtained (printed beside it). */
  method: string;
}

/** True when the interval excludes 0 (NaN bounds never do). */
export function excludesZero(d: DifferenceInterval): boolean {
  return Number.isFinite(d.lo) && Number.isFinite(d.hi) && (d.lo > 0 || d.hi < 0);
}

function meanVar(x: ArrayLike<number>): { n: number; mean: number; v: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i]! - mean) ** 2;
  return { n, mean, v: n > 1 ? ss / (n - 1) : NaN };
}

/** Welch's interval for mean(b) − mean(a), Welch–Satterthwaite degrees of freedom. */
export function welchDifference(b: ArrayLike<number>, a: ArrayLike<number>, level = 0.95): DifferenceInterval {
  if (a.length === 0 || b.length === 0) throw new RangeError(`welch difference: no observations (A ${a.length}, B ${b.length})`);
  const A = meanVar(a);
  const B = meanVar(b);
  const diff = B.mean - A.mean;
  const sa = A.v / A.n;
  const sb = B.v / B.n;
  const se = Math.sqrt(sa + sb);
  const method = `Welch t on ${A.n} and ${B.n} values`;
  if (!(se > 0)) return { diff, lo: se === 0 ? diff : NaN, hi: se === 0 ? diff : NaN, level, method };
  const df = (sa + sb) ** 2 / (sa ** 2 / (A.n - 1) + sb ** 2 / (B.n - 1));
  const half = tQuantile(1 - (1 - level) / 2, df) * se;
  return { diff, lo: diff - half, hi: diff + half, level, method };
}

/**
 * kb/nb − ka/na with the Wald interval plus a continuity-free add-two (Agresti–Caffo) adjustment,
 * which keeps its coverage for rare events (a few failures in thousands of intents).
 */
export function proportionDifference(kb: number, nb: number, ka: number, na: number, level = 0.95): DifferenceInterval {
  if (!(na > 0) || !(nb > 0)) throw new RangeError(`proportion difference: trials must be > 0 (A ${na}, B ${nb})`);
  const pa = (ka + 1) / (na + 2);
  const pb = (kb + 1) / (nb + 2);
  const z = tQuantile(1 - (1 - level) / 2, 1e7);
  const half = z * Math.sqrt((pa * (1 - pa)) / (na + 2) + (pb * (1 - pb)) / (nb + 2));
  const diff = kb / nb - ka / na;
  return { diff, lo: pb - pa - half, hi: pb - pa + half, level, method: `Agresti–Caffo on ${ka}/${na} and ${kb}/${nb}` };
}

/**
 * B − A from two estimates with their own intervals (e.g. quantiles with order-statistic
 * intervals): each side's half-widths added in quadrature, lower and upper separately.
 */
export function combinedDifference(b: { value: number; lo: number; hi: number }, a: { value: number; lo: number; hi: number }, level = 0.95): DifferenceInterval {
  const diff = b.value - a.value;
  const down = Math.hypot(b.value - b.lo, a.hi - a.value);
  const up = Math.hypot(b.hi - b.value, a.value - a.lo);
  return { diff, lo: diff - down, hi: diff + up, level, method: 'the two runs\' intervals combined as independent' };
}
