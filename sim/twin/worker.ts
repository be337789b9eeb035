/**
 * Worker-thread entry of runFleet: simulates one partition and posts it back.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FleetConfig } from './config.ts';
import { compileTwinMachines } from './machines.ts';
import { simulatePartition } from './partition.ts';
import { partitionToMessage, type DaySlice } from './partition-result.ts';

const { cfg, lo, hi, live } = workerData as { cfg: FleetConfig; lo: number; hi: number; live: boolean };
const result = simulatePartition(cfg, compileTwinMachines(cfg.firmware), lo, hi, {
  onProgress: (simMs, events) => parentPort!.postMessage({ type: 'progress', simMs, events }),
  ...(live ? { onDay: (slice: DaySlice) => parentPort!.postMessage({ type: 'day', slice }) } : {}),
});
parentPort!.postMessage({ type: 'done', result: partitionToMessage(result) });
