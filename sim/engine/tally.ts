/**
 * Tally: observations (latencies, waits, battery life) summarised in a log-binned histogram with
 * integer counts. Percentiles come to within 0.5 % relative error at a fixed memory cost, and,
 * because counts are integers and the sum is kept in fixed point, the result is the same whatever
 * order the observations arrive in or how they were split across workers (merging is exact
 * addition). This is the one mergeable quantile sketch: the fleet (sim/twin), the cloud model
 * (sim/cloud) and the load generator use it.
 * @module
 */

/** Relative bin width: a value is reported as its bin's geometric centre, within ±0.5 %. */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Smallest positive value resolved; smaller values (and 0) share bin 0, reported as this value. */
const MIN_VALUE = 1e-3;

export interface TallyJson {
  count: number;
  sumMicro: number;
  min: number | null;
  max: number | null;
  nonzero: [number, number][];
}

export class Tally {
  readonly counts: Float64Array;
  count = 0;
  /** Sum in fixed point (1e-6 units) so merging stays exact. */
  private sumMicro = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private readonly bins: number;

  /** @param maxValue The largest value expected; larger ones land in the last bin. */
  constructor(maxValue = 1e9) {
    this.bins = Math.ceil(Math.log(maxValue / MIN_VALUE) / LOG_GROWTH) + 2;
    this.counts = new Float64Array(this.bins);
  }

  /** Records one observation: a finite number ≥ 0 (a duration, a size, a lifetime). */
  add(value: number): void {
    if (!(value >= 0 && value < Infinity)) throw new RangeError(`Tally.add(x): expected a finite number ≥ 0, got ${value}`);
    const i = value <= MIN_VALUE ? 0 : Math.min(this.bins - 1, 1 + Math.floor(Math.log(value / MIN_VALUE) / LOG_GROWTH));
    this.counts[i]! += 1;
    this.count += 1;
    this.sumMicro += Math.round(value * 1e6);
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
  }

  merge(other: Tally): void {
    if (other.bins !== this.bins) throw new Error('Tally.merge: bin layouts differ (different maxValue)');
    for (let i = 0; i < this.bins; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sumMicro += other.sumMicro;
    this.lo = Math.min(this.lo, other.lo);
    this.hi = Math.max(this.hi, other.hi);
  }

  get mean(): number {
    return this.count ? this.sumMicro / 1e6 / this.count : NaN;
  }
  /** The smallest and largest observations, exactly; NaN when empty. */
  get min(): number {
    return this.count ? this.lo : NaN;
  }
  get max(): number {
    return this.count ? this.hi : NaN;
  }

  /**
   * The q-quantile (q in [0, 1]) by d3.quantile's definition (R-7: linear interpolation between
   * the observations of 0-based ranks floor(h) and floor(h) + 1, h = (n − 1)·q), each observation
   * taken as the centre of its bin. So on values that sit at bin centres it is d3.quantile
   * exactly, and the charts (charts/format.ts quantileSorted) and the summary agree. NaN when empty.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`Tally.quantile(q): expected q in [0, 1], got ${q}`);
    if (this.count === 0) return NaN;
    const h = (this.count - 1) * q;
    const r0 = Math.floor(h);
    const v0 = this.atRank(r0);
    if (r0 === h) return v0;
    const v1 = this.atRank(r0 + 1);
    return v0 + (v1 - v0) * (h - r0);
  }

  /** The bin centre of the observation of 0-based rank `rank`. */
  private atRank(rank: number): number {
    let seen = 0;
    for (let i = 0; i < this.bins; i++) {
      seen += this.counts[i]!;
      if (seen > rank) return i === 0 ? MIN_VALUE : MIN_VALUE * Math.pow(GROWTH, i - 0.5);
    }
    return NaN;
  }

  toJSON(): TallyJson {
    const nonzero: [number, number][] = [];
    for (let i = 0; i < this.bins; i++) if (this.counts[i]) nonzero.push([i, this.counts[i]!]);
    return { count: this.count, sumMicro: this.sumMicro, min: this.count ? this.lo : null, max: this.count ? this.hi : null, nonzero };
  }

  static fromJSON(json: TallyJson, maxValue = 1e9): Tally {
    const t = new Tally(maxValue);
    for (const [i, c] of json.nonzero) t.counts[i] = c;
    t.count = json.count;
    t.sumMicro = json.sumMicro;
    t.lo = json.min ?? Infinity;
    t.hi = json.max ?? -Infinity;
    return t;
  }
}
