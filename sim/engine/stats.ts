/**
 * Time-weighted statistics for simulation output: `Level` for quantities that hold a value over
 * time (queue length, busy servers), after salabim's Monitor and SimPy's Monitor. Observations
 * (waits, latencies) go to `Tally` (tally.ts).
 * @module
 */
import type { Environment } from './environment.ts';

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
