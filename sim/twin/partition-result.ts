/**
 * What a partition of the fleet hands back: per-device columns, integer accumulators and
 * integer-count histograms. Merging partitions (partition-fold.ts) is exact addition and
 * concatenation in device order, so the summary cannot depend on how the fleet was split.
 * @module
 */
import { Tally, type TallyJson } from '../engine/index.ts';
import type { SocSample, TelemetryEvent } from '../../results/index.ts';
import { DAY_MS } from '../../units/index.ts';
import { outcomeNames } from './partition-outcomes.ts';
import { PHASE_COUNT } from './op-model.ts';

/** A state of the device-role handshake machine (its canonical state value) and what it does. */
export interface HandshakeStep {
  state: string;
  op: string | null;
  message: string | null;
  direction: 'tx' | 'rx' | null;
}

/** Width of the fleet-activity bins the cloud model reads, ms (one minute). */
export const ACTIVITY_BIN_MS = 60_000;

/** State-of-charge histogram resolution per day (0.1 % of SoC per bin). */
export const SOC_BINS = 1000;

export class PartitionResult {
  readonly lo: number;
  readonly n: number;
  readonly days: number;
  /** Failure reasons, in the device machine's action order (identical in every partition). */
  readonly reasons: readonly string[];
  readonly modes: readonly string[];
  suiteIds: string[] = [];
  suite: Uint8Array;
  capacityMah: Float64Array;
  cutoffMah: Float64Array;
  depletedDay: Float64Array;
  finalSoc: Float64Array;
  unlocks: Uint32Array;
  handshakes: Uint32Array;
  failures: Uint32Array;
  energyUj: Float64Array;
  /** Simulated day the low-battery alert switched the device to low-battery mode (NaN: never): a whole day number, exact in a float32. */
  lowDay: Float32Array;
  /** Self-discharge rate of the cell, per ms (the life projection integrates it). */
  lambdaPerMs: Float64Array;
  /** Remaining charge at the end, mAh (0 once browned out). */
  finalMah: Float64Array;
  /** Expected NFC taps per day (the owner's rate; the wakes low-battery mode keeps). */
  nfcPerDay: Float64Array;
  /** NFC-tap wakes, the energy drawn by them until back at rest (µJ), and their peak current (mA). */
  nfcWakes: Uint32Array;
  nfcUj: Float64Array;
  nfcPeakMa: Float64Array;
  /** Highest current drawn over the run, mA. */
  peakMa: Float64Array;
  /** Low-battery mode, read from the compiled device machine: its rest current (mA) and whether taps / motion still wake it. */
  lowRestMa = 0;
  lowWakesOnNfc = false;
  lowWakesOnMotion = false;
  unlockLatency = new Tally();
  handshakeTime = new Tally();
  /** Owner intents (unlock intents and NFC taps); each ends as one outcome (partition-outcomes.ts). */
  intents = 0;
  /** Handshakes that reached established, and that ended before it (started − both: running at the end). */
  hsCompleted = 0;
  hsFailed = 0;
  nfcTaps = 0;
  otaOffered = 0;
  otaApplied = 0;
  handshakesOk = 0;
  events = 0;
  /**
   * Handshake-table runs (handshake-table.ts): the relative standard error of the mean handshake
   * charge of each keychain's bucket, in parts per million, summed over keychains and the largest
   * (integers, so the fold is exact in any split); 0 when handshakes run per operation.
   */
  tableRelSePpm = 0;
  tableRelSeMaxPpm = 0;
  failuresByReason: Float64Array;
  energyByMode: Float64Array;
  /** Handshake time (µs) and energy (µJ) by phase: of completed handshakes, and of failed ones. */
  phaseEnergyUj = new Float64Array(PHASE_COUNT);
  phaseTimeUs = new Float64Array(PHASE_COUNT);
  phaseEnergyUjFailed = new Float64Array(PHASE_COUNT);
  phaseTimeUsFailed = new Float64Array(PHASE_COUNT);
  /** Outcome names (fixed outcomes, then `failed:<reason>`), fleet counts, per day (days × width). Not kept per device: n × width counters (192 B a keychain) that nothing read. */
  readonly outcomeNames: readonly string[];
  outcomes: Float64Array;
  dayOutcomes: Float64Array;
  /** Per device: the owner's unlock intents (taps included), jostles and NFC taps (identical across variants). */
  deviceIntents: Uint32Array;
  deviceJostles: Uint32Array;
  deviceNfcTaps: Uint32Array;
  dayUnlocks: Float64Array;
  dayHandshakes: Float64Array;
  dayFailures: Float64Array;
  dayEnergyByMode: Float64Array;
  daySoc: Float64Array;
  dayAlive: Float64Array;
  /** Per ACTIVITY_BIN_MS bin: motion wakes, handshakes established, unlocks, failures (fleet counts). */
  binWakes: Float64Array;
  binHandshakes: Float64Array;
  binUnlocks: Float64Array;
  binFailures: Float64Array;
  /** Handshake (device role) states with their hardware annotations, and the time spent in / visits to each. */
  hsStates: readonly HandshakeStep[] = [];
  hsStateUs = new Float64Array(0);
  hsStateVisits = new Float64Array(0);
  /** Earliest entry into each state since its handshake began, µs: orders the states as a handshake visits them. */
  hsStateFirstUs = new Float64Array(0);
  /** Time in each state of completed handshakes up to established, µs (sums to their handshake time). */
  hsStateUsCompleted = new Float64Array(0);
  socSamples: SocSample[] = [];
  telemetry: TelemetryEvent[] = [];

  /**
   * `endColumns` false: the columns only the end of the run writes (suite, cutoffMah, finalSoc, finalMah, nfcPerDay) start empty, and
   * the partition hands them over when it finishes (partition.ts finish), so they are not held
   * through the run (33 B a keychain, issue 12).
   */
  constructor(lo: number, n: number, days: number, reasons: readonly string[], modes: readonly string[], endColumns = true) {
    this.lo = lo;
    this.n = n;
    this.days = Math.max(1, days);
    this.reasons = reasons;
    this.modes = modes;
    this.outcomeNames = outcomeNames(reasons);
    const w = this.outcomeNames.length;
    this.outcomes = new Float64Array(w);
    this.dayOutcomes = new Float64Array(this.days * w);
    this.deviceIntents = new Uint32Array(n);
    this.deviceJostles = new Uint32Array(n);
    this.deviceNfcTaps = new Uint32Array(n);
    const m = endColumns ? n : 0;
    this.suite = new Uint8Array(m);
    this.cutoffMah = new Float64Array(m);
    this.finalSoc = new Float64Array(m);
    this.finalMah = new Float64Array(m);
    this.nfcPerDay = new Float64Array(m);
    this.capacityMah = new Float64Array(n);
    this.depletedDay = new Float64Array(n).fill(NaN);
    this.unlocks = new Uint32Array(n);
    this.handshakes = new Uint32Array(n);
    this.failures = new Uint32Array(n);
    this.energyUj = new Float64Array(n);
    this.lowDay = new Float32Array(n).fill(NaN);
    this.lambdaPerMs = new Float64Array(n);
    this.nfcWakes = new Uint32Array(n);
    this.nfcUj = new Float64Array(n);
    this.nfcPeakMa = new Float64Array(n);
    this.peakMa = new Float64Array(n);
    this.failuresByReason = new Float64Array(reasons.length);
    this.energyByMode = new Float64Array(modes.length);
    this.dayUnlocks = new Float64Array(this.days);
    this.dayHandshakes = new Float64Array(this.days);
    this.dayFailures = new Float64Array(this.days * reasons.length);
    this.dayEnergyByMode = new Float64Array(this.days * modes.length);
    this.daySoc = new Float64Array(this.days * SOC_BINS);
    this.dayAlive = new Float64Array(this.days);
    const bins = this.days * (DAY_MS / ACTIVITY_BIN_MS);
    this.binWakes = new Float64Array(bins);
    this.binHandshakes = new Float64Array(bins);
    this.binUnlocks = new Float64Array(bins);
    this.binFailures = new Float64Array(bins);
  }

}

/** A PartitionResult as plain data for postMessage (tallies lose their class on the way). */
export function partitionToMessage(r: PartitionResult): unknown {
  return { ...r, unlockLatency: r.unlockLatency.toJSON(), handshakeTime: r.handshakeTime.toJSON() };
}

export function partitionFromMessage(m: unknown): PartitionResult {
  const raw = m as Record<string, unknown> & { unlockLatency: TallyJson; handshakeTime: TallyJson };
  const r = Object.assign(Object.create(PartitionResult.prototype) as PartitionResult, raw, {
    unlockLatency: Tally.fromJSON(raw.unlockLatency),
    handshakeTime: Tally.fromJSON(raw.handshakeTime),
  });
  return r;
}

/**
 * One simulated day of a partition, for live progress: that day's slices of the per-day
 * accumulators plus a sample of latencies and projected battery lives.
 */
export interface DaySlice {
  day: number;
  soc: Float64Array;
  alive: number;
  unlocks: number;
  handshakes: number;
  failures: Float64Array;
  energy: Float64Array;
  unlockLatencyMs: number[];
  handshakeLatencyMs: number[];
  lifeDays: number[];
}

export function daySlice(r: PartitionResult, day: number, samples: { unlock: number[]; handshake: number[]; life: number[] }): DaySlice {
  const d = day - 1;
  const R = r.reasons.length;
  const M = r.modes.length;
  return {
    day,
    soc: r.daySoc.slice(d * SOC_BINS, (d + 1) * SOC_BINS),
    alive: r.dayAlive[d]!,
    unlocks: r.dayUnlocks[d]!,
    handshakes: r.dayHandshakes[d]!,
    failures: r.dayFailures.slice(d * R, (d + 1) * R),
    energy: r.dayEnergyByMode.slice(d * M, (d + 1) * M),
    unlockLatencyMs: samples.unlock,
    handshakeLatencyMs: samples.handshake,
    lifeDays: samples.life,
  };
}

/** Adds a day slice into a (live) result covering the whole fleet. */
export function addDaySlice(into: PartitionResult, s: DaySlice): void {
  const d = s.day - 1;
  const R = into.reasons.length;
  const M = into.modes.length;
  for (let i = 0; i < SOC_BINS; i++) into.daySoc[d * SOC_BINS + i]! += s.soc[i]!;
  into.dayAlive[d]! += s.alive;
  into.dayUnlocks[d]! += s.unlocks;
  into.dayHandshakes[d]! += s.handshakes;
  for (let i = 0; i < R; i++) into.dayFailures[d * R + i]! += s.failures[i]!;
  for (let i = 0; i < M; i++) into.dayEnergyByMode[d * M + i]! += s.energy[i]!;
}
