/**
 * Statistics for simulation output: `Tally` for observations (waits, latencies) and `Level` for
 * time-weighted quantities (queue length, busy servers), after salabim's Monitor and SimPy's
 * Monitor/Tally.
 *
 * Tally keeps count, mean and variance exactly (Welford's update) and percentiles in a bounded,
 * mergeable log-bucket sketch (DDSketch, Masson et al. 2019): every quantile it returns is within
 * a relative error `alpha` (default 0.5 %) of an observation of the right rank, whatever the
 * number of observations, in memory proportional to log(max/min)/alpha buckets. Merging is exact,
 * so per-worker tallies combine into the fleet's without depending on how devices were sharded.
 * @module
 */

import type { Environment } from './environment.ts';

/** Values below this magnitude count as zero in the sketch (they still count exactly in the mean). */
const MIN_INDEXABLE = 1e-9;

/** A growable dense bucket array indexed by a signed integer. */
class Buckets {
  counts = new Float64Array(64);
  offset = 0; // counts[i] is bucket (i + offset)
  used = false;
  total = 0;

  add(index: number, n: number): void {
    if (!this.used) {
      this.offset = index - 32;
      this.used = true;
    }
    let i = index - this.offset;
    if (i < 0 || i >= this.counts.length) i = this.grow(index);
    this.counts[i] = this.counts[i]! + n;
    this.total += n;
  }

  private grow(index: number): number {
    let lo = Math.min(this.offset, index - 16);
    const hi = Math.max(this.offset + this.counts.length, index + 17);
    let size = this.counts.length;
    while (size < hi - lo) size *= 2;
    // Put the slack on the side that grew: values descending one bucket at a time must not
    // double the array at every step (the slack would all sit above, unused).
    if (index < this.offset) lo = hi - size;
    const counts = new Float64Array(size);
    counts.set(this.counts, this.offset - lo);
    this.counts = counts;
    this.offset = lo;
    return index - lo;
  }
}

export class Tally {
  readonly alpha: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  private n = 0;
  private m = 0;
  private m2 = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private zeros = 0;
  private readonly pos = new Buckets();
  private readonly neg = new Buckets();

  /** @param alpha Relative accuracy of quantiles, in (0, 1). Defaults to 0.005. */
  constructor(alpha = 0.005) {
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`Tally(alpha): expected a number in (0, 1), got ${alpha}`);
    this.alpha = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = Math.log(this.gamma);
  }

  /** Records one observation (a finite number). */
  add(x: number): void {
    if (!Number.isFinite(x)) throw new RangeError(`Tally.add(x): expected a finite number, got ${x}`);
    this.n++;
    const d = x - this.m;
    this.m += d / this.n;
    this.m2 += d * (x - this.m);
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
    if (x > MIN_INDEXABLE) this.pos.add(Math.ceil(Math.log(x) / this.logGamma), 1);
    else if (x < -MIN_INDEXABLE) this.neg.add(Math.ceil(Math.log(-x) / this.logGamma), 1);
    else this.zeros++;
  }

  get count(): number {
    return this.n;
  }
  get mean(): number {
    return this.n > 0 ? this.m : NaN;
  }
  /** Sample variance (n − 1 denominator). */
  get variance(): number {
    return this.n > 1 ? this.m2 / (this.n - 1) : NaN;
  }
  get sd(): number {
    return Math.sqrt(this.variance);
  }
  get min(): number {
    return this.n > 0 ? this.lo : NaN;
  }
  get max(): number {
    return this.n > 0 ? this.hi : NaN;
  }

  /**
   * The q-quantile (q in [0, 1]), lower-rank convention: the observation of rank floor(q·(n−1)),
   * to within relative error alpha; clamped to [min, max]. NaN when empty.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`Tally.quantile(q): expected q in [0, 1], got ${q}`);
    if (this.n === 0) return NaN;
    const rank = Math.floor(q * (this.n - 1));
    let v: number;
    if (rank < this.neg.total) {
      // Negative values: largest magnitude first.
      v = -this.valueAt(this.neg, this.neg.total - 1 - rank);
    } else if (rank < this.neg.total + this.zeros) {
      v = 0;
    } else {
      v = this.valueAt(this.pos, rank - this.neg.total - this.zeros);
    }
    return Math.min(this.hi, Math.max(this.lo, v));
  }

  /** Adds another tally's observations to this one (same alpha required). */
  merge(other: Tally): void {
    if (other.alpha !== this.alpha) throw new Error(`Tally.merge: alpha ${other.alpha} ≠ ${this.alpha}`);
    if (other.n === 0) return;
    const n = this.n + other.n;
    const d = other.m - this.m;
    this.m2 += other.m2 + (d * d * this.n * other.n) / n;
    this.m += (d * other.n) / n;
    this.n = n;
    this.lo = Math.min(this.lo, other.lo);
    this.hi = Math.max(this.hi, other.hi);
    this.zeros += other.zeros;
    for (const [mine, theirs] of [[this.pos, other.pos], [this.neg, other.neg]] as const) {
      for (let i = 0; i < theirs.counts.length; i++) {
        const c = theirs.counts[i]!;
        if (c > 0) mine.add(i + theirs.offset, c);
      }
    }
  }

  private valueAt(b: Buckets, rank: number): number {
    let acc = 0;
    for (let i = 0; i < b.counts.length; i++) {
      acc += b.counts[i]!;
      if (acc > rank) return (2 * Math.pow(this.gamma, i + b.offset)) / (this.gamma + 1);
    }
    return this.hi;
  }
}

/**
 * A time-weighted level (queue length, servers busy, state of charge): `set(v)` records that the
 * level is v from `env.now` on. Averages integrate the level over simulated time.
 */
export class Level {
  private readonly env: Environment;
  private value: number;
  private since: number;
  private readonly start: number;
  private area = 0;
  private areaSq = 0;
  private lo: number;
  private hi: number;

  constructor(env: Environment, initial = 0) {
    this.env = env;
    this.value = initial;
    this.start = env.now;
    this.since = env.now;
    this.lo = initial;
    this.hi = initial;
  }

  get current(): number {
    return this.value;
  }
  get min(): number {
    return this.lo;
  }
  get max(): number {
    return this.hi;
  }

  set(v: number): void {
    if (!Number.isFinite(v)) throw new RangeError(`Level.set(v): expected a finite number, got ${v}`);
    this.accumulate();
    this.value = v;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }

  add(delta: number): void {
    this.set(this.value + delta);
  }

  /** Time-average of the level from creation to `env.now` (the current value if no time passed). */
  get timeAverage(): number {
    this.accumulate();
    const span = this.env.now - this.start;
    return span > 0 ? this.area / span : this.value;
  }

  /** Time-weighted variance from creation to `env.now`. */
  get timeVariance(): number {
    const mean = this.timeAverage;
    const span = this.env.now - this.start;
    return span > 0 ? Math.max(0, this.areaSq / span - mean * mean) : 0;
  }

  /** Integral of the level over time (level × ms) since creation. */
  get integral(): number {
    this.accumulate();
    return this.area;
  }

  private accumulate(): void {
    const now = this.env.now;
    const dt = now - this.since;
    if (dt > 0) {
      this.area += this.value * dt;
      this.areaSq += this.value * this.value * dt;
      this.since = now;
    }
  }
}
