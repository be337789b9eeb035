/**
 * How much of a partition's work is done and how much is left, for the progress bar's ETA only
 * (nothing in a result depends on it). A simulated day costs what its keychains do in it, and a
 * keychain that has browned out costs a small fraction of a live one (its owner's arrivals and
 * the day-boundary sample), so a year's days get cheaper as its keychains die and an ETA from
 * simulated days alone runs long (an office-fleet year at day 177: 3.4× at the last 30 s's rate,
 * 5× at the whole run's so far).
 *
 * Work is counted in keychain-days, a dead keychain's day weighted {@link DEAD_DAY_WEIGHT}.
 * What is left is projected from a sample of the partition's keychains: a live one until its
 * brown-out at its mean load so far (partition-energy.ts liveLifeDays, the live dashboard's
 * projection), dead after. A projection, not a result: low-battery mode (which both lengthens a
 * life and makes its days cheaper) is left out.
 * @module
 */
import { DAY_MS } from '../../units/index.ts';
import type { Energy } from './partition-energy.ts';
import type { PartitionResult } from './partition-result.ts';
import { F_DEAD, type DeviceTable } from './partition-table.ts';

/**
 * Cost of a dead keychain's day relative to a live one's, measured on office-fleet (2026-12-05,
 * 3,000 keychains, 1 worker, 3 rounds): a live keychain-day 84.5 µs (14 days, every keychain
 * alive, 4.5–4.6 s less 1.0–1.1 s of start-up); a dead one 7.0 µs (cells at the smallest
 * capacity factor, all browned out by day 21: 121 days against 21, 5.1–5.2 s against 3.0–3.1 s),
 * its owner's ≈ 62 arrivals a day at ≈ 0.11 µs each.
 */
export const DEAD_DAY_WEIGHT = 0.08;

/** Keychains sampled per partition for the projection: enough for an ETA, cheap beside a day's work. */
const SAMPLE = 512;

/** A partition's progress report: simulated ms done, events so far, its work forecast. */
export type ProgressFn = (simMs: number, events: number, work: WorkForecast) => void;

export interface WorkForecast {
  /** Weighted keychain-days simulated so far (days completed). */
  done: number;
  /** Weighted keychain-days projected from now to the run's end. */
  left: number;
}

/** The partition's work after `day` completed days (its clock at that day's end, `nowMs`). */
export function forecastWork(t: DeviceTable, res: PartitionResult, energy: Energy, day: number, nowMs: number, durationDays: number): WorkForecast {
  const n = t.n;
  let done = 0;
  for (let d = 0; d < day; d++) {
    const alive = res.dayAlive[d]!;
    done += alive + DEAD_DAY_WEIGHT * (n - alive);
  }
  const nowDays = nowMs / DAY_MS;
  const rest = Math.max(0, durationDays - nowDays);
  const stride = Math.max(1, Math.floor(n / SAMPLE));
  let left = 0;
  let sampled = 0;
  for (let k = 0; k < n; k += stride) {
    sampled++;
    let alive = 0;
    if (!(t.flags[k]! & F_DEAD)) {
      const life = energy.liveLifeDays(k, nowMs, res.energyUj[k]!);
      alive = life === life ? Math.max(0, Math.min(life, durationDays) - nowDays) : rest;
    }
    left += alive + DEAD_DAY_WEIGHT * (rest - alive);
  }
  return { done, left: sampled > 0 ? (left * n) / sampled : 0 };
}
