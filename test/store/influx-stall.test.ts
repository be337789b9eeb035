/**
 * A healthy InfluxDB is not reported down because this process stalled (issue 15, item 4): the
 * embedded store's save blocks the event loop for seconds while a batch is in flight; the sink's
 * timeouts and retry budget run on responsive loop time, so the answer that arrived during the
 * stall is read, every point is written and nothing is spilled. And a server that answers 5xx is
 * not declared down (only one that does not answer).
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openInflux } from '../../store/index.ts';
import { createDb, influxql } from './influx-helpers.ts';
import { influx1, titled } from './services.ts';

const inf = await influx1();
const DB = `kt_stall_${process.pid}`;
const spillDir = mkdtempSync(join(tmpdir(), 'kt-stall-'));
afterAll(() => rmSync(spillDir, { recursive: true, force: true }));

/** Blocks the event loop like a PGlite COPY does: synchronously, for `ms`. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* busy */
  }
}

describe.skipIf(inf.skip)(titled('InfluxDB sink under a stalled event loop (InfluxDB 1.x)', inf), () => {
  it('writes every point although the loop stalls longer than the request timeout and the retry budget', async () => {
    await createDb(inf.url, DB);
    const sink = openInflux({ url: inf.url, api: 'v1', db: DB, batchSize: 200, concurrency: 2, timeoutMs: 400, maxRetryTimeMs: 800, maxRetries: 1, spillDir, spillName: 'stall' });
    const lines = Array.from({ length: 2000 }, (_, i) => `stall,k=v value=${i}i ${1_700_000_000_000_000 + i}`);
    for (let i = 0; i < lines.length; i += 200) {
      await sink.write(lines.slice(i, i + 200));
      // A batch is in flight: the process stalls past its timeout and the whole retry budget.
      stall(1200);
    }
    const report = await sink.close();
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ attempted: 2000, written: 2000, failed: 0, spillFile: null });
    const n = await influxql(inf.url, DB, 'SELECT count(value) FROM stall');
    expect(n[0]?.values[0]?.[1]).toBe(2000);
  }, 120_000);

  it('a server that answers 503 is retried, not declared down: later batches are still sent', async () => {
    let calls = 0;
    const server = createServer((req, res) => {
      calls++;
      req.resume();
      req.on('end', () => {
        res.writeHead(calls <= 2 ? 503 : 204);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const sink = openInflux({ url, api: 'v1', db: 'x', batchSize: 10, concurrency: 1, maxRetries: 0, minRetryDelayMs: 1, spillDir, spillName: 'answered' });
      await sink.write(Array.from({ length: 40 }, (_, i) => `m v=${i}i ${i}`));
      const report = await sink.close();
      // The first two batches were refused (answered 503, retries 0: spilled); the other two written.
      expect(report).toMatchObject({ attempted: 40, written: 20, failed: 20 });
      expect(report.errors.join('\n')).not.toMatch(/not sent/);
    } finally {
      server.close();
    }
  });
});
