/**
 * A distributed run's work done and left, for the coordinator's ETA: what each partition's worker
 * last said of its own (sim/twin/partition-forecast.ts), and for a partition no worker has started
 * yet, the work a keychain costs in the partitions that have said something, times its keychains
 * (partitions are statistically alike: the same scenario, split by device id). A partition done
 * counts its last word's total as done; one finished before a resumed coordinator started
 * counts nothing, as its work is neither ahead nor in the recent rate.
 * @module
 */
import type { WorkForecast } from '../sim/twin/partition-forecast.ts';

export class WorkEstimate {
  private readonly bounds: readonly number[];
  private readonly done: Float64Array;
  private readonly left: Float64Array;

  /** `bounds`: the partitions' first devices, then the device count. */
  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.done = new Float64Array(bounds.length - 1).fill(NaN);
    this.left = new Float64Array(bounds.length - 1).fill(NaN);
  }

  /** Partition p's worker's latest forecast (a redelivered partition starts again from its own). */
  note(p: number, w: WorkForecast): void {
    this.done[p] = w.done;
    this.left[p] = w.left;
  }

  /** The run's work, given which partitions are merged; undefined until a worker has said anything. */
  total(merged: (p: number) => boolean): WorkForecast | undefined {
    const n = this.done.length;
    let known = 0;
    let knownKeychains = 0;
    for (let p = 0; p < n; p++) {
      if (this.done[p] === this.done[p]) {
        known += this.done[p]! + this.left[p]!;
        knownKeychains += this.bounds[p + 1]! - this.bounds[p]!;
      }
    }
    if (knownKeychains === 0) return undefined;
    let done = 0;
    let left = 0;
    for (let p = 0; p < n; p++) {
      const said = this.done[p] === this.done[p];
      if (merged(p)) done += said ? this.done[p]! + this.left[p]! : 0;
      else if (said) {
        done += this.done[p]!;
        left += this.left[p]!;
      } else left += (known / knownKeychains) * (this.bounds[p + 1]! - this.bounds[p]!);
    }
    return { done, left };
  }
}
