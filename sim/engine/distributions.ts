/**
 * Random variates as plain functions of an {@link Rng}: no state of their own, so a variate drawn
 * from a device's stream depends only on that stream. Parameters are validated by sampler.ts
 * (the declarative form scenarios use); these functions trust their arguments for speed.
 *
 * Every continuous variate uses `1 - rng.next()`, which is in (0, 1], where a logarithm is needed,
 * so no variate is ever infinite.
 * @module
 */

import type { Rng } from './rng.ts';

const TWO_PI = 2 * Math.PI;

/** Uniform on [min, max). */
export function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng.next();
}

/** Exponential with the given mean (rate 1/mean): `-mean · ln(U)`, U in (0, 1]. */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/** Normal(mu, sigma) by Box–Muller (two uniforms per variate; no hidden cached second value). */
export function normal(rng: Rng, mu: number, sigma: number): number {
  const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
  return mu + sigma * r * Math.cos(TWO_PI * rng.next());
}

/** Lognormal: `exp(Normal(mu, sigma))`; mu and sigma are those of the underlying normal. */
export function lognormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(normal(rng, mu, sigma));
}

/** Underlying (mu, sigma) of a lognormal from its median and log-scale sigma: mu = ln(median). */
export function lognormalFromMedian(median: number, sigma: number): { mu: number; sigma: number } {
  return { mu: Math.log(median), sigma };
}

/**
 * Underlying (mu, sigma) of a lognormal with the given mean and coefficient of variation
 * (sd / mean): sigma² = ln(1 + cv²), mu = ln(mean) − sigma²/2.
 */
export function lognormalFromMeanCv(mean: number, cv: number): { mu: number; sigma: number } {
  const s2 = Math.log(1 + cv * cv);
  return { mu: Math.log(mean) - s2 / 2, sigma: Math.sqrt(s2) };
}

/**
 * Geometric on {1, 2, ...}: the number of Bernoulli(p) trials up to and including the first
 * success, P(k) = (1-p)^(k-1) p, mean 1/p. Inversion: 1 + floor(ln U / ln(1-p)).
 */
export function geometric(rng: Rng, p: number): number {
  if (p >= 1) return 1;
  return 1 + Math.floor(Math.log(1 - rng.next()) / Math.log1p(-p));
}

/** Triangular on [min, max] with the given mode, by inversion. */
export function triangular(rng: Rng, min: number, mode: number, max: number): number {
  const u = rng.next();
  const range = max - min;
  const cut = (mode - min) / range;
  if (u < cut) return min + Math.sqrt(u * range * (mode - min));
  return max - Math.sqrt((1 - u) * range * (max - mode));
}

/** Gamma(shape k, scale θ), mean kθ: Marsaglia–Tsang (2000), with the u^(1/k) boost for k < 1. */
export function gamma(rng: Rng, shape: number, scale: number): number {
  if (shape < 1) {
    const boost = Math.pow(1 - rng.next(), 1 / shape);
    return gamma(rng, shape + 1, scale) * boost;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng, 0, 1);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/** Weibull(shape k, scale λ) by inversion: λ · (−ln U)^(1/k). */
export function weibull(rng: Rng, shape: number, scale: number): number {
  return scale * Math.pow(-Math.log(1 - rng.next()), 1 / shape);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  // prettier-ignore
  const C = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  x -= 1;
  let a = C[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += C[i]! / (x + i);
  return 0.5 * Math.log(TWO_PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Poisson with the given mean. Mean < 10: multiplication of uniforms (Knuth). Mean ≥ 10: PTRS,
 * Hörmann's transformed rejection with squeeze (1993), as NumPy uses.
 */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean < 10) {
    const limit = Math.exp(-mean);
    let k = 0;
    let prod = rng.next();
    while (prod >= limit) {
      k++;
      prod *= rng.next();
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = 1 - rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logGamma(k + 1)) {
      return k;
    }
  }
}

/** true with probability p. */
export function bernoulli(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/**
 * Walker/Vose alias table: O(1) sampling of an index with probability proportional to its weight.
 */
export class AliasTable {
  readonly size: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  /** @param weights Non-negative, finite, with a positive sum. */
  constructor(weights: readonly number[]) {
    const n = weights.length;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0 && w < Infinity)) throw new RangeError(`AliasTable: weights[${i}] must be a finite number ≥ 0, got ${w}`);
      sum += w;
    }
    if (n === 0 || !(sum > 0)) throw new RangeError('AliasTable: weights must be non-empty with a positive sum');
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = weights.map((w) => (w * n) / sum);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = n - 1; i >= 0; i--) (scaled[i]! < 1 ? small : large).push(i);
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    // Leftovers are 1 up to rounding.
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  /** An index in [0, size). */
  sample(rng: Rng): number {
    const i = rng.nextInt(this.size);
    return rng.next() < this.prob[i]! ? i : this.alias[i]!;
  }
}

/**
 * Continuous distribution given by points of its CDF, linearly interpolated between them
 * (inverse-CDF sampling). `xs` strictly increasing; `ps` non-decreasing from 0 to 1.
 */
export class PiecewiseCdf {
  private readonly xs: Float64Array;
  private readonly ps: Float64Array;

  constructor(xs: readonly number[], ps: readonly number[]) {
    this.xs = Float64Array.from(xs);
    this.ps = Float64Array.from(ps);
  }

  /** The quantile at probability u in [0, 1]. */
  quantile(u: number): number {
    const ps = this.ps;
    const xs = this.xs;
    let lo = 0;
    let hi = ps.length - 1;
    // Largest lo with ps[lo] <= u, then interpolate on [lo, lo+1].
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ps[mid]! <= u) lo = mid;
      else hi = mid;
    }
    const p0 = ps[lo]!;
    const p1 = ps[hi]!;
    if (p1 === p0) return xs[hi]!;
    return xs[lo]! + ((u - p0) / (p1 - p0)) * (xs[hi]! - xs[lo]!);
  }

  sample(rng: Rng): number {
    return this.quantile(rng.next());
  }
}
