/**
 * CloudConfig: the resolved input of the capacity model (the scenario's `cloud:` section after
 * validation and defaults, see scenarios/schema.ts). Stations are the service's endpoints seen as
 * queues; `demand` says how the fleet's activity turns into requests; `ota` is an optional
 * firmware release rolled out in waves by the models/cloud rollout statechart.
 * `validateCloudConfig` re-checks a config built in code (tests, the capacity sweep) and names
 * every bad field, since a NaN here would silently turn into an empty queue.
 * @module
 */
import { STATIONS, type StationName } from '../../results/index.ts';
import { validateDistributionSpec, type DistributionSpec } from '../engine/index.ts';

export { STATIONS, type StationName };

/** The API endpoint each station stands for (DESIGN.md's API). */
export const STATION_ENDPOINTS: Readonly<Record<StationName, string>> = Object.freeze({
  provisioning: 'POST /api/v1/provision',
  attestation: 'POST /api/v1/auth/challenge',
  telemetry: 'POST /api/v1/telemetry',
  ota: 'GET /api/v1/ota/latest',
  policy: 'POST /api/v1/policy/{device_id}',
});

export interface StationConfig {
  /** Servers working in parallel (worker processes, connections to the database, ...). */
  servers: number;
  /** Service time of one request, ms. */
  serviceMs: DistributionSpec;
  /** Requests allowed to wait when every server is busy; beyond it a request is rejected (503). null: unbounded. */
  queueLimit: number | null;
  /** Token-bucket rate limit in requests/s over the whole station (429 beyond it); null: none. */
  rateLimitPerS: number | null;
  /** Bucket size (the burst let through at once); defaults to one second of rate. */
  rateBurst: number | null;
}

/** How fleet activity becomes requests (all rates are fleet-wide expectations per bin). */
export interface CloudDemand {
  /** Keychains in the fleet (provisioning, policy and OTA volumes scale with it). */
  devices: number;
  /** The phone uploads one telemetry batch per this many device events (unlocks + failures). */
  telemetryBatchEvents: number;
  /** One attestation challenge per this many established handshakes; 0: none. */
  attestEveryHandshakes: number;
  /** Policy pushes per device per day (admin changes), spread over the day; 0: none. */
  policyPushesPerDevicePerDay: number;
  /** Routine OTA checks per device per day, following the fleet's wakes (phones sync when keychains are used). */
  otaChecksPerDevicePerDay: number;
  /** Devices provisioned at the start: `share` of the fleet over `hours` from `startHour`. */
  provisioning: { share: number; startHour: number; hours: number };
}

/** A firmware release rolled out in waves (canary + ROLLOUT_WAVES waves of models/cloud). */
export interface OtaRelease {
  /** Hour of the run at which the rollout starts (the canary wave). */
  atHour: number;
  /** Share of the fleet in each wave, canary first (ROLLOUT_WAVES + 1 entries, sum ≤ 1). */
  waves: number[];
  /** Time from a wave's start to its verdict (install reports collected), hours. */
  waveIntervalHours: number;
  /** A wave's devices all fetch the manifest and image within this many minutes of its start. */
  herdMinutes: number;
  /** Service time of an image download at the OTA station, ms. */
  downloadMs: DistributionSpec;
  /** Probability that one device's update fails. */
  deviceFailureRate: number;
  /** A wave whose failure rate exceeds this halts the rollout (waveVerdict). */
  haltRate: number;
  /** A wave without a verdict after this long halts the rollout (the machine's deadline), hours. */
  waveDeadlineHours: number;
}

export interface CloudConfig {
  stations: Record<StationName, StationConfig>;
  demand: CloudDemand;
  ota: OtaRelease | null;
}

/** Every problem of a config, as "path: expected …, got …"; [] when valid. */
export function validateCloudConfig(cfg: CloudConfig, path = 'cloud'): string[] {
  const errors: string[] = [];
  const check = (p: string, v: unknown, ok: (x: number) => boolean, expected: string): void => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) errors.push(`${p}: expected ${expected}, got ${String(v)}`);
  };
  for (const name of STATIONS) {
    const s = cfg.stations?.[name];
    const p = `${path}.stations.${name}`;
    if (s === undefined) {
      errors.push(`${p}: expected a station, got nothing`);
      continue;
    }
    check(`${p}.servers`, s.servers, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
    errors.push(...validateDistributionSpec(s.serviceMs, `${p}.serviceMs`));
    if (s.queueLimit !== null) check(`${p}.queueLimit`, s.queueLimit, (x) => Number.isInteger(x) && x >= 0, 'an integer >= 0 or null');
    if (s.rateLimitPerS !== null) check(`${p}.rateLimitPerS`, s.rateLimitPerS, (x) => x > 0, 'a rate > 0 or null');
    if (s.rateBurst !== null) check(`${p}.rateBurst`, s.rateBurst, (x) => x >= 1, 'a burst >= 1 or null');
  }
  const d = cfg.demand;
  const dp = `${path}.demand`;
  check(`${dp}.devices`, d.devices, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
  check(`${dp}.telemetryBatchEvents`, d.telemetryBatchEvents, (x) => x >= 1, 'a number >= 1');
  check(`${dp}.attestEveryHandshakes`, d.attestEveryHandshakes, (x) => x === 0 || x >= 1, '0 or a number >= 1');
  check(`${dp}.policyPushesPerDevicePerDay`, d.policyPushesPerDevicePerDay, (x) => x >= 0, 'a number >= 0');
  check(`${dp}.otaChecksPerDevicePerDay`, d.otaChecksPerDevicePerDay, (x) => x >= 0, 'a number >= 0');
  check(`${dp}.provisioning.share`, d.provisioning.share, (x) => x >= 0 && x <= 1, 'a share in 0..1');
  check(`${dp}.provisioning.startHour`, d.provisioning.startHour, (x) => x >= 0, 'an hour >= 0');
  check(`${dp}.provisioning.hours`, d.provisioning.hours, (x) => x > 0, 'a number of hours > 0');
  const o = cfg.ota;
  if (o !== null) {
    const op = `${path}.ota`;
    check(`${op}.atHour`, o.atHour, (x) => x >= 0, 'an hour >= 0');
    if (!Array.isArray(o.waves) || o.waves.length === 0) errors.push(`${op}.waves: expected a list of shares, got ${String(o.waves)}`);
    else {
      o.waves.forEach((w, i) => check(`${op}.waves[${i}]`, w, (x) => x > 0 && x <= 1, 'a share in (0, 1]'));
      const sum = o.waves.reduce((a, b) => a + b, 0);
      if (sum > 1 + 1e-9) errors.push(`${op}.waves: expected shares summing to <= 1, got ${sum}`);
    }
    check(`${op}.waveIntervalHours`, o.waveIntervalHours, (x) => x > 0, 'a number of hours > 0');
    check(`${op}.herdMinutes`, o.herdMinutes, (x) => x > 0, 'a number of minutes > 0');
    errors.push(...validateDistributionSpec(o.downloadMs, `${op}.downloadMs`));
    check(`${op}.deviceFailureRate`, o.deviceFailureRate, (x) => x >= 0 && x <= 1, 'a probability in 0..1');
    check(`${op}.haltRate`, o.haltRate, (x) => x >= 0 && x <= 1, 'a rate in 0..1');
    check(`${op}.waveDeadlineHours`, o.waveDeadlineHours, (x) => x > 0, 'a number of hours > 0');
  }
  return errors;
}

/** Throws a RangeError listing every problem of `cfg`. */
export function assertCloudConfig(cfg: CloudConfig, path = 'cloud'): void {
  const errors = validateCloudConfig(cfg, path);
  if (errors.length > 0) throw new RangeError(`invalid cloud config:\n  ${errors.join('\n  ')}`);
}
