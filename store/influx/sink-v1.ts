/**
 * The 1.x write path: line protocol POSTed to `/write?db=...&precision=us` with fetch (works on
 * InfluxDB 1.x and VictoriaMetrics). Batches go out with bounded concurrency; a batch that
 * fails with a network error, 429 or 5xx is retried with exponential backoff; a 4xx other than
 * 429 is not retried (the server refused the data or the credentials). When a batch exhausts
 * its retries because the server did not answer at all, the sink is marked down and the remaining
 * batches are spilled at once instead of each waiting out its own retries.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { InfluxConfig } from './config.ts';
import { loopNow, loopTimeout } from './loop-clock.ts';
import { PRECISION } from './points.ts';
import { backoffMs, createAccounting, type InfluxSink } from './sink.ts';

export class WriteError extends Error {
  override name = 'WriteError';
  retriable: boolean;
  status: number;
  constructor(message: string, retriable: boolean, status: number, options?: ErrorOptions) {
    super(message, options);
    this.retriable = retriable;
    this.status = status;
  }
}

export function v1WriteUrl(config: InfluxConfig): URL {
  const u = new URL(config.url + '/write');
  u.searchParams.set('db', config.db ?? '');
  if (config.rp) u.searchParams.set('rp', config.rp);
  // The 1.x API spells microseconds 'u' ('us' is silently taken as nanoseconds by InfluxDB 1.6).
  u.searchParams.set('precision', PRECISION === 'us' ? 'u' : PRECISION);
  if (config.username) u.searchParams.set('u', config.username);
  if (config.password) u.searchParams.set('p', config.password);
  return u;
}

export function v1Headers(config: InfluxConfig): Record<string, string> {
  return { 'content-type': 'text/plain; charset=utf-8', ...(config.token ? { authorization: `Token ${config.token}` } : {}) };
}

/**
 * One POST of a body; resolves on 204, throws WriteError otherwise (status 0: no answer). The
 * timeout runs on the event loop's responsive time (loop-clock.ts), so a stall of this process
 * (the embedded store's save) does not abort a request the server is answering.
 */
export async function postLines(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<void> {
  const timeout = loopTimeout(timeoutMs);
  try {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body, signal: timeout.signal });
    } catch (err) {
      const cause = (err as Error).cause as Error | undefined;
      throw new WriteError(`POST ${url.origin}${url.pathname} failed: ${cause?.message ?? (err as Error).message}`, true, 0, { cause: err });
    }
    if (res.status === 204 || res.status === 200) {
      await res.arrayBuffer();
      return;
    }
    const text = (await res.text().catch(() => '')).trim().slice(0, 300);
    throw new WriteError(`POST ${url.origin}${url.pathname} answered ${res.status}${text ? `: ${text}` : ''}`, res.status === 429 || res.status >= 500, res.status);
  } finally {
    timeout.cancel();
  }
}

export function openV1Sink(config: InfluxConfig): InfluxSink {
  const url = v1WriteUrl(config);
  const headers = v1Headers(config);
  const batchSize = config.batchSize ?? 5000;
  const concurrency = config.concurrency ?? 2;
  const maxRetries = config.maxRetries ?? 5;
  const maxRetryTime = config.maxRetryTimeMs ?? 30_000;
  const timeoutMs = config.timeoutMs ?? 15_000;
  const acc = createAccounting(config);
  let down: string | null = null;
  let buf: string[] = [];
  const inflight = new Set<Promise<void>>();

  const send = async (batch: string[]): Promise<void> => {
    if (down !== null) return acc.fail(batch, new Error(`not sent: ${down}`));
    const body = batch.join('\n');
    // The retry budget is responsive loop time too: a stall of this process is not the server's.
    const start = loopNow();
    for (let attempt = 1; ; attempt++) {
      try {
        await postLines(url, headers, body, timeoutMs);
        acc.written += batch.length;
        return;
      } catch (err) {
        const e = err as WriteError;
        const outOfTime = loopNow() - start >= maxRetryTime;
        if (!e.retriable || attempt > maxRetries || outOfTime) {
          // An outage is declared only when the server did not answer at all (status 0): a 429
          // or 5xx is an answer, and the next batch may well be taken.
          if (e.retriable && e.status === 0) down = `the server was still not answering after ${attempt} attempts (${e.message})`;
          return acc.fail(batch, err);
        }
        if (down !== null) return acc.fail(batch, new Error(`not sent: ${down}`));
        acc.retries++;
        acc.error(err);
        await sleep(backoffMs(attempt, config));
      }
    }
  };

  const dispatch = async () => {
    const batch = buf;
    buf = [];
    const p: Promise<void> = send(batch).finally(() => inflight.delete(p));
    inflight.add(p);
    while (inflight.size >= concurrency) await Promise.race(inflight);
  };

  return {
    config,
    target: acc.report().target,
    async write(lines) {
      for (const line of lines) {
        buf.push(line);
        acc.attempted++;
        if (buf.length >= batchSize) await dispatch();
      }
    },
    async close() {
      if (buf.length > 0) await dispatch();
      await Promise.all(inflight);
      return acc.report();
    },
  };
}
