/**
 * Worker-thread entry of runFleet: simulates one partition and posts it back.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FleetConfig } from './config.ts';
import { compileTwinMachines } from './machines.ts';
import { simulatePartition } from './partition.ts';
import { partitionToMessage } from './partition-result.ts';

const { cfg, lo, hi } = workerData as { cfg: FleetConfig; lo: number; hi: number };
const result = simulatePartition(cfg, compileTwinMachines(), lo, hi, {
  onProgress: (simMs, events) => parentPort!.postMessage({ type: 'progress', simMs, events }),
});
parentPort!.postMessage({ type: 'done', result: partitionToMessage(result) });
