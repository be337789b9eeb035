/**
 * Worker-thread entry of runFleet: simulates one partition and posts it back.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FleetConfig } from './config.ts';
import { compileTwinMachines } from './machines.ts';
import { simulatePartition } from './partition.ts';
import { partitionToMessage, type DaySlice } from './partition-result.ts';

const { cfg, lo, hi, live, checkpoint } = workerData as {
  cfg: FleetConfig;
  lo: number;
  hi: number;
  live: boolean;
  /** Checkpointing: every how many days, and the snapshot to resume from (null: day 0). */
  checkpoint: { everyDays: number; resume: Uint8Array | null } | null;
};
const result = simulatePartition(cfg, compileTwinMachines(cfg.firmware), lo, hi, {
  onProgress: (simMs, events) => parentPort!.postMessage({ type: 'progress', simMs, events }),
  ...(live ? { onDay: (slice: DaySlice) => parentPort!.postMessage({ type: 'day', slice }) } : {}),
  ...(checkpoint?.resume ? { resume: checkpoint.resume } : {}),
  // The main thread writes the files (checkpoint-dir.ts): it alone knows when a day is complete.
  ...(checkpoint ? { checkpoint: { everyDays: checkpoint.everyDays, save: (day: number, snapshot: Uint8Array, events: number) => parentPort!.postMessage({ type: 'checkpoint', day, snapshot, events }) } } : {}),
});
parentPort!.postMessage({ type: 'done', result: partitionToMessage(result) });
