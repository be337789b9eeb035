/**
 * A pool of long-lived fleet worker threads (partition-thread.ts) that many runs share: the runs
 * of a sweep, its replications, a sensitivity analysis. Starting a run's own threads costs about
 * a second and a half (the bundle evaluated, both statecharts compiled), which was most of a small
 * run's wall time: a tornado over the default profile's 82 low-confidence figures (165 runs of 20
 * keychains × 3 days) took 265 s, 1.6 s a run. A pooled thread compiles once and then only
 * simulates, and the pool keeps every thread busy by running partitions of several runs at once,
 * so small runs use every core too.
 *
 * Partitions are handed out in the order they were asked for, one at a time per thread. A run's
 * result does not depend on which thread simulated which of its partitions or in what order they
 * finished (partition-fold.ts), so pooled and unpooled runs give byte-identical summaries (tested).
 * @module
 */
import { availableParallelism } from 'node:os';
import type { FleetConfig } from './config.ts';
import { workerBundle } from './bundle.ts';
import { PartitionThread } from './partition-thread.ts';
import type { PartitionResult } from './partition-result.ts';
import type { ProgressFn } from './partition-forecast.ts';

interface Job {
  cfg: FleetConfig;
  lo: number;
  hi: number;
  onProgress: ProgressFn;
  resolve: (r: PartitionResult) => void;
  reject: (e: Error) => void;
}

export class FleetPool {
  /** Threads in the pool. */
  readonly size: number;
  private readonly threads: PartitionThread[];
  private readonly idle: PartitionThread[];
  private readonly queue: Job[] = [];
  private closed = false;

  private constructor(code: string, size: number) {
    this.size = size;
    this.threads = Array.from({ length: size }, () => new PartitionThread(code));
    this.idle = [...this.threads];
  }

  /** The threads a pool asked for `threads` gets: at most one per core (results are the same for any count). */
  static sizeFor(threads: number, cores = availableParallelism()): number {
    if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`FleetPool: threads must be a whole number ≥ 1, got ${threads}`);
    return Math.min(threads, cores);
  }

  /** A pool of {@link sizeFor}(threads, cores) threads. */
  static async open(threads: number, cores = availableParallelism()): Promise<FleetPool> {
    return new FleetPool(await workerBundle(), FleetPool.sizeFor(threads, cores));
  }

  /** Simulates devices lo..hi−1 of `cfg` on the next free thread. */
  partition(cfg: FleetConfig, lo: number, hi: number, onProgress: ProgressFn = () => {}): Promise<PartitionResult> {
    if (this.closed) return Promise.reject(new Error('FleetPool: the pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ cfg, lo, hi, onProgress, resolve, reject });
      this.pump();
    });
  }

  /** Threads started so far: the pool's size unless a partition failed (its thread is replaced). */
  get threadStarts(): number {
    return this.threads.reduce((n, t) => n + t.starts, 0);
  }

  /** Ends the threads; partitions still queued are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('FleetPool: closed before the partition ran'));
    await Promise.all(this.threads.map((t) => t.close()));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const thread = this.idle.shift()!;
      const job = this.queue.shift()!;
      const free = () => {
        this.idle.push(thread);
        this.pump();
      };
      thread.run(job.cfg, job.lo, job.hi, job.onProgress).result.then(
        (r) => {
          free();
          job.resolve(r);
        },
        (e: Error) => {
          free();
          job.reject(e);
        },
      );
    }
  }
}
