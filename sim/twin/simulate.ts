/**
 * simulateFleet: a whole fleet run in this thread (one partition), returning everything of the
 * RunResult that is a pure function of (config, code): summary, device columns, daily rows, SoC
 * samples and telemetry of the traced devices. The wall-clock manifest is the caller's (cli/).
 * @module
 */
import type { FleetConfig } from './config.ts';
import { compileTwinMachines, type TwinMachines } from './machines.ts';
import { simulatePartition, type PartitionOptions } from './partition.ts';
import { ACTIVITY_BIN_MS, type DaySlice, type PartitionResult } from './partition-result.ts';
import { mergePartitions } from './partition-fold.ts';
import type { FleetActivity, RunResult } from '../../results/index.ts';
import { buildSummary } from './summary.ts';
import type { ProgressFn } from './partition-forecast.ts';

export type FleetOutput = Omit<RunResult, 'manifest'> & { activity: FleetActivity };

export interface SimulateOptions extends Pick<PartitionOptions, 'resume' | 'checkpoint'> {
  /** Precompiled machines (compiling takes ~1 s; reuse them across runs of a sweep). */
  machines?: TwinMachines;
  /** Called about once per simulated day with (simulated ms done, events so far, the work done and left: an ETA's). */
  onProgress?: ProgressFn;
  /** Called with each simulated day's slice (live dashboards). */
  onDay?: (slice: DaySlice) => void;
}

export function simulateFleet(cfg: FleetConfig, options: SimulateOptions = {}): FleetOutput {
  const machines = options.machines ?? compileTwinMachines(cfg.firmware);
  const part = simulatePartition(cfg, machines, 0, cfg.devices, options);
  return assemble(cfg, [part]);
}

/** Merges partitions and builds the deterministic outputs. */
export function assemble(cfg: FleetConfig, parts: readonly PartitionResult[]): FleetOutput {
  return assembleMerged(cfg, mergePartitions(parts));
}

/** The deterministic outputs of the whole fleet's merged result (mergePartitions, or a PartitionFold's). */
export function assembleMerged(cfg: FleetConfig, merged: PartitionResult): FleetOutput {
  const { summary, devices, daily } = buildSummary(cfg, merged);
  const socSamples = [...merged.socSamples].sort((a, b) => a.device - b.device || a.day - b.day);
  const telemetry = [...merged.telemetry].sort((a, b) => a.device - b.device || a.timeMs - b.timeMs);
  const activity: FleetActivity = {
    binMs: ACTIVITY_BIN_MS,
    wakes: merged.binWakes,
    handshakes: merged.binHandshakes,
    unlocks: merged.binUnlocks,
    failures: merged.binFailures,
  };
  return { summary, devices, daily, socSamples, telemetry, activity };
}
