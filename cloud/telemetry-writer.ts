/**
 * Group commit for telemetry: while one write to InfluxDB is in flight, the batches of the
 * requests that arrive meanwhile wait and go out together in the next write. Each request still
 * resolves only when the write carrying its lines was acknowledged (or fails with that write), so
 * "200 means written" holds, and a busy service makes fewer, larger writes instead of queueing
 * many small ones on the server.
 * @module
 */
import { openInflux, type InfluxConfig, type InfluxWriteReport } from '../store/index.ts';

interface Waiter {
  lines: string[];
  resolve(report: InfluxWriteReport): void;
  reject(err: unknown): void;
}

/** Most lines in one write (InfluxDB's own recommendation is 5,000–10,000). */
const MAX_GROUP_LINES = 10_000;

export class TelemetryWriter {
  readonly #config: InfluxConfig;
  #pending: Waiter[] = [];
  #inflight = 0;
  readonly #maxInflight: number;

  constructor(config: InfluxConfig, maxInflight = 2) {
    this.#config = { ...config, batchSize: MAX_GROUP_LINES, maxRetries: 2, minRetryDelayMs: 50, maxRetryDelayMs: 200, timeoutMs: 5000, spillName: 'cloud-telemetry' };
    this.#maxInflight = maxInflight;
  }

  /** Resolves with the report of the write that carried `lines` (its counts cover the whole group). */
  write(lines: string[]): Promise<InfluxWriteReport> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ lines, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inflight < this.#maxInflight && this.#pending.length > 0) {
      const group: Waiter[] = [];
      let n = 0;
      while (this.#pending.length > 0 && (group.length === 0 || n + this.#pending[0]!.lines.length <= MAX_GROUP_LINES)) {
        const w = this.#pending.shift()!;
        group.push(w);
        n += w.lines.length;
      }
      this.#inflight++;
      void this.#flush(group).finally(() => {
        this.#inflight--;
        this.#pump();
      });
    }
  }

  async #flush(group: Waiter[]): Promise<void> {
    try {
      const sink = openInflux(this.#config);
      for (const w of group) await sink.write(w.lines);
      const report = await sink.close();
      for (const w of group) w.resolve(report);
    } catch (err) {
      for (const w of group) w.reject(err);
    }
  }
}
