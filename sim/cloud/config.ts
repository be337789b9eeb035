/**
 * CloudConfig: the resolved input of the capacity model (the scenario's `cloud:` section after
 * validation and defaults, see scenarios/schema.ts). Stations are the service's endpoints seen as
 * queues; `demand` says how the fleet's activity turns into requests; `ota` is an optional
 * firmware release rolled out in waves by the models/cloud rollout statechart.
 * `validateCloudConfig` re-checks a config built in code (tests, the capacity sweep) and names
 * every bad field, since a NaN here would silently turn into an empty queue.
 * @module
 */
import { validateDistributionSpec } from '../engine/index.ts';

// The shapes are produced by scenarios/ (resolve.ts) and defined there, so that scenarios/ does
// not import the simulator; the capacity model re-exports them for its callers.
import { STATIONS, type CloudConfig } from '../../scenarios/config.ts';
export { STATIONS, STATION_ENDPOINTS, type CloudConfig, type CloudDemand, type OtaRelease, type StationConfig, type StationName } from '../../scenarios/config.ts';

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
