/**
 * Standard normal and mean-one lognormal variates by table lookup (issue 12: "table lookups for
 * lognormal jitter"): one uniform and a linear interpolation instead of Box–Muller's log, sqrt,
 * sin and cos (and the exp of the lognormal).
 *
 * Body: the standard normal quantile Φ⁻¹ tabulated at u = i/N, N = 4096, for the central
 * 1 − 2/64 of the probability (|z| ≤ a = 2.1538), interpolated linearly in u. Within one step the
 * variate is uniform between two exact quantiles, so the distribution function is exact at every
 * node. Measured (test/sim/device/normal-table.test.ts): the quantile is within 1.03e-5 of Φ⁻¹
 * everywhere in the body (largest at its edges) and the distribution function within 4.1e-7 of Φ.
 * Tails (|z| > a, probability 1/32): exact, by Marsaglia's tail method (x = √(a² − 2 ln U₁),
 * accepted when U₂·x < a), whose first U₁ is the draw's own uniform rescaled, so a draw consumes
 * 1 uniform in the body and on average ≈ 1.33 more in the tails (acceptance 0.858; ≈ 1.04 a draw
 * overall).
 *
 * Lognormal multipliers exp(σZ − σ²/2) are tabulated per σ at the same nodes (σ are few: the
 * profile's three jitter levels and a few phone-op spreads), interpolated in u, and their body
 * scaled by the ratio of the exact body mean to the interpolated one, so the sampler's mean is 1
 * to rounding (within 1e-10 by numerical integration in the test) while the tails stay exact. The
 * scale differs from 1 by < 7.5e-7 for σ ≤ 1, and a body quantile from the exact lognormal's by
 * < 1.5e-5·σ relative (1.1e-6 at σ = 0.1).
 * @module
 */
import type { Uniform } from './sampling.ts';

/** Table steps over u ∈ [0, 1]. */
const N = 4096;
/** Nodes per tail left out of the table (the tail probability is TAIL/N = 1/64 on each side). */
const TAIL = 64;
/** Tail probability on each side (exact in binary, so rescaling u into the tail is exact). */
const P_TAIL = TAIL / N;

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/**
 * Standard normal distribution function to ≈ 1e-15 relative: the Taylor series of Φ(x) − ½ for
 * |x| ≤ 3, the Laplace continued fraction of the Mills ratio beyond (no erf in JavaScript). Used to
 * build and check the tables, not per draw.
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z);
  let upper: number; // P(Z > x)
  if (x <= 3) {
    // Φ(x) − ½ = φ(x) Σ x^(2n+1) / (2n+1)!!
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
      term *= (x * x) / (2 * n + 1);
      sum += term;
    }
    upper = 0.5 - normalPdf(x) * sum;
  } else {
    // P(Z > x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + ...)))), evaluated from depth 300 upwards.
    let f = x;
    for (let k = 300; k >= 1; k--) f = x + k / f;
    upper = normalPdf(x) / f;
  }
  return z >= 0 ? 1 - upper : upper;
}

/** Φ⁻¹(u) by Newton's method from `start` (a neighbouring quantile), to full double precision. */
function quantileFrom(u: number, start: number): number {
  let z = start;
  for (let k = 0; k < 50; k++) {
    const step = (normalCdf(z) - u) / normalPdf(z);
    z -= step;
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}

let quantiles: Float64Array | null = null;

/** Φ⁻¹(i/N) for the body nodes i = TAIL .. N − TAIL (other entries unused), built on first use. */
export function normalQuantileTable(): Float64Array {
  if (quantiles !== null) return quantiles;
  const q = new Float64Array(N + 1);
  let z = 0;
  for (let i = N / 2 + 1; i <= N - TAIL; i++) {
    z = quantileFrom(i / N, z);
    q[i] = z;
    q[N - i] = -z; // symmetric, so the sampler's mean is 0 exactly
  }
  return (quantiles = q);
}

/** |z| where the tails start: Φ⁻¹(1 − 1/64). */
function tailStart(): number {
  return normalQuantileTable()[N - TAIL]!;
}

/**
 * A normal variate beyond the tail start `a`, exact (Marsaglia 1964): x = √(a² − 2 ln U₁) has
 * density ∝ x·e^(−x²/2) on x > a, accepted with probability a/x. `v` ∈ [0, 1) is the first U₁
 * (as 1 − v); further uniforms come from `u`.
 */
function tailBeyond(a: number, v: number, u: Uniform): number {
  let u1 = 1 - v; // (0, 1]: the log is finite
  for (;;) {
    const x = Math.sqrt(a * a - 2 * Math.log(u1));
    if (u.next() * x < a) return x;
    u1 = 1 - u.next();
  }
}

/** The tail branch of a draw whose uniform `v` fell outside the table: a signed |z| > a. */
function tailDraw(v: number, u: Uniform): number {
  const a = tailStart();
  // Rescale v within its tail to [0, 1): exact, P_TAIL being a power of two.
  return v < P_TAIL ? -tailBeyond(a, v / P_TAIL, u) : tailBeyond(a, (1 - v) / P_TAIL, u);
}

/** A standard normal variate from the table (1 uniform in the body; see the module comment). */
export function tableNormal(u: Uniform): number {
  const q = quantiles ?? normalQuantileTable();
  const v = u.next();
  const x = v * N;
  const i = x | 0;
  if (i < TAIL || i >= N - TAIL) return tailDraw(v, u);
  const lo = q[i]!;
  return lo + (x - i) * (q[i + 1]! - lo);
}

/**
 * Mean-one lognormal multipliers exp(σZ − σ²/2) for one σ, by table (see the module comment).
 * Get one with {@link meanOneLognormal}; 33 kB each.
 */
export class MeanOneLognormal {
  readonly sigma: number;
  /** The body scale that makes the mean exactly 1 (the exact body mean over the interpolated one). */
  readonly scale: number;
  private readonly m: Float64Array;
  private readonly a: number;

  constructor(sigma: number) {
    if (!(sigma > 0 && sigma <= 4)) throw new RangeError(`MeanOneLognormal: sigma must be in (0, 4], got ${sigma}`);
    const q = normalQuantileTable();
    this.sigma = sigma;
    this.a = tailStart();
    const half = 0.5 * sigma * sigma;
    const m = new Float64Array(N + 1);
    let interpolated = 0;
    for (let i = TAIL; i <= N - TAIL; i++) {
      m[i] = Math.exp(sigma * q[i]! - half);
      if (i > TAIL) interpolated += (m[i - 1]! + m[i]!) / (2 * N);
    }
    // E[exp(σZ − σ²/2); −a ≤ Z ≤ a] = Φ(a − σ) − Φ(−a − σ).
    const exact = normalCdf(this.a - sigma) - normalCdf(-this.a - sigma);
    this.scale = exact / interpolated;
    for (let i = TAIL; i <= N - TAIL; i++) m[i]! *= this.scale;
    this.m = m;
  }

  /** One multiplier (1 uniform in the body; the tails are exact). */
  draw(u: Uniform): number {
    const v = u.next();
    const x = v * N;
    const i = x | 0;
    if (i < TAIL || i >= N - TAIL) return Math.exp(this.sigma * tailDraw(v, u) - 0.5 * this.sigma * this.sigma);
    const m = this.m;
    const lo = m[i]!;
    return lo + (x - i) * (m[i + 1]! - lo);
  }

  /** The sampler's quantile at u in the body (for checks): what {@link draw} returns for that uniform. */
  bodyQuantile(v: number): number {
    const x = v * N;
    const i = Math.min(x | 0, N - TAIL - 1);
    return this.m[i]! + (x - i) * (this.m[i + 1]! - this.m[i]!);
  }
}

const bySigma = new Map<number, MeanOneLognormal>();

/** The shared multiplier table of σ (built on first use; σ are few, so the cache stays small). */
export function meanOneLognormal(sigma: number): MeanOneLognormal {
  let t = bySigma.get(sigma);
  if (t === undefined) {
    t = new MeanOneLognormal(sigma);
    // A profile sweep could name many σ: past 256 tables (8 MB) build each one afresh instead.
    if (bySigma.size < 256) bySigma.set(sigma, t);
  }
  return t;
}

/** The table's node count and tail probability per side (for tests and docs). */
export const NORMAL_TABLE = Object.freeze({ steps: N, tailProbability: P_TAIL });
