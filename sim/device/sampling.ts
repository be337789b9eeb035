/**
 * The few random variates the device physics needs, drawn from a minimal uniform source so that
 * sim/device does not depend on the engine's Rng class (any `{ next(): number }` works, e.g. an
 * engine stream). Each function consumes a documented number of uniforms, so the draw sequence is
 * stable and a run is reproducible.
 * @module
 */

/** A source of uniform doubles in [0, 1). */
export interface Uniform {
  next(): number;
}

/** 90 % central interval of a standard normal: ±1.6449. */
export const Z95 = 1.6448536269514722;

/**
 * A uniform source that also hands out standard normals itself, e.g. both variates of each
 * Box–Muller pair (see {@link boxMullerPair}): one pair of uniforms per two normals.
 */
export interface NormalSource extends Uniform {
  nextNormal(): number;
}

/**
 * A standard normal variate: from the source's own `nextNormal` when it is a {@link NormalSource},
 * else by Box–Muller (cosine branch; consumes 2 uniforms).
 */
export function standardNormal(u: Uniform): number {
  if ((u as Partial<NormalSource>).nextNormal !== undefined) return (u as NormalSource).nextNormal();
  const u1 = 1 - u.next(); // (0, 1]: log is finite
  const u2 = u.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Both variates of one Box–Muller pair from 2 uniforms: returns the cosine one (the same number
 * standardNormal draws from a plain uniform source) and writes the sine one, independent of it,
 * to `spare[index]` for the caller to hand out next.
 */
export function boxMullerPair(u: Uniform, spare: Float64Array, index: number): number {
  const r = Math.sqrt(-2 * Math.log(1 - u.next()));
  const a = 2 * Math.PI * u.next();
  spare[index] = r * Math.sin(a);
  return r * Math.cos(a);
}

/**
 * A lognormal multiplier with mean 1 and log-sd `sigma` (exp(σZ − σ²/2)), so jitter never shifts
 * the mean of the figure it multiplies. Consumes 2 uniforms (none when sigma is 0).
 */
export function meanOneJitter(u: Uniform, sigma: number): number {
  if (sigma === 0) return 1;
  return Math.exp(sigma * standardNormal(u) - 0.5 * sigma * sigma);
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
