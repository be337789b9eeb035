/**
 * simulateCloud: the capacity model. The fleet's per-minute activity becomes Poisson arrivals at
 * five stations (arrivals.ts), which run as queues on the sim/engine calendar: one event per bin
 * (it draws the bin's arrivals), one per arrival, one per departure. Outputs per station: hourly
 * and daily rows (requests, latency percentiles, utilisation, queue, rejections) and a summary
 * with batch-means confidence intervals. Same activity, config and seed ⇒ identical result.
 * Stations do not interact (each has its own arrival and service streams), so `stations` can
 * restrict a run to some of them with the same numbers for those (the capacity sweep uses this).
 * @module
 */
import { createEnvironment, createRng, poisson, sampler, specMean, type Rng, type Sampler } from '../engine/index.ts';
import type { CloudHourRow, CloudLoadRow, CloudResult, FleetActivity, StationSummary } from '../../results/index.ts';
import { arrivalStreams, type ArrivalStream } from './arrivals.ts';
import { assertCloudConfig, STATION_ENDPOINTS, STATIONS, type CloudConfig, type StationName } from './config.ts';
import { batchRatio } from './erlang.ts';
import { planRollout } from './rollout.ts';
import { Station, emptyPeriod, type PeriodStats } from './station.ts';
import { DAY_MS, HOUR_MS } from '../../units/index.ts';

const K_BIN = 0;
const K_ARRIVE = 1;
const K_DEPART = 2;

export interface SimulateCloudOptions {
  /** Simulate only these stations (others are left out of every output). */
  stations?: readonly StationName[];
}

function merge(into: PeriodStats, p: PeriodStats): void {
  into.requests += p.requests;
  into.served += p.served;
  into.rateLimited += p.rateLimited;
  into.queueFull += p.queueFull;
  into.waitSumMs += p.waitSumMs;
  into.waited += p.waited;
  into.busyMs += p.busyMs;
  into.queueMs += p.queueMs;
  into.maxQueue = Math.max(into.maxQueue, p.maxQueue);
  into.latency.merge(p.latency);
}

/** A stream's name in rng paths: the station, `.download` for OTA images. */
export function streamName(s: ArrivalStream): string {
  return `${s.station}${s.download ? '.download' : ''}`;
}

/** The root stream of the cloud model for a seed (simulateCloud and requestSchedule share it). */
export function cloudRng(seed: number | string): Rng {
  return createRng(seed).stream('cloud', 0);
}

const q = (p: PeriodStats, x: number) => (p.served > 0 ? p.latency.quantile(x) : 0);

export function simulateCloud(activity: FleetActivity, cfg: CloudConfig, seed: number | string, options: SimulateCloudOptions = {}): CloudResult {
  assertCloudConfig(cfg);
  const only = options.stations ?? STATIONS;
  for (const s of only) if (!STATIONS.includes(s)) throw new RangeError(`simulateCloud: stations: unknown station ${JSON.stringify(s)}; expected ${STATIONS.join(', ')}`);
  const active = STATIONS.filter((s) => only.includes(s));
  const bins = activity.wakes.length;
  const binMs = activity.binMs;
  const horizonMs = bins * binMs;
  const root = cloudRng(seed);
  const rollout = cfg.ota ? planRollout(cfg.ota, cfg.demand.devices, horizonMs, root.stream('rollout', 0)) : null;
  const streams = arrivalStreams(activity, cfg, rollout).filter((s) => active.includes(s.station));

  const stations = active.map((name) => {
    const c = cfg.stations[name];
    return new Station(c.servers, c.queueLimit, c.rateLimitPerS, c.rateBurst);
  });
  const stationOf = Int32Array.from(streams, (s) => active.indexOf(s.station));
  const arrivalRng = streams.map((s) => root.stream(`arrivals.${streamName(s)}`, 0));
  const serviceRng = streams.map((s) => root.stream(`service.${streamName(s)}`, 0));
  const service: Sampler[] = streams.map((s) =>
    s.download ? sampler(cfg.ota!.downloadMs, 'cloud.ota.downloadMs') : sampler(cfg.stations[s.station].serviceMs, `cloud.stations.${s.station}.serviceMs`),
  );

  const hourly: CloudHourRow[] = [];
  const daily: CloudLoadRow[] = [];
  const dayAcc = active.map(() => emptyPeriod());
  const totals = active.map(() => emptyPeriod());
  const hourWait = active.map(() => [] as number[]);
  const hourServed = active.map(() => [] as number[]);
  const hourWaited = active.map(() => [] as number[]);
  const peak = active.map(() => ({ util: 0, hour: 0, dayP99: 0, day: 0 }));
  let periodStart = 0;
  let dayStart = 0;

  const closeHour = (now: number): void => {
    const hour = Math.round(periodStart / HOUR_MS);
    const len = now - periodStart;
    stations.forEach((st, i) => {
      const p = st.closePeriod(now);
      const util = len > 0 ? p.busyMs / (st.servers * len) : 0;
      hourly.push({
        hour, station: active[i]!, requests: p.requests, served: p.served, rejected: p.rateLimited + p.queueFull,
        p50Ms: q(p, 0.5), p99Ms: q(p, 0.99), utilisation: util,
        meanWaitMs: p.served > 0 ? p.waitSumMs / p.served : 0, waitedShare: p.served > 0 ? p.waited / p.served : 0,
        meanQueue: len > 0 ? p.queueMs / len : 0, maxQueue: p.maxQueue,
      });
      hourWait[i]!.push(p.waitSumMs);
      hourServed[i]!.push(p.served);
      hourWaited[i]!.push(p.waited);
      if (util > peak[i]!.util) Object.assign(peak[i]!, { util, hour });
      merge(dayAcc[i]!, p);
    });
    periodStart = now;
    if (now - dayStart >= DAY_MS || now >= horizonMs) {
      const day = Math.round(dayStart / DAY_MS);
      const dlen = now - dayStart;
      stations.forEach((st, i) => {
        const d = dayAcc[i]!;
        const p99 = q(d, 0.99);
        daily.push({ day, station: active[i]!, requests: d.requests, p50Ms: q(d, 0.5), p99Ms: p99, utilisation: dlen > 0 ? d.busyMs / (st.servers * dlen) : 0, rejected: d.rateLimited + d.queueFull });
        if (p99 > peak[i]!.dayP99) Object.assign(peak[i]!, { dayP99: p99, day });
        merge(totals[i]!, d);
        dayAcc[i] = emptyPeriod();
      });
      dayStart = now;
    }
  };

  const env = createEnvironment();
  const binsPerHour = HOUR_MS / binMs;
  // Bin events run before arrivals and departures at the same instant (priority −1), so an hour
  // is closed before anything of the next one happens.
  if (bins > 0) env.schedule(0, K_BIN, 0, 0, -1);
  env.run(horizonMs, (kind, target) => {
    const now = env.now;
    if (kind === K_ARRIVE) {
      const si = stationOf[target]!;
      const d = stations[si]!.arrive(now, Math.max(0, service[target]!(serviceRng[target]!)));
      if (d >= 0) env.schedule(now + d, K_DEPART, si);
    } else if (kind === K_DEPART) {
      const d = stations[target]!.depart(now);
      if (d >= 0) env.schedule(now + d, K_DEPART, target);
    } else {
      if (target > 0 && target % binsPerHour === 0) closeHour(now);
      for (let s = 0; s < streams.length; s++) {
        const n = poisson(arrivalRng[s]!, streams[s]!.mean[target]!);
        for (let k = 0; k < n; k++) env.schedule(now + arrivalRng[s]!.next() * binMs, K_ARRIVE, s);
      }
      if (target + 1 < bins) env.schedule(now + binMs, K_BIN, target + 1, 0, -1);
    }
  });
  if (horizonMs > periodStart) closeHour(horizonMs);

  const summaries: StationSummary[] = stations.map((st, i) => {
    const name = active[i]!;
    const t = totals[i]!;
    let offered = 0;
    streams.forEach((s, k) => {
      if (stationOf[k] !== i) return;
      const mean = specMean(s.download ? cfg.ota!.downloadMs : cfg.stations[name].serviceMs);
      offered += s.mean.reduce((a, b) => a + b, 0) * mean;
    });
    const waitedShare = batchRatio(hourWaited[i]!, hourServed[i]!);
    return {
      station: name, endpoint: STATION_ENDPOINTS[name], servers: st.servers,
      requests: t.requests, served: t.served, rateLimited: t.rateLimited, queueFull: t.queueFull, queuedAtEnd: st.queued,
      offeredUtilisation: horizonMs > 0 ? offered / (st.servers * horizonMs) : 0,
      utilisation: horizonMs > 0 ? t.busyMs / (st.servers * horizonMs) : 0,
      peakHourUtilisation: peak[i]!.util, peakHour: peak[i]!.hour,
      meanQueue: horizonMs > 0 ? t.queueMs / horizonMs : 0, maxQueue: t.maxQueue,
      waitMs: batchRatio(hourWait[i]!, hourServed[i]!), pWait: waitedShare,
      latencyMs: { mean: t.served > 0 ? t.latency.mean : 0, p50: q(t, 0.5), p95: q(t, 0.95), p99: q(t, 0.99), max: t.served > 0 ? t.latency.max : 0 },
      worstDayP99Ms: peak[i]!.dayP99, worstDay: peak[i]!.day,
    };
  });
  return {
    summary: {
      seed, horizonMs,
      requests: summaries.reduce((a, s) => a + s.requests, 0),
      rejected: summaries.reduce((a, s) => a + s.rateLimited + s.queueFull, 0),
      stations: summaries, rollout,
    },
    daily,
    hourly,
  };
}
