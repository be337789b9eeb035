/**
 * runFleet: the fleet on 1..N worker threads (bundle.ts). Devices are split into contiguous
 * ranges, each simulated by simulatePartition in its own thread (each compiles the machines
 * itself: tables hold XState snapshots, which do not cross threads), and each result is folded
 * into the merged one as its thread finishes (partition-fold.ts). Because every device draws from
 * its own stream and accumulators are integers, the summary is byte-identical for any number of
 * workers — tested, not assumed. With a pool (fleet-pool.ts) the partitions run on its shared
 * long-lived threads instead of threads of the run's own: a sweep's many runs.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { FleetConfig } from './config.ts';
import type { TwinMachines } from './machines.ts';
import { partitionFromMessage, type DaySlice } from './partition-result.ts';
import { PartitionFold } from './partition-fold.ts';
import { assembleMerged, simulateFleet, type FleetOutput } from './simulate.ts';
import { workerBundle } from './bundle.ts';
import { partitionBounds } from './partition-bounds.ts';
import { planCheckpoint, type FleetCheckpoint } from './checkpoint-fleet.ts';
import { DAY_MS } from '../../units/index.ts';
import type { WorkForecast } from './partition-forecast.ts';
import type { FleetPool } from './fleet-pool.ts';

export interface RunFleetOptions {
  machines?: TwinMachines;
  /** Worker threads (default 1). 0 runs in this thread, unbundled (tests, debugging). */
  workers?: number;
  /**
   * Simulated ms done (the slowest partition), events so far (all partitions) and the work done
   * and left (all partitions; undefined until each has reported once): for an ETA.
   */
  onProgress?: (simMs: number, events: number, work: WorkForecast | undefined) => void;
  /** Each partition's slice of each simulated day (live dashboards merge them with addDaySlice). */
  onDay?: (slice: DaySlice) => void;
  /** Save the complete state every few days, or continue a saved one (checkpoint-fleet.ts). */
  checkpoint?: FleetCheckpoint;
  /**
   * Simulate the `workers` partitions on this pool's threads (fleet-pool.ts) instead of threads
   * of the run's own: many runs at once share it (a sweep). Not with `checkpoint` or `onDay`,
   * which need every partition of the run running together.
   */
  pool?: FleetPool;
}

export async function runFleet(cfg: FleetConfig, options: RunFleetOptions = {}): Promise<FleetOutput> {
  const ck = options.checkpoint && planCheckpoint(cfg, options.checkpoint, options.workers ?? 1);
  // A partition's checkpoint is complete once every partition has saved that day (checkpoint-dir.ts).
  const save = (part: number, day: number, snapshot: Uint8Array, events: number) => {
    if (ck!.writer.save(part, day, snapshot, events)) options.checkpoint!.onSaved?.(day);
  };
  if (options.workers === 0) {
    const opts: Parameters<typeof simulateFleet>[1] = {};
    if (options.machines) opts.machines = options.machines;
    if (options.onProgress) opts.onProgress = options.onProgress;
    if (options.onDay) opts.onDay = options.onDay;
    if (ck) {
      if (ck.snapshots.length !== 1) throw new Error(`runFleet: the checkpoint holds ${ck.snapshots.length} partitions; resume it on worker threads (workers ≥ 1), not in this thread`);
      if (ck.snapshots[0]) opts.resume = ck.snapshots[0];
      opts.checkpoint = { everyDays: ck.everyDays, save: (day, snapshot, events) => save(0, day, snapshot, events) };
    }
    return simulateFleet(cfg, opts);
  }
  const workers = ck ? ck.bounds.length - 1 : Math.max(1, Math.min(options.workers ?? 1, cfg.devices));
  if (options.pool) {
    if (ck || options.onDay) throw new Error('runFleet: a pooled run cannot checkpoint or stream days (they need all its partitions running together)');
    return pooled(cfg, options.pool, partitionBounds(cfg.devices, workers), options.onProgress);
  }
  const code = await workerBundle();
  const bounds = ck ? ck.bounds : partitionBounds(cfg.devices, workers);
  const simMs = new Float64Array(workers).fill((ck?.startDay ?? 0) * DAY_MS);
  const events = ck ? Float64Array.from(ck.startEvents) : new Float64Array(workers);
  const work = new WorkSum(workers);
  // Each result is folded in as its worker finishes (in any order), so the main thread holds the
  // merged result and at most the partitions arriving at once, not all of them.
  const fold = new PartitionFold(bounds);
  await Promise.all(
    bounds.slice(0, -1).map(
      (lo, i) =>
        new Promise<void>((resolve, reject) => {
          const checkpoint = ck ? { everyDays: ck.everyDays, resume: ck.snapshots[i] } : null;
          const w = new Worker(code, { eval: true, workerData: { cfg, lo, hi: bounds[i + 1], live: options.onDay !== undefined, checkpoint } });
          w.on('message', (m: { type: string; simMs?: number; events?: number; work?: WorkForecast; result?: unknown; slice?: DaySlice; day?: number; snapshot?: Uint8Array }) => {
            if (m.type === 'checkpoint') save(i, m.day!, m.snapshot!, m.events!);
            else if (m.type === 'progress') {
              simMs[i] = m.simMs!;
              events[i] = m.events!;
              options.onProgress?.(Math.min(...simMs), events.reduce((a, b) => a + b, 0), work.set(i, m.work!));
            } else if (m.type === 'day') options.onDay?.(m.slice!);
            else if (m.type === 'done') {
              try {
                fold.add(i, partitionFromMessage(m.result));
                resolve();
              } catch (err) {
                reject(err as Error);
              }
            }
          });
          w.on('error', reject);
          w.on('exit', (code) => {
            if (code !== 0) reject(new Error(`fleet worker ${i} (devices ${lo}..${bounds[i + 1]! - 1}) exited with code ${code}`));
          });
        }),
    ),
  );
  return assembleMerged(cfg, fold.result());
}

/** The run's partitions on the pool's threads, each folded in as it finishes. */
async function pooled(cfg: FleetConfig, pool: FleetPool, bounds: number[], onProgress: RunFleetOptions['onProgress']): Promise<FleetOutput> {
  const parts = bounds.length - 1;
  const simMs = new Float64Array(parts);
  const events = new Float64Array(parts);
  const work = new WorkSum(parts);
  const fold = new PartitionFold(bounds);
  await Promise.all(
    bounds.slice(0, -1).map((lo, i) =>
      pool
        .partition(cfg, lo, bounds[i + 1]!, (ms, ev, w) => {
          simMs[i] = ms;
          events[i] = ev;
          onProgress?.(Math.min(...simMs), events.reduce((a, b) => a + b, 0), work.set(i, w));
        })
        .then((r) => fold.add(i, r)),
    ),
  );
  return assembleMerged(cfg, fold.result());
}

/** The partitions' work forecasts summed; undefined until every partition has given one. */
class WorkSum {
  private readonly done: Float64Array;
  private readonly left: Float64Array;

  constructor(parts: number) {
    this.done = new Float64Array(parts).fill(NaN);
    this.left = new Float64Array(parts).fill(NaN);
  }

  set(i: number, w: WorkForecast): WorkForecast | undefined {
    this.done[i] = w.done;
    this.left[i] = w.left;
    let done = 0;
    let left = 0;
    for (let p = 0; p < this.done.length; p++) {
      done += this.done[p]!;
      left += this.left[p]!;
    }
    return done === done && left === left ? { done, left } : undefined;
  }
}
