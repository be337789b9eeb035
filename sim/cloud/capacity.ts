/**
 * "What capacity keeps p99 under X ms": for each station, the fewest servers whose worst daily
 * p99 latency stays at or under the target with no request turned away by a full waiting room
 * (rate-limit rejections are policy, not capacity). The search doubles the server count until
 * the target holds, then bisects; every evaluation replays the same arrivals and service times
 * (common random numbers: a station's streams do not depend on its server count), so the
 * answer is reproducible and monotone in practice.
 * @module
 */
import type { FleetActivity } from '../../results/index.ts';
import { STATIONS, type CloudConfig, type StationName } from './config.ts';
import type { StationSummary } from '../../results/index.ts';
import { simulateCloud } from './simulate.ts';

export interface CapacityRow {
  station: StationName;
  /** Servers in the config, and how that config does. */
  servers: number;
  worstDayP99Ms: number;
  queueFull: number;
  /** Fewest servers meeting the target, or null if even `maxServers` does not. */
  needed: number | null;
  /** The station with `needed` servers (or `maxServers` when none meets the target). */
  atNeeded: StationSummary;
  /** Simulations run for this station. */
  evaluations: number;
}

export interface CapacityOptions {
  p99Ms: number;
  stations?: readonly StationName[];
  /** Upper bound of the search. Default 4096. */
  maxServers?: number;
}

export function capacitySweep(activity: FleetActivity, cfg: CloudConfig, seed: number | string, options: CapacityOptions): CapacityRow[] {
  const { p99Ms } = options;
  if (!(p99Ms > 0)) throw new RangeError(`capacitySweep: p99Ms: expected a latency > 0 ms, got ${p99Ms}`);
  const maxServers = options.maxServers ?? 4096;
  if (!(Number.isInteger(maxServers) && maxServers >= 1)) throw new RangeError(`capacitySweep: maxServers: expected an integer >= 1, got ${maxServers}`);
  const rows: CapacityRow[] = [];
  for (const station of options.stations ?? STATIONS) {
    let evaluations = 0;
    const cache = new Map<number, StationSummary>();
    const run = (servers: number): StationSummary => {
      const hit = cache.get(servers);
      if (hit) return hit;
      evaluations++;
      const c: CloudConfig = { ...cfg, stations: { ...cfg.stations, [station]: { ...cfg.stations[station], servers } } };
      const s = simulateCloud(activity, c, seed, { stations: [station] }).summary.stations[0]!;
      cache.set(servers, s);
      return s;
    };
    const ok = (s: StationSummary) => s.worstDayP99Ms <= p99Ms && s.queueFull === 0;
    const current = run(cfg.stations[station].servers);
    let hi = 1;
    while (hi < maxServers && !ok(run(hi))) hi = Math.min(maxServers, hi * 2);
    let needed: number | null = null;
    if (ok(run(hi))) {
      let lo = Math.floor(hi / 2); // not ok (or 0)
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (ok(run(mid))) hi = mid;
        else lo = mid;
      }
      needed = hi;
    }
    rows.push({ station, servers: current.servers, worstDayP99Ms: current.worstDayP99Ms, queueFull: current.queueFull, needed, atNeeded: run(needed ?? maxServers), evaluations });
  }
  return rows;
}
