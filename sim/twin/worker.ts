/**
 * Worker-thread entry of the fleet bundle. Two ways in:
 * - runFleet (parallel.ts): workerData names one partition; the thread simulates it, posts it
 *   back and ends.
 * - a NATS worker (partition-thread.ts): workerData is { serve: true }; the thread
 *   stays up and simulates each partition it is sent, one at a time. The machines are compiled
 *   once per firmware variant for the thread's life (twinMachinesFor), not once per partition:
 *   compiling both statecharts costs about as much as simulating a small partition.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FleetConfig } from './config.ts';
import { twinMachinesFor } from './machines.ts';
import { simulatePartition } from './partition.ts';
import { partitionToMessage, type DaySlice } from './partition-result.ts';
import { DEFAULT_FLEET_FIRMWARE } from '../../scenarios/config.ts';

interface PartitionRequest {
  cfg: FleetConfig;
  lo: number;
  hi: number;
  live: boolean;
  /** Checkpointing: every how many days, and the snapshot to resume from (null: day 0). */
  checkpoint: { everyDays: number; resume: Uint8Array | null } | null;
}

function simulate({ cfg, lo, hi, live, checkpoint }: PartitionRequest): void {
  const result = simulatePartition(cfg, twinMachinesFor(cfg.firmware), lo, hi, {
    onProgress: (simMs, events, work) => parentPort!.postMessage({ type: 'progress', simMs, events, work }),
    ...(live ? { onDay: (slice: DaySlice) => parentPort!.postMessage({ type: 'day', slice }) } : {}),
    ...(checkpoint?.resume ? { resume: checkpoint.resume } : {}),
    // The main thread writes the files (checkpoint-dir.ts): it alone knows when a day is complete.
    ...(checkpoint ? { checkpoint: { everyDays: checkpoint.everyDays, save: (day: number, snapshot: Uint8Array, events: number) => parentPort!.postMessage({ type: 'checkpoint', day, snapshot, events }) } } : {}),
  });
  parentPort!.postMessage({ type: 'done', result: partitionToMessage(result) });
}

if ((workerData as { serve?: boolean }).serve) {
  // Compiled while the worker waits for its first partition (most runs use the default firmware).
  twinMachinesFor(DEFAULT_FLEET_FIRMWARE);
  parentPort!.on('message', (req: PartitionRequest) => simulate(req));
} else simulate(workerData as PartitionRequest);
