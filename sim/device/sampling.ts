/**
 * The few random variates the device physics needs, drawn from a minimal uniform source so that
 * sim/device does not depend on the engine's Rng class (any `{ next(): number }` works, e.g. an
 * engine stream). Each function consumes a documented number of uniforms (a number fixed by the
 * uniforms themselves), so the draw sequence is stable and a run is reproducible.
 * @module
 */
import { meanOneLognormal, tableNormal } from './normal-table.ts';

/** A source of uniform doubles in [0, 1). */
export interface Uniform {
  next(): number;
}

/** 90 % central interval of a standard normal: ±1.6449. */
export const Z95 = 1.6448536269514722;

/**
 * A standard normal variate by table lookup (normal-table.ts): 1 uniform, or a few more in the
 * 1/32 of draws that fall in the exact tails.
 */
export function standardNormal(u: Uniform): number {
  return tableNormal(u);
}

/**
 * A lognormal multiplier with mean 1 and log-sd `sigma` (exp(σZ − σ²/2)), so jitter never shifts
 * the mean of the figure it multiplies: from σ's multiplier table (normal-table.ts), mean 1 to
 * rounding. Consumes 1 uniform, a few more in the tails (none when sigma is 0). A hot caller
 * should keep `meanOneLognormal(sigma)` rather than look it up per draw.
 */
export function meanOneJitter(u: Uniform, sigma: number): number {
  if (sigma === 0) return 1;
  return meanOneLognormal(sigma).draw(u);
}

/**
 * Number of trials up to and including the first success, N ~ Geometric(p) on {1, 2, ...}, by
 * inversion (consumes 1 uniform): P(N > k) = (1 − p)^k. Returns Infinity for p = 0.
 */
export function geometricTrials(u: Uniform, p: number): number {
  if (p >= 1) {
    u.next();
    return 1;
  }
  if (p <= 0) {
    u.next();
    return Infinity;
  }
  return Math.floor(Math.log(1 - u.next()) / Math.log1p(-p)) + 1;
}

/**
 * The log-sd of a lognormal whose 5th and 95th percentiles are `lo` and `hi` (a cited range read as
 * a 90 % interval).
 */
export function sigmaFromRange(lo: number, hi: number): number {
  return lo > 0 && hi > lo ? Math.log(hi / lo) / (2 * Z95) : 0;
}
