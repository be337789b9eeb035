/**
 * RunView: the rows every chart needs from one run, small and JSON-safe. The report builds it
 * in Node; the dashboard server sends it to the browser, where the same chart functions draw it.
 * Large columns are reduced to evenly spaced order statistics, which keep the distribution
 * (quantiles, histogram shape) while bounding the page size for 10^6-device fleets.
 * @module
 */
import type { DailyRow, RunManifest, RunResult, RunSummary, SocSample } from '../results/index.ts';
import type { CloudDetail } from './cloud-hourly.ts';

/** One handshake message as it goes over the air. */
export interface HandshakeMessage {
  name: string;
  from: 'phone' | 'keychain';
  bytes: number;
  /** BLE fragments (ATT writes/notifications) the message needs. */
  fragments: number;
}

/**
 * One step of a handshake as the statecharts perform it (reports/ builds the list from the live
 * run of models/handshake): an operation on one side, or a message from one side to the other.
 */
export type HandshakeTraceItem =
  | { kind: 'work'; role: 'phone' | 'keychain'; op: string; state: string }
  | { kind: 'message'; from: 'phone' | 'keychain'; name: string; senderState: string; receiverState: string };

/** Cloud load per simulated day and station (present only when the run modelled the cloud). */
export interface CloudLoadRow {
  day: number;
  station: string;
  requests: number;
  utilisation: number;
}

export interface RunView {
  id: string;
  manifest: Pick<RunManifest, 'runId' | 'scenario' | 'seed' | 'devices' | 'durationDays' | 'profile' | 'codeVersion' | 'simStart' | 'startedAt' | 'wallMs' | 'eventsPerSecond'>;
  summary: RunSummary;
  /** Battery life in days per device (observed or projected), ascending, at most MAX_VALUES. */
  lifeDays: number[];
  /**
   * The same lives split by how they were obtained, each ascending and reduced in proportion to
   * its share of the fleet: observed (browned out within the run) and projected (closed form).
   */
  lifeSplit?: { observed: number[]; projected: number[] };
  /**
   * Mean energy per day of each keychain over the days it was alive (mJ), ascending, at most
   * MAX_VALUES: the spread behind "energy per keychain-day" that a comparison needs for its interval.
   */
  energyMjPerDay?: number[];
  /** How many devices `lifeDays` stands for (equals devices unless it was reduced). */
  lifeDaysOf: number;
  daily: DailyRow[];
  /** SoC samples of at most MAX_SOC_DEVICES traced devices. */
  socSamples: SocSample[];
  /** Latencies seen in the telemetry of traced devices, ascending, at most MAX_VALUES each. */
  latencyMs: { unlock: number[]; handshake: number[] };
  /** The suite's handshake messages, or null when not known for this run. */
  handshake: { suite: string; messages: HandshakeMessage[]; trace?: HandshakeTraceItem[] } | null;
  cloud: CloudLoadRow[] | null;
  /** Hourly rows per station and the OTA rollout plan, when the run modelled the cloud (charts/cloud-hourly.ts). */
  cloudDetail: CloudDetail | null;
}

export const MAX_VALUES = 5000;
export const MAX_SOC_DEVICES = 12;

/** Evenly spaced order statistics of `values` (NaN dropped), ascending, at most `max`. */
export function orderSample(values: ArrayLike<number>, max = MAX_VALUES): number[] {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) finite.push(v);
  }
  finite.sort((a, b) => a - b);
  if (finite.length <= max) return finite;
  const out = new Array<number>(max);
  for (let k = 0; k < max; k++) out[k] = finite[Math.round((k * (finite.length - 1)) / (max - 1))]!;
  return out;
}

export interface RunViewOptions {
  /** Messages of the run's main suite (from firmware's messageSizes); null when unknown. */
  handshakeMessages?: (suite: string) => HandshakeMessage[] | null;
  /** Both roles' steps of one handshake of the suite, from the statecharts; null when unknown. */
  handshakeTrace?: (suite: string) => HandshakeTraceItem[] | null;
}

export function runView(result: RunResult, options: RunViewOptions = {}): RunView {
  const m = result.manifest;
  const sampledDevices = [...new Set(result.socSamples.map((s) => s.device))].sort((a, b) => a - b).slice(0, MAX_SOC_DEVICES);
  const keep = new Set(sampledDevices);
  const unlock: number[] = [];
  const handshake: number[] = [];
  for (const e of result.telemetry) {
    if (e.eventType === 'unlock_attempt' && e.success) unlock.push(e.latencyMs);
    else if (e.eventType === 'handshake' && e.success) handshake.push(e.latencyMs);
  }
  const suites = Object.entries(result.summary.suites).sort((a, b) => b[1] - a[1]);
  const suite = suites[0]?.[0];
  const messages = suite && options.handshakeMessages ? options.handshakeMessages(suite) : null;
  return {
    id: m.runId,
    manifest: {
      runId: m.runId, scenario: m.scenario, seed: m.seed, devices: m.devices, durationDays: m.durationDays,
      profile: m.profile, codeVersion: m.codeVersion, simStart: m.simStart, startedAt: m.startedAt,
      wallMs: m.wallMs, eventsPerSecond: m.eventsPerSecond,
    },
    summary: result.summary,
    lifeDays: orderSample(result.devices.lifeDays),
    lifeSplit: lifeSplit(result),
    energyMjPerDay: orderSample(Array.from(result.devices.energyMj, (mj, k) => mj / aliveDays(result, k))),
    lifeDaysOf: result.devices.count,
    daily: result.daily,
    socSamples: result.socSamples.filter((s) => keep.has(s.device)),
    latencyMs: { unlock: orderSample(unlock), handshake: orderSample(handshake) },
    handshake: suite && messages ? { suite, messages, ...traceOf(suite, options) } : null,
    cloud: cloudRows(result),
    cloudDetail: result.cloud && result.cloud.hourly.length > 0 ? { hourly: result.cloud.hourly, rollout: result.cloud.summary.rollout } : null,
  };
}

function traceOf(suite: string, options: RunViewOptions): { trace?: HandshakeTraceItem[] } {
  const trace = options.handshakeTrace?.(suite);
  return trace ? { trace } : {};
}

/** Days device k was alive in the run (to its brown-out, else the whole run). */
function aliveDays(result: RunResult, k: number): number {
  const dead = result.devices.depletedDay[k]!;
  return Number.isFinite(dead) ? Math.max(dead, 1e-9) : result.manifest.durationDays;
}

/** Lives of devices that browned out within the run (depletedDay finite) and of the rest. */
function lifeSplit(result: RunResult): { observed: number[]; projected: number[] } {
  const d = result.devices;
  const observed: number[] = [];
  const projected: number[] = [];
  for (let k = 0; k < d.count; k++) (Number.isFinite(d.depletedDay[k]) ? observed : projected).push(d.lifeDays[k]!);
  const n = observed.length + projected.length;
  // orderSample needs max ≥ 2 to spread its picks; a part of fewer values is kept whole.
  const share = (m: number) => Math.min(m, Math.max(2, Math.round((MAX_VALUES * m) / Math.max(n, MAX_VALUES))));
  return { observed: orderSample(observed, share(observed.length)), projected: orderSample(projected, share(projected.length)) };
}

/** RunResult has no cloud model yet; a run that carries `cloud.daily` rows gets the chart. */
function cloudRows(result: RunResult): CloudLoadRow[] | null {
  const cloud = (result as unknown as { cloud?: { daily?: unknown } }).cloud;
  if (!cloud || !Array.isArray(cloud.daily) || cloud.daily.length === 0) return null;
  return cloud.daily as CloudLoadRow[];
}
