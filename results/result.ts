/**
 * The result of a fleet run: what the simulator hands to store/, reports/ and dashboards/.
 * `summary` is a pure function of (scenario, seed, code): byte-identical across runs and worker
 * counts. Wall-clock facts live only in `manifest`.
 * @module
 */
import type { CloudResult } from './cloud.ts';

/** A point estimate with a confidence interval (95 % unless said otherwise). */
export interface Estimate {
  value: number;
  lo: number;
  hi: number;
}

export interface Percentiles {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Where a handshake's time and energy go. Energy in millijoules, time in milliseconds. */
export interface PhaseBreakdown {
  radio: number;
  crypto: number;
  secureElement: number;
  other: number;
}

export interface RunSummary {
  scenario: string;
  seed: number;
  devices: number;
  durationDays: number;
  profile: string;
  /** Devices per suite id, e.g. { 'mlkem768-mldsa44-hybrid-aesgcm': 100 }. */
  suites: Record<string, number>;
  battery: {
    /** Devices that browned out within the run. */
    depleted: number;
    /** Devices still alive at the end (their life is right-censored at durationDays). */
    censored: number;
    /**
     * Time to brown-out in days across the fleet: observed where depleted (`depleted` devices),
     * else projected in closed form with self-discharge and low-battery mode (`censored` devices;
     * sim/twin/life.ts).
     */
    lifeDays: { p5: Estimate; p50: Estimate; p95: Estimate; mean: number };
    /**
     * Useful life in days (until the low-battery alert puts the keychain in low-battery mode):
     * `observed` devices got the alert or browned out within the run, `projected` ones did not.
     */
    usefulLifeDays?: { p5: Estimate; p50: Estimate; p95: Estimate; mean: number; observed: number; projected: number };
    /** Mean state of charge at the end, 0..1. */
    finalSocMean: number;
  };
  unlocks: {
    /** Owner intents: unlock intents and NFC taps, whatever the keychain's state. */
    intents: number;
    /**
     * How each intent ended, exactly one outcome each (the counts add up to `intents`): unlocked,
     * phoneNotInRange, phoneNotFound (discovery window ended), busyDropped (a previous wake was
     * running; the firmware has no queue), lowBatteryWakeOff, wakeOffNotProvisioned (locked down
     * or unprovisioned), batteryDead, endedWithoutUnlock, runEnded, and `failed:<reason>`.
     * Only non-zero outcomes are listed.
     */
    outcomes: Record<string, number>;
    /** Unlocks performed (an unlock may also follow a wake without an owner intent). */
    succeeded: number;
    /** Latency from the wake to the unlock, over completed unlocks only. */
    latencyMs: Percentiles;
  };
  handshake: {
    /** Handshakes started; of them completed (established), failed, and running when the run ended. */
    started: number;
    completed: number;
    failed: number;
    /** Handshake time (start to established), over completed handshakes. */
    timeMs: Percentiles;
    /** Mean time by phase over completed handshakes (sums to timeMs.mean; `other` holds the waits for the phone). */
    meanTimeMsByPhase: PhaseBreakdown;
    /** Mean energy by phase over completed handshakes. */
    meanEnergyMjByPhase: PhaseBreakdown;
    /** Mean time and energy by phase over failed handshakes (until they failed). */
    failedMeanTimeMsByPhase: PhaseBreakdown;
    failedMeanEnergyMjByPhase: PhaseBreakdown;
    /**
     * The device-role handshake machine's states in visiting order, with the mean time spent in
     * each visit (ms): timed operations, and the waits for the phone (`await` states, which hold
     * the phone's own computation and delays). `completedMeanMs`: the state's time per completed
     * handshake up to established (these add up to timeMs.mean; 0 for session states).
     */
    steps?: { state: string; op: string | null; message: string | null; direction: 'tx' | 'rx' | null; meanMs: number; visits: number; completedMeanMs: number }[];
    /**
     * Present when handshakes were drawn from a table (scenario `fleet.handshakes: table`) instead of
     * run per operation: rows per suite and link condition, and the table's own error, the relative
     * standard error (%) of each keychain's bucket's mean handshake charge, averaged over keychains
     * and the largest.
     */
    table?: { rows: number; chargeSePctMean: number; chargeSePctMax: number };
  };
  /** Mean energy per device per day by power state, millijoules. */
  energyMjPerDayByState: Record<string, number>;
  failures: Record<string, number>;
  /** Firmware updates: background sessions that offered an image, and images applied and booted. */
  ota?: { offered: number; applied: number };
  /** NFC taps (wakes by the phone's tap). */
  nfcTaps?: number;
  events: number;
}

export interface RunManifest {
  runId: string;
  scenario: { name: string; path: string | null; sha256: string };
  seed: number;
  devices: number;
  durationDays: number;
  profile: string;
  codeVersion: string;
  node: string;
  deps: Record<string, string>;
  workers: number;
  /** Simulated time 0 as a calendar instant (ISO 8601, UTC): timestamps for InfluxDB and charts. */
  simStart: string;
  startedAt: string;
  wallMs: number;
  eventsPerSecond: number;
}

/** Per-device results as columns; index i is device i. */
export interface DeviceColumns {
  count: number;
  suite: string[];
  capacityMah: Float64Array;
  /** Day of brown-out, or NaN when the device was alive at the end. */
  depletedDay: Float64Array;
  /** Days to brown-out: observed when depleted, else projected (sim/twin/life.ts). */
  lifeDays: Float64Array;
  /** Days to low-battery mode (useful life): observed when the alert came within the run, else projected. */
  usefulLifeDays?: Float64Array;
  finalSoc: Float64Array;
  unlocks: Uint32Array;
  handshakes: Uint32Array;
  failures: Uint32Array;
  energyMj: Float64Array;
}

/** One row per simulated day for the fleet. */
export interface DailyRow {
  /** 0-based: the row covers simulated days [day, day + 1); SoC quantiles are taken at its end. */
  day: number;
  socP5: number;
  socP50: number;
  socP95: number;
  alive: number;
  unlocks: number;
  handshakes: number;
  failures: Record<string, number>;
  /** How the intents of the day ended (non-zero outcomes; see RunSummary.unlocks.outcomes). */
  outcomes: Record<string, number>;
  energyMjByState: Record<string, number>;
}

/** State of charge over time for a sample of devices (trace mode). */
export interface SocSample {
  device: number;
  /** Simulated days elapsed when sampled (day boundaries, or the brown-out instant). */
  day: number;
  soc: number;
  brownout: boolean;
}

/**
 * One telemetry event of a sampled device, shaped like the system's telemetry document
 * ({device_id, timestamp, event_type: "unlock_attempt", success, latency_ms, meta: {rssi, session_kdf}}).
 */
export interface TelemetryEvent {
  device: number;
  /** Simulated milliseconds since manifest.simStart. */
  timeMs: number;
  eventType: 'unlock_attempt' | 'handshake' | 'brownout' | 'provision' | 'battery';
  success: boolean;
  latencyMs: number;
  rssi: number;
  sessionKdf: string;
  suite: string;
  /** Failure reason when success is false, else ''. */
  reason: string;
  /** State of charge 0..1 at the event. */
  soc: number;
}

export interface RunResult {
  manifest: RunManifest;
  summary: RunSummary;
  devices: DeviceColumns;
  daily: DailyRow[];
  socSamples: SocSample[];
  telemetry: TelemetryEvent[];
  /** The cloud capacity model's result, when the scenario has a `cloud:` section (results/cloud.ts). */
  cloud?: CloudResult;
}
