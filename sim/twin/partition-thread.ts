/**
 * Partitions simulated one after another in one long-lived worker thread from the worker bundle
 * (worker.ts in serve mode): the bundle is evaluated and the statecharts compiled once per thread
 * (and firmware), not once per partition. Used by a NATS worker process (distributed/: its own
 * event loop stays free to send JetStream in-progress acks while the thread computes for
 * minutes) and by a pool of threads serving the many runs of a sweep (fleet-pool.ts). A thread
 * that is stopped or fails is dropped; the next partition starts a fresh one.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { FleetConfig } from './config.ts';
import { partitionFromMessage, type PartitionResult } from './partition-result.ts';
import type { ProgressFn, WorkForecast } from './partition-forecast.ts';

export interface PartitionRun {
  result: Promise<PartitionResult>;
  /** Stops the thread (the partition is abandoned; its work item goes back to the queue). */
  stop(): Promise<void>;
}

export class PartitionThread {
  private readonly code: string;
  private w: Worker | null = null;
  private busy = false;
  /** Threads started so far (1 while none failed or was stopped). */
  starts = 0;

  /** Starts the thread at once: it compiles the default machines while the worker waits for work. */
  constructor(code: string) {
    this.code = code;
    this.w = this.start();
  }

  private start(): Worker {
    this.starts++;
    const w = new Worker(this.code, { eval: true, workerData: { serve: true } });
    // A thread that dies while idle (its warm-up compile failed) is replaced at the next
    // partition, which then fails with the cause itself.
    w.on('error', () => {});
    w.on('exit', () => {
      if (this.w === w) this.w = null;
    });
    return w;
  }

  /** Simulates devices lo..hi−1 of `cfg` in the thread; one partition at a time. */
  run(cfg: FleetConfig, lo: number, hi: number, onProgress: ProgressFn): PartitionRun {
    if (this.busy) throw new Error('PartitionThread: a partition is already running');
    this.busy = true;
    const w = (this.w ??= this.start());
    let stopped = false;
    const result = new Promise<PartitionResult>((resolve, reject) => {
      const settle = (fail: Error | null, value?: PartitionResult) => {
        w.off('message', onMessage).off('error', onError).off('exit', onExit);
        this.busy = false;
        if (fail) {
          // A thread that failed or was stopped is not reused.
          if (this.w === w) this.w = null;
          void w.terminate();
          reject(fail);
        } else resolve(value!);
      };
      const onMessage = (m: { type: string; simMs?: number; events?: number; work?: WorkForecast; result?: unknown }) => {
        if (m.type === 'progress') onProgress(m.simMs!, m.events!, m.work!);
        else if (m.type === 'done') settle(null, partitionFromMessage(m.result));
      };
      const onError = (err: Error) => settle(err);
      const onExit = (exit: number) => settle(new Error(stopped ? `partition (devices ${lo}..${hi - 1}) stopped` : `partition thread (devices ${lo}..${hi - 1}) exited with code ${exit}`));
      w.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
    w.postMessage({ cfg, lo, hi, live: false, checkpoint: null });
    return {
      result,
      stop: async () => {
        stopped = true;
        await w.terminate();
      },
    };
  }

  /** Ends the thread (the worker process is stopping). */
  async close(): Promise<void> {
    const w = this.w;
    this.w = null;
    if (w) await w.terminate();
  }
}
