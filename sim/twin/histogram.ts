/**
 * A log-binned histogram with integer counts: percentiles to within 0.5 % relative error, at a
 * fixed memory cost, and — because counts are integers — identical whatever order the samples
 * arrive in or how the fleet is split across workers (merging is exact addition).
 * @module
 */

/** Relative bin width: a value is reported as its bin's geometric centre, within ±0.5 %. */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Smallest positive value resolved; smaller values share bin 0. */
const MIN_VALUE = 1e-3;

export class Histogram {
  readonly counts: Float64Array;
  count = 0;
  /** Sum in fixed point (1e-6 units) so merging stays exact. */
  private sumMicro = 0;
  private readonly bins: number;

  /** @param maxValue The largest value expected; larger ones land in the last bin. */
  constructor(maxValue = 1e9) {
    this.bins = Math.ceil(Math.log(maxValue / MIN_VALUE) / LOG_GROWTH) + 2;
    this.counts = new Float64Array(this.bins);
  }

  add(value: number): void {
    const i = value <= MIN_VALUE ? 0 : Math.min(this.bins - 1, 1 + Math.floor(Math.log(value / MIN_VALUE) / LOG_GROWTH));
    this.counts[i]! += 1;
    this.count += 1;
    this.sumMicro += Math.round(value * 1e6);
  }

  merge(other: Histogram): void {
    if (other.bins !== this.bins) throw new Error('Histogram.merge: bin layouts differ');
    for (let i = 0; i < this.bins; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sumMicro += other.sumMicro;
  }

  get mean(): number {
    return this.count ? this.sumMicro / 1e6 / this.count : NaN;
  }

  /** The q-quantile (0..1), as the centre of the bin that holds it. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.bins; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === 0 ? MIN_VALUE : MIN_VALUE * Math.pow(GROWTH, i - 0.5);
    }
    return NaN;
  }

  toJSON(): { count: number; sumMicro: number; nonzero: [number, number][] } {
    const nonzero: [number, number][] = [];
    for (let i = 0; i < this.bins; i++) if (this.counts[i]) nonzero.push([i, this.counts[i]!]);
    return { count: this.count, sumMicro: this.sumMicro, nonzero };
  }

  static fromJSON(json: { count: number; sumMicro: number; nonzero: [number, number][] }, maxValue = 1e9): Histogram {
    const h = new Histogram(maxValue);
    for (const [i, c] of json.nonzero) h.counts[i] = c;
    h.count = json.count;
    h.sumMicro = json.sumMicro;
    return h;
  }
}
