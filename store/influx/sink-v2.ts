/**
 * The 2.x write path through the official @influxdata/influxdb-client (InfluxDB 2.x/3.x/Cloud,
 * 1.8+ compatibility API, VictoriaMetrics). The client batches and retries by itself, but its
 * close() resolves before the last batch is acknowledged and swallows failures (ecosystem.md
 * §4a), so this sink counts lines in the client's writeSuccess / writeFailed /
 * writeRetrySkipped callbacks, decides from the client's own retry rule when a failure is final,
 * spills those lines, and closes the client only once every line is accounted for.
 * @module
 */
import { HttpError, InfluxDB, setLogger } from '@influxdata/influxdb-client';
import type { InfluxConfig } from './config.ts';
import { PRECISION } from './points.ts';
import { createAccounting, messageOf, type InfluxSink } from './sink.ts';

// The client logs every retry and failure to the console; the sink reports them itself.
setLogger({ error: () => {}, warn: () => {} });

export function openV2Sink(config: InfluxConfig): InfluxSink {
  const batchSize = config.batchSize ?? 5000;
  const maxRetries = config.maxRetries ?? 5;
  const maxRetryTime = config.maxRetryTimeMs ?? 30_000;
  const timeoutMs = config.timeoutMs ?? 15_000;
  const acc = createAccounting(config);
  let settled = 0;
  let waiters: (() => void)[] = [];
  const settle = (n: number) => {
    settled += n;
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const until = async (ok: () => boolean, deadline: number) => {
    while (!ok()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 1000));
        waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
    return true;
  };

  const api = new InfluxDB({ url: config.url, token: config.token ?? '', timeout: timeoutMs }).getWriteApi(config.org ?? '', config.bucket ?? '', PRECISION, {
    batchSize,
    flushInterval: 0,
    maxBufferLines: 1_000_000_000,
    maxRetries,
    maxRetryTime,
    minRetryDelay: config.minRetryDelayMs ?? 250,
    maxRetryDelay: config.maxRetryDelayMs ?? 4000,
    exponentialBase: 2,
    retryJitter: 100,
    writeSuccess(lines) {
      acc.written += lines.length;
      settle(lines.length);
    },
    writeFailed(error, lines, attempt, expires) {
      // The client's rule (WriteApiImpl.sendBatch): it retries network errors and HTTP >= 429
      // while attempts remain and the lines have not expired; anything else is final.
      const retriable = !(error instanceof HttpError) || error.statusCode >= 429;
      const final = !retriable || attempt > maxRetries || expires <= Date.now() || error.message === 'Max retry time exceeded.';
      if (!final) {
        acc.retries++;
        acc.error(error);
        return;
      }
      acc.fail(lines, new Error(`${messageOf(error)} (attempt ${attempt})`));
      settle(lines.length);
      // Handing back a resolved promise tells the client the failure is dealt with.
      return Promise.resolve();
    },
    writeRetrySkipped(entry) {
      acc.fail(entry.lines, new Error('dropped from the client retry buffer (maxBufferLines)'));
      settle(entry.lines.length);
    },
  });

  return {
    config,
    target: acc.report().target,
    async write(lines) {
      for (const line of lines) {
        api.writeRecord(line);
        acc.attempted++;
        // Backpressure: at most a few batches unacknowledged, so a big run neither floods the
        // server with parallel requests nor holds all its points in memory.
        if (acc.attempted - settled >= 4 * batchSize) await until(() => acc.attempted - settled < 2 * batchSize, Infinity);
      }
    },
    async close() {
      await api.flush().catch(() => {});
      const deadline = performance.now() + maxRetryTime + 2 * timeoutMs + 5000;
      const done = await until(() => settled >= acc.attempted, deadline);
      if (!done) acc.error(new Error(`${acc.attempted - settled} lines were neither acknowledged nor failed by the client before the deadline`));
      await api.close().catch(() => {});
      const report = acc.report();
      // Lines the client never settled are not in the spill file: say so in the count.
      return { ...report, failed: report.failed + (acc.attempted - settled) };
    },
  };
}
