/**
 * From fleet activity to request arrival rates: the expected number of requests per station in
 * each activity bin (one minute in the fleet's output). Within a bin the simulation draws a
 * Poisson count with that mean and places the arrivals uniformly, which is exactly a Poisson
 * process with a piecewise-constant rate. The rules (DESIGN.md's architecture):
 *
 *   - telemetry: the phone uploads one batch per `telemetryBatchEvents` device events (unlocks
 *     and failures), when it is in range after them, so uploads follow the fleet's unlocks;
 *   - attestation: one challenge per `attestEveryHandshakes` established handshakes;
 *   - OTA checks: `otaChecksPerDevicePerDay` per device, spread over each day like the fleet's
 *     wakes (the app syncs when the keychain is used), plus one manifest check and one image
 *     download per device of a rollout wave within `herdMinutes` of its start (the herd);
 *   - policy: pushes per device per day, flat over the day (admins work all day somewhere);
 *   - provisioning: a share of the fleet over a window at the start.
 * @module
 */
import type { FleetActivity } from '../../results/index.ts';
import type { CloudConfig, StationName } from './config.ts';
import type { RolloutPlan } from '../../results/index.ts';
import { DAY_MS, HOUR_MS } from '../../units/index.ts';

/** An arrival stream: the station it feeds and whether its requests are image downloads. */
export interface ArrivalStream {
  station: StationName;
  download: boolean;
  /** Expected arrivals per bin. */
  mean: Float64Array;
}

/** Adds `count` requests spread uniformly over [fromMs, toMs) to the bins they overlap. */
function spread(mean: Float64Array, binMs: number, fromMs: number, toMs: number, count: number): void {
  if (!(toMs > fromMs) || count <= 0) return;
  const rate = count / (toMs - fromMs);
  const first = Math.max(0, Math.floor(fromMs / binMs));
  const last = Math.min(mean.length - 1, Math.ceil(toMs / binMs) - 1);
  for (let b = first; b <= last; b++) {
    const overlap = Math.min(toMs, (b + 1) * binMs) - Math.max(fromMs, b * binMs);
    if (overlap > 0) mean[b]! += rate * overlap;
  }
}

/** The arrival streams of a run: one per station, plus OTA image downloads when a release rolls out. */
export function arrivalStreams(activity: FleetActivity, cfg: CloudConfig, rollout: RolloutPlan | null): ArrivalStream[] {
  const { binMs } = activity;
  const bins = activity.wakes.length;
  if (!(binMs > 0) || HOUR_MS % binMs !== 0) throw new RangeError(`arrivalStreams: activity.binMs must divide an hour (3,600,000 ms), got ${binMs}`);
  for (const k of ['handshakes', 'unlocks', 'failures'] as const) {
    if (activity[k].length !== bins) throw new RangeError(`arrivalStreams: activity.${k} has ${activity[k].length} bins, activity.wakes ${bins}`);
  }
  const d = cfg.demand;
  const stream = (station: StationName, download = false): ArrivalStream => ({ station, download, mean: new Float64Array(bins) });
  const prov = stream('provisioning');
  const attest = stream('attestation');
  const telemetry = stream('telemetry');
  const ota = stream('ota');
  const policy = stream('policy');
  const downloads = stream('ota', true);

  const p = d.provisioning;
  spread(prov.mean, binMs, p.startHour * HOUR_MS, (p.startHour + p.hours) * HOUR_MS, Math.round(p.share * d.devices));

  for (let b = 0; b < bins; b++) {
    telemetry.mean[b] = (activity.unlocks[b]! + activity.failures[b]!) / d.telemetryBatchEvents;
    if (d.attestEveryHandshakes > 0) attest.mean[b] = activity.handshakes[b]! / d.attestEveryHandshakes;
  }

  const binsPerDay = DAY_MS / binMs;
  const horizon = bins * binMs;
  spread(policy.mean, binMs, 0, horizon, (d.policyPushesPerDevicePerDay * d.devices * horizon) / DAY_MS);
  for (let day0 = 0; day0 < bins; day0 += binsPerDay) {
    const end = Math.min(bins, day0 + binsPerDay);
    const checks = (d.otaChecksPerDevicePerDay * d.devices * (end - day0)) / binsPerDay;
    let wakes = 0;
    for (let b = day0; b < end; b++) wakes += activity.wakes[b]!;
    for (let b = day0; b < end; b++) ota.mean[b]! += wakes > 0 ? (checks * activity.wakes[b]!) / wakes : checks / (end - day0);
  }

  const out = [prov, attest, telemetry, ota, policy];
  if (rollout !== null && cfg.ota !== null) {
    const herdMs = cfg.ota.herdMinutes * 60_000;
    for (const w of rollout.waves) {
      spread(ota.mean, binMs, w.startMs, w.startMs + herdMs, w.devices);
      spread(downloads.mean, binMs, w.startMs, w.startMs + herdMs, w.devices);
    }
    out.push(downloads);
  }
  return out;
}
