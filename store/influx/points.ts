/**
 * A RunResult as InfluxDB points (the schema is documented in docs/influx-schema.md): telemetry
 * events of the sampled devices, the fleet's daily series, battery SoC samples, handshake phase
 * means and one run summary point. Timestamps are manifest.simStart + simulated time, in
 * microseconds, so they are historic: the bucket's retention must reach back to simStart.
 * A point is unique by series and timestamp, because InfluxDB keeps only the last point per
 * (series, time): two events of one device at the same microsecond are moved 1 µs apart, so
 * every event survives and counts compare exactly.
 * @module
 */
import type { RunResult } from '../../results/index.ts';
import { formatFields, formatSeries, type FieldValue } from './line-protocol.ts';
import { DAY_MS } from '../../units/index.ts';

/** The timestamp precision of every line keytwin writes. */
export const PRECISION = 'us';

const PHASES = ['radio', 'crypto', 'secureElement', 'other'] as const;

/** Counts of points per measurement, as runPoints yields them. */
export type PointCounts = Record<string, number>;

export function* runPoints(result: RunResult, counts: PointCounts = {}): Generator<string> {
  const m = result.manifest;
  const startMs = Date.parse(m.simStart);
  if (Number.isNaN(startMs)) throw new Error(`RunResult ${m.runId}: manifest.simStart '${m.simStart}' is not an ISO 8601 date`);
  const runId = m.runId;
  const scenario = m.scenario.name;
  // Per series (keyed by its escaped line prefix): the timestamps used so far.
  const used = new Map<string, Set<number>>();
  const seriesCache = new Map<string, string>();
  const emit = (measurement: string, tags: [string, string][], fields: [string, FieldValue][], offsetMs: number): string | null => {
    const cacheKey = measurement + '\0' + tags.map((t) => t[1]).join('\0');
    let series = seriesCache.get(cacheKey);
    if (series === undefined) seriesCache.set(cacheKey, (series = formatSeries(measurement, tags)));
    const f = formatFields(fields);
    if (f === '') return null;
    let t = startMs * 1000 + Math.round(offsetMs * 1000);
    let set = used.get(series);
    if (!set) used.set(series, (set = new Set()));
    while (set.has(t)) t++;
    set.add(t);
    counts[measurement] = (counts[measurement] ?? 0) + 1;
    return `${series} ${f} ${t}`;
  };

  for (const e of result.telemetry) {
    const fields: [string, FieldValue][] = [['success', e.success], ['latency_ms', e.latencyMs], ['rssi', e.rssi], ['soc', e.soc], ['session_kdf', e.sessionKdf]];
    if (e.reason !== '') fields.push(['reason', e.reason]);
    const line = emit('telemetry', [['run_id', runId], ['device_id', String(e.device)], ['event_type', e.eventType], ['suite', e.suite]], fields, e.timeMs);
    if (line) yield line;
  }
  for (const d of result.daily) {
    const at = d.day * DAY_MS;
    const tags: [string, string][] = [['run_id', runId], ['scenario', scenario]];
    const failures = Object.values(d.failures).reduce((a, b) => a + b, 0);
    const energy = Object.values(d.energyMjByState).reduce((a, b) => a + b, 0);
    const line = emit('fleet_daily', tags, [['soc_p5', d.socP5], ['soc_p50', d.socP50], ['soc_p95', d.socP95], ['alive', d.alive], ['unlocks', d.unlocks], ['handshakes', d.handshakes], ['failures', failures], ['energy_mj', energy]], at);
    if (line) yield line;
    for (const [reason, n] of Object.entries(d.failures)) {
      const l = emit('fleet_failures', [...tags, ['reason', reason]], [['count', n]], at);
      if (l) yield l;
    }
    for (const [state, mj] of Object.entries(d.energyMjByState)) {
      const l = emit('fleet_energy', [...tags, ['state', state]], [['energy_mj', mj]], at);
      if (l) yield l;
    }
  }
  for (const s of result.socSamples) {
    const line = emit('battery', [['run_id', runId], ['device_id', String(s.device)]], [['soc', s.soc], ['brownout', s.brownout]], s.day * DAY_MS);
    if (line) yield line;
  }
  for (const c of result.cloud?.daily ?? []) {
    const l = emit('cloud_load', [['run_id', runId], ['scenario', scenario], ['station', c.station]],
      [['requests', c.requests], ['p50_ms', c.p50Ms], ['p99_ms', c.p99Ms], ['utilisation', c.utilisation], ['rejected', c.rejected]], c.day * DAY_MS);
    if (l) yield l;
  }
  const sum = result.summary;
  for (const phase of PHASES) {
    const line = emit('handshake_phase', [['run_id', runId], ['scenario', scenario], ['phase', phase]],
      [['time_ms', sum.handshake.meanTimeMsByPhase[phase]], ['energy_mj', sum.handshake.meanEnergyMjByPhase[phase]]], 0);
    if (line) yield line;
  }
  const line = emit('run_summary', [['run_id', runId], ['scenario', scenario], ['profile', m.profile]], [
    ['devices', sum.devices], ['duration_days', sum.durationDays], ['seed', sum.seed],
    ['unlock_intents', sum.unlocks.intents], ['unlocks_succeeded', sum.unlocks.succeeded],
    ['unlock_latency_p50_ms', sum.unlocks.latencyMs.p50], ['unlock_latency_p95_ms', sum.unlocks.latencyMs.p95], ['unlock_latency_p99_ms', sum.unlocks.latencyMs.p99],
    ['handshake_time_p50_ms', sum.handshake.timeMs.p50], ['handshake_time_p95_ms', sum.handshake.timeMs.p95],
    ['battery_life_p5_days', sum.battery.lifeDays.p5.value], ['battery_life_p50_days', sum.battery.lifeDays.p50.value], ['battery_life_p95_days', sum.battery.lifeDays.p95.value],
    ['depleted', sum.battery.depleted], ['final_soc_mean', sum.battery.finalSocMean], ['events', sum.events],
  ], 0);
  if (line) yield line;
}
