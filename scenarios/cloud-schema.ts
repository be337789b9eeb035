/**
 * The optional `cloud:` section of a scenario: the capacity model's stations (servers, service
 * time, waiting room, rate limit), how fleet activity becomes requests, and an optional OTA
 * release rolled out in waves. Without the section a run has no cloud model. The resolved form
 * has the same shape as the YAML (defaults filled in, `null` for "none"), so a sweep can
 * re-validate it like any other field.
 * @module
 */
import { ROLLOUT_WAVES } from '../models/cloud/index.ts';
import { STATIONS, type OtaRelease, type StationConfig, type StationName } from './config.ts';
import type { DistributionSpec } from '../sim/engine/index.ts';
import type { Checker, PathSegment } from './schema.ts';

export interface ScenarioCloud {
  stations: Record<StationName, StationConfig>;
  /** The phone uploads one telemetry batch per this many device events (unlocks + failures). */
  telemetryBatchEvents: number;
  /** One attestation challenge per this many established handshakes (0: none). */
  attestEveryHandshakes: number;
  policyPushesPerDevicePerDay: number;
  otaChecksPerDevicePerDay: number;
  /** A share of the fleet provisioned over `hours` from `startHour` of the run. */
  provisioning: { share: number; startHour: number; hours: number };
  /** The same shape as the resolved fleet's release (config.ts). */
  ota: OtaRelease | null;
}

const ln = (median: number, sigma: number): DistributionSpec => ({ dist: 'lognormal', median, sigma });

/** A small deployment: what a station gets when the scenario does not say. */
export const DEFAULT_STATIONS: Readonly<Record<StationName, StationConfig>> = Object.freeze({
  provisioning: { servers: 4, serviceMs: ln(40, 0.4), queueLimit: 10_000, rateLimitPerS: null, rateBurst: null },
  attestation: { servers: 4, serviceMs: ln(15, 0.3), queueLimit: 10_000, rateLimitPerS: null, rateBurst: null },
  telemetry: { servers: 8, serviceMs: ln(8, 0.5), queueLimit: 10_000, rateLimitPerS: null, rateBurst: null },
  ota: { servers: 8, serviceMs: ln(5, 0.3), queueLimit: 10_000, rateLimitPerS: null, rateBurst: null },
  policy: { servers: 2, serviceMs: ln(25, 0.4), queueLimit: 10_000, rateLimitPerS: null, rateBurst: null },
});

const STATION_FIELDS = ['servers', 'serviceMs', 'queueLimit', 'rateLimitPerS', 'rateBurst'];
const OTA_FIELDS = ['atHour', 'waves', 'waveIntervalHours', 'herdMinutes', 'downloadMs', 'deviceFailureRate', 'haltRate', 'waveDeadlineHours'];
const CLOUD_FIELDS = ['stations', 'telemetryBatchEvents', 'attestEveryHandshakes', 'policyPushesPerDevicePerDay', 'otaChecksPerDevicePerDay', 'provisioning', 'ota'];

/** 0 (no attestation) or one challenge per N >= 1 handshakes: the rule sim/cloud validateCloudConfig applies. */
function attestEvery(c: Checker, path: PathSegment[], x: unknown): number {
  const what = '0 (none) or a number >= 1';
  const n = c.num(path, x, { min: 0, what }, 50);
  if (n > 0 && n < 1) {
    c.fail(path, what, x);
    return 50;
  }
  return n;
}

/** Validates `cloud:` (absent or null: no cloud model). */
export function checkCloud(c: Checker, raw: unknown): ScenarioCloud | null {
  if (raw === undefined || raw === null) return null;
  const P: PathSegment[] = ['cloud'];
  const m = c.map(P, raw, CLOUD_FIELDS) ?? {};
  const sRaw = m.stations === undefined ? {} : (c.map([...P, 'stations'], m.stations, STATIONS) ?? {});
  const stations = {} as Record<StationName, StationConfig>;
  for (const name of STATIONS) {
    const path: PathSegment[] = [...P, 'stations', name];
    const def = DEFAULT_STATIONS[name];
    const s = sRaw[name] === undefined ? {} : (c.map(path, sRaw[name], STATION_FIELDS) ?? {});
    const orNull = (k: string, opts: Parameters<Checker['num']>[2]): number | null => (s[k] === null ? null : s[k] === undefined ? (def[k as keyof StationConfig] as number | null) : c.num([...path, k], s[k], opts, 0));
    stations[name] = {
      servers: c.num([...path, 'servers'], s.servers, { min: 1, max: 100_000, int: true }, def.servers),
      serviceMs: c.dist([...path, 'serviceMs'], s.serviceMs, def.serviceMs, { min: 0 }),
      queueLimit: orNull('queueLimit', { min: 0, int: true, what: 'an integer >= 0, or null for an unbounded queue' }),
      rateLimitPerS: orNull('rateLimitPerS', { min: 1e-6, what: 'requests/s > 0, or null for no rate limit' }),
      rateBurst: orNull('rateBurst', { min: 1, what: 'a burst >= 1, or null for one second of rate' }),
    };
  }
  const pRaw = m.provisioning === undefined ? {} : (c.map([...P, 'provisioning'], m.provisioning, ['share', 'startHour', 'hours']) ?? {});
  let ota: ScenarioCloud['ota'] = null;
  if (m.ota !== undefined && m.ota !== null) {
    const op: PathSegment[] = [...P, 'ota'];
    const o = c.map(op, m.ota, OTA_FIELDS, ['atHour']) ?? {};
    let waves = [0.01, 0.09, 0.3, 0.6];
    if (o.waves !== undefined) {
      const w = o.waves;
      const ok = Array.isArray(w) && w.length === ROLLOUT_WAVES + 1 && w.every((x) => typeof x === 'number' && x > 0 && x <= 1);
      const sum = ok ? (w as number[]).reduce((a, b) => a + b, 0) : 0;
      if (!ok || sum > 1 + 1e-9) c.fail([...op, 'waves'], `${ROLLOUT_WAVES + 1} shares in (0, 1] summing to <= 1 (the canary, then ${ROLLOUT_WAVES} waves of models/cloud)`, ok ? `a sum of ${sum}` : w, undefined, ok);
      else waves = w as number[];
    }
    ota = {
      atHour: c.num([...op, 'atHour'], o.atHour, { min: 0 }, 0),
      waves,
      waveIntervalHours: c.num([...op, 'waveIntervalHours'], o.waveIntervalHours, { min: 0.01 }, 6),
      herdMinutes: c.num([...op, 'herdMinutes'], o.herdMinutes, { min: 0.01 }, 30),
      downloadMs: c.dist([...op, 'downloadMs'], o.downloadMs, ln(400, 0.4), { min: 0 }),
      deviceFailureRate: c.num([...op, 'deviceFailureRate'], o.deviceFailureRate, { min: 0, max: 1 }, 0.002),
      haltRate: c.num([...op, 'haltRate'], o.haltRate, { min: 0, max: 1 }, 0.02),
      waveDeadlineHours: c.num([...op, 'waveDeadlineHours'], o.waveDeadlineHours, { min: 0.01 }, 24),
    };
  }
  return {
    stations,
    telemetryBatchEvents: c.num([...P, 'telemetryBatchEvents'], m.telemetryBatchEvents, { min: 1 }, 10),
    attestEveryHandshakes: attestEvery(c, [...P, 'attestEveryHandshakes'], m.attestEveryHandshakes),
    policyPushesPerDevicePerDay: c.num([...P, 'policyPushesPerDevicePerDay'], m.policyPushesPerDevicePerDay, { min: 0 }, 0.01),
    otaChecksPerDevicePerDay: c.num([...P, 'otaChecksPerDevicePerDay'], m.otaChecksPerDevicePerDay, { min: 0 }, 1),
    provisioning: {
      share: c.num([...P, 'provisioning', 'share'], pRaw.share, { min: 0, max: 1 }, 0),
      startHour: c.num([...P, 'provisioning', 'startHour'], pRaw.startHour, { min: 0 }, 0),
      hours: c.num([...P, 'provisioning', 'hours'], pRaw.hours, { min: 0.01 }, 8),
    },
    ota,
  };
}
