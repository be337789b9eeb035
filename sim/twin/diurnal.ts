/**
 * Arrivals that follow a daily rhythm: a non-homogeneous Poisson process whose rate is
 * piecewise constant over the 24 hours of the day. Sampled exactly by inversion of the
 * cumulative rate (draw Exp(1) of "work", walk the hourly buckets), so there is no thinning loop
 * and no rejected draws: one uniform per arrival.
 * @module
 */
import { DAY_MS, HOUR_MS } from '../../units/index.ts';

export interface Uniform {
  next(): number;
}

/**
 * Per-hour rates in events per millisecond for a given daily mean count, as a flat table the
 * sampler reads. `weights` has 24 non-negative entries, at least one positive.
 */
export function hourlyRates(perDay: number, weights: readonly number[]): Float64Array {
  if (weights.length !== 24) throw new Error(`diurnal curve needs 24 hourly weights, got ${weights.length}`);
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new Error('diurnal curve weights must have a positive sum');
  return Float64Array.from(weights, (w) => (perDay * (w / total)) / HOUR_MS);
}

/**
 * The next arrival strictly after `fromMs`, or Infinity when the rate is zero everywhere.
 * `rates` are per-hour rates from {@link hourlyRates}, multiplied by `scale` (so one table for a
 * daily count of 1 serves every device); simulated time 0 is midnight.
 */
export function nextArrival(fromMs: number, rates: Float64Array, rng: Uniform, scale = 1): number {
  let work = -Math.log(1 - rng.next()) / scale;
  let t = fromMs;
  // Safety bound: a full day carries the whole daily mass; 400 days of silence means rate 0.
  for (let guard = 0; guard < 24 * 400; guard++) {
    const hourIndex = Math.floor((t % DAY_MS) / HOUR_MS);
    const rate = rates[hourIndex]!;
    const hourEnd = (Math.floor(t / HOUR_MS) + 1) * HOUR_MS;
    const capacity = rate * (hourEnd - t);
    if (capacity >= work && rate > 0) return t + work / rate;
    work -= capacity;
    t = hourEnd;
  }
  return Infinity;
}
