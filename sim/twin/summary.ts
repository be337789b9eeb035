/**
 * From merged partition results to the RunResult's deterministic parts: the summary, the device
 * columns and the daily rows. Only integer accumulators and sorted per-device values go in, and
 * numbers are rounded to a fixed number of significant digits, so the JSON is byte-identical for
 * the same scenario, seed and code.
 * @module
 */
import type { FleetConfig } from './config.ts';
import { PHASES } from './op-model.ts';
import { SOC_BINS, type PartitionResult } from './partition-result.ts';
import { deviceLives } from './life.ts';
import { quantileWithCi } from './quantiles.ts';
import type { DailyRow, DeviceColumns, Estimate, Percentiles, RunSummary } from '../../results/index.ts';
import type { Tally } from '../engine/index.ts';

/** Significant digits kept in the summary: well inside every model's accuracy, stable in JSON. */
const DIGITS = 6;

export function round(x: number, digits = DIGITS): number {
  if (!Number.isFinite(x) || x === 0) return Number.isNaN(x) ? NaN : x;
  return Number(x.toPrecision(digits));
}

function est(e: Estimate): Estimate {
  return { value: round(e.value), lo: round(e.lo), hi: round(e.hi) };
}

function percentiles(h: Tally): Percentiles {
  return {
    count: h.count,
    mean: round(h.mean),
    p50: round(h.quantile(0.5)),
    p95: round(h.quantile(0.95)),
    p99: round(h.quantile(0.99)),
  };
}

function lifeStats(sorted: Float64Array): { p5: Estimate; p50: Estimate; p95: Estimate; mean: number } {
  const finite = sorted.filter((x) => Number.isFinite(x));
  const mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN;
  return {
    p5: est(quantileWithCi(sorted, 0.05)),
    p50: est(quantileWithCi(sorted, 0.5)),
    p95: est(quantileWithCi(sorted, 0.95)),
    mean: round(mean),
  };
}

export function buildSummary(cfg: FleetConfig, r: PartitionResult): { summary: RunSummary; devices: DeviceColumns; daily: DailyRow[] } {
  const n = r.n;
  const lives = deviceLives(r, cfg.profile, cfg.durationDays);
  const life = lives.brownoutDays;
  const depleted = lives.brownoutObserved.reduce((a, b) => a + b, 0);
  const usefulObserved = lives.usefulObserved.reduce((a, b) => a + b, 0);
  const uj2mj = 1e-3;
  const deviceDays = n * cfg.durationDays;
  const handshakes = r.handshakes.reduce((a, b) => a + b, 0);
  const unlocks = r.unlocks.reduce((a, b) => a + b, 0);
  // Phase means over one population each: completed handshakes, or failed ones.
  const phases = (acc: Float64Array, scale: number, count: number) =>
    Object.fromEntries(PHASES.map((p, i) => [p, round(count ? (acc[i]! * scale) / count : 0)])) as unknown as RunSummary['handshake']['meanEnergyMjByPhase'];
  const outcomes = outcomeCounts(r, r.outcomes, 0);
  const outcomeTotal = Object.values(outcomes).reduce((a, b) => a + b, 0);
  if (outcomeTotal !== r.intents) throw new Error(`buildSummary: ${r.intents} intents but ${outcomeTotal} outcomes (an intent was lost or counted twice)`);
  const failures: Record<string, number> = {};
  r.reasons.forEach((reason, i) => {
    if (r.failuresByReason[i]) failures[reason] = r.failuresByReason[i]!;
  });
  const suites: Record<string, number> = {};
  for (let k = 0; k < n; k++) {
    const id = r.suiteIds[r.suite[k]!]!;
    suites[id] = (suites[id] ?? 0) + 1;
  }
  const energyByState: Record<string, number> = {};
  r.modes.forEach((m, i) => {
    if (r.energyByMode[i]) energyByState[m] = round((r.energyByMode[i]! * uj2mj) / deviceDays);
  });
  const summary: RunSummary = {
    scenario: cfg.name,
    seed: typeof cfg.seed === 'number' ? cfg.seed : Number.NaN,
    devices: n,
    durationDays: cfg.durationDays,
    profile: cfg.profile.profile,
    suites,
    battery: {
      depleted,
      censored: n - depleted,
      lifeDays: lifeStats(Float64Array.from(life).sort()),
      usefulLifeDays: { ...lifeStats(Float64Array.from(lives.usefulDays).sort()), observed: usefulObserved, projected: n - usefulObserved },
      finalSocMean: round(r.finalSoc.reduce((a, b) => a + b, 0) / n),
    },
    unlocks: { intents: r.intents, outcomes, succeeded: unlocks, latencyMs: percentiles(r.unlockLatency) },
    handshake: {
      started: handshakes,
      completed: r.hsCompleted,
      failed: r.hsFailed,
      timeMs: percentiles(r.handshakeTime),
      meanTimeMsByPhase: phases(r.phaseTimeUs, 1e-3, r.hsCompleted),
      meanEnergyMjByPhase: phases(r.phaseEnergyUj, uj2mj, r.hsCompleted),
      failedMeanTimeMsByPhase: phases(r.phaseTimeUsFailed, 1e-3, r.hsFailed),
      failedMeanEnergyMjByPhase: phases(r.phaseEnergyUjFailed, uj2mj, r.hsFailed),
      steps: handshakeSteps(r),
      ...((cfg.handshakeTable ?? 0) > 0 ? { table: { rows: cfg.handshakeTable!, chargeSePctMean: round(r.tableRelSePpm / n / 1e4), chargeSePctMax: round(r.tableRelSeMaxPpm / 1e4) } } : {}),
    },
    energyMjPerDayByState: energyByState,
    failures,
    ota: { offered: r.otaOffered, applied: r.otaApplied },
    nfcTaps: r.nfcTaps,
    events: r.events,
  };
  if (typeof cfg.seed === 'string') (summary as { seed: number | string }).seed = cfg.seed;

  const devices: DeviceColumns = {
    count: n,
    suite: Array.from(r.suite, (s) => r.suiteIds[s]!),
    capacityMah: Float64Array.from(r.capacityMah, (x) => round(x)),
    depletedDay: Float64Array.from(r.depletedDay, (x) => round(x)),
    lifeDays: Float64Array.from(life, (x) => round(x)),
    usefulLifeDays: Float64Array.from(lives.usefulDays, (x) => round(x)),
    finalSoc: Float64Array.from(r.finalSoc, (x) => round(x)),
    unlocks: r.unlocks,
    handshakes: r.handshakes,
    failures: r.failures,
    energyMj: Float64Array.from(r.energyUj, (x) => round(x * uj2mj)),
  };

  const daily = dailyRows(r, r.days);
  return { summary, devices, daily };
}

/** Fleet rows of days 1..`days` from the per-day accumulators (also used for live progress). */
export function dailyRows(r: PartitionResult, days: number): DailyRow[] {
  const uj2mj = 1e-3;
  const daily: DailyRow[] = [];
  for (let d = 0; d < days; d++) {
    const bins = r.daySoc.subarray(d * SOC_BINS, (d + 1) * SOC_BINS);
    const total = bins.reduce((a, b) => a + b, 0);
    const q = (p: number) => {
      const rank = Math.max(1, Math.ceil(p * total));
      let seen = 0;
      for (let i = 0; i < SOC_BINS; i++) if ((seen += bins[i]!) >= rank) return round((i + 0.5) / SOC_BINS, 4);
      return NaN;
    };
    const fails: Record<string, number> = {};
    r.reasons.forEach((reason, i) => {
      const c = r.dayFailures[d * r.reasons.length + i]!;
      if (c) fails[reason] = c;
    });
    const energy: Record<string, number> = {};
    r.modes.forEach((m, i) => {
      const e = r.dayEnergyByMode[d * r.modes.length + i]!;
      if (e) energy[m] = round(e * uj2mj);
    });
    daily.push({
      day: d,
      socP5: q(0.05),
      socP50: q(0.5),
      socP95: q(0.95),
      alive: r.dayAlive[d]!,
      unlocks: r.dayUnlocks[d]!,
      handshakes: r.dayHandshakes[d]!,
      failures: fails,
      outcomes: outcomeCounts(r, r.dayOutcomes, d * r.outcomeNames.length),
      energyMjByState: energy,
    });
  }
  return daily;
}

/** The handshake states a run visited, in the order a handshake visits them (earliest entry). */
function handshakeSteps(r: PartitionResult): NonNullable<RunSummary['handshake']['steps']> {
  const at = (i: number) => r.hsStateFirstUs[i]!;
  return r.hsStates
    .map((st, i) => ({ st, i }))
    .filter(({ i }) => r.hsStateVisits[i]! > 0)
    .sort((a, b) => at(a.i) - at(b.i) || a.i - b.i)
    .map(({ st, i }) => ({
      ...st,
      meanMs: round(r.hsStateUs[i]! / 1000 / r.hsStateVisits[i]!),
      visits: r.hsStateVisits[i]!,
      completedMeanMs: round(r.hsCompleted ? r.hsStateUsCompleted[i]! / 1000 / r.hsCompleted : 0),
    }));
}

/** The non-zero outcome counts at `acc[offset ..]`, by outcome name. */
function outcomeCounts(r: PartitionResult, acc: Float64Array, offset: number): Record<string, number> {
  const out: Record<string, number> = {};
  r.outcomeNames.forEach((name, i) => {
    const c = acc[offset + i]!;
    if (c) out[name] = c;
  });
  return out;
}
