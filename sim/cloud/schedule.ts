/**
 * The fleet's request schedule: every request the capacity model's arrivals contain, as
 * (offset, endpoint, device), sorted by time. It draws the very same arrivals as simulateCloud
 * (same streams, same order), so `keytwin load` replays against a real service exactly the load
 * the model queued, and the same scenario and seed give the same requests at the same offsets.
 * Devices are drawn per request from their own stream (provisioning takes devices in order, so
 * no keychain registers twice).
 * @module
 */
import { poisson, type Rng } from '../engine/index.ts';
import type { FleetActivity } from '../../results/index.ts';
import { arrivalStreams } from './arrivals.ts';
import { assertCloudConfig, STATIONS, type CloudConfig } from './config.ts';
import { planRollout } from './rollout.ts';
import { cloudRng, streamName } from './simulate.ts';

/** Request kinds: the stations in STATIONS order, then OTA image downloads. */
export const REQUEST_KINDS = [...STATIONS, 'ota.download'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export interface RequestSchedule {
  /** Offset of each request from simulated time 0, ms, ascending. */
  timeMs: Float64Array;
  /** Index into REQUEST_KINDS. */
  kind: Uint8Array;
  /** The keychain the request is about. */
  device: Uint32Array;
  /** Requests per kind over the whole schedule. */
  counts: Record<RequestKind, number>;
}

export interface ScheduleWindow {
  /** Keep requests at or after this offset (ms). Default 0. */
  fromMs?: number;
  /** Keep requests before this offset (ms). Default: the end of the activity. */
  toMs?: number;
}

export function requestSchedule(activity: FleetActivity, cfg: CloudConfig, seed: number | string, window: ScheduleWindow = {}): RequestSchedule {
  assertCloudConfig(cfg);
  const bins = activity.wakes.length;
  const binMs = activity.binMs;
  const from = window.fromMs ?? 0;
  const to = window.toMs ?? bins * binMs;
  if (!(from >= 0 && to > from)) throw new RangeError(`requestSchedule: window: expected 0 <= fromMs < toMs, got ${from}..${to}`);
  const root = cloudRng(seed);
  const rollout = cfg.ota ? planRollout(cfg.ota, cfg.demand.devices, bins * binMs, root.stream('rollout', 0)) : null;
  const streams = arrivalStreams(activity, cfg, rollout);
  const kinds = streams.map((s) => (s.download ? REQUEST_KINDS.length - 1 : STATIONS.indexOf(s.station)));
  const rngs = streams.map((s) => root.stream(`arrivals.${streamName(s)}`, 0));
  const devicesRng: Rng = root.stream('devices', 0);
  const times: number[] = [];
  const kindOf: number[] = [];
  for (let b = 0; b < bins; b++) {
    const t0 = b * binMs;
    for (let s = 0; s < streams.length; s++) {
      const n = poisson(rngs[s]!, streams[s]!.mean[b]!);
      for (let k = 0; k < n; k++) {
        const t = t0 + rngs[s]!.next() * binMs;
        if (t >= from && t < to) {
          times.push(t);
          kindOf.push(kinds[s]!);
        }
      }
    }
  }
  const order = Uint32Array.from(times.keys()).sort((a, b) => times[a]! - times[b]! || kindOf[a]! - kindOf[b]! || a - b);
  const n = order.length;
  const timeMs = new Float64Array(n);
  const kind = new Uint8Array(n);
  const device = new Uint32Array(n);
  const counts = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
  const devices = cfg.demand.devices;
  let nextProvisioned = 0;
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    timeMs[i] = times[j]!;
    kind[i] = kindOf[j]!;
    counts[REQUEST_KINDS[kind[i]!]!]++;
    device[i] = kind[i] === 0 ? nextProvisioned++ % devices : devicesRng.nextInt(devices);
  }
  return { timeMs, kind, device, counts };
}
