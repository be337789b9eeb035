/**
 * `openInflux(config)`: a write sink for line protocol that never loses a point silently.
 * Every line handed to `write` ends in exactly one of two counts: `written` (the server
 * acknowledged its batch) or `failed` (retries exhausted or refused; the line is in the spill
 * file). `close()` returns only when every line is accounted for, so the report is exact.
 * @module
 */
import { describeTarget, type InfluxConfig } from './config.ts';
import { createSpill, type Spill } from './spill.ts';

export interface InfluxWriteReport {
  target: string;
  /** Lines handed to the sink. */
  attempted: number;
  /** Lines the server acknowledged. */
  written: number;
  /** Lines not written; every one of them is in `spillFile`. */
  failed: number;
  spillFile: string | null;
  /** Retry attempts made (all batches). */
  retries: number;
  /** Distinct error messages (first 10). */
  errors: string[];
  elapsedMs: number;
}

export interface InfluxSink {
  readonly config: InfluxConfig;
  /** Where the points go, safe to print. */
  readonly target: string;
  /** Queues lines; resolves when the sink can take more (bounded memory and requests in flight). */
  write(lines: Iterable<string>): Promise<void>;
  /** Flushes, waits until every line is acknowledged or spilled, and reports. */
  close(): Promise<InfluxWriteReport>;
}

/** Shared bookkeeping of both sink kinds. */
export interface Accounting {
  attempted: number;
  written: number;
  retries: number;
  readonly spill: Spill;
  fail(lines: readonly string[], err: unknown): void;
  error(err: unknown): void;
  report(): InfluxWriteReport;
}

export function createAccounting(config: InfluxConfig): Accounting {
  const spill = createSpill(config);
  const errors = new Set<string>();
  const start = performance.now();
  const acc: Accounting = {
    attempted: 0,
    written: 0,
    retries: 0,
    spill,
    fail(lines, err) {
      acc.error(err);
      spill.append(lines, messageOf(err));
    },
    error(err) {
      if (errors.size < 10) errors.add(messageOf(err));
    },
    report() {
      return {
        target: describeTarget(config),
        attempted: acc.attempted,
        written: acc.written,
        failed: spill.count,
        spillFile: spill.path,
        retries: acc.retries,
        errors: [...errors],
        elapsedMs: performance.now() - start,
      };
    },
  };
  return acc;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

/** Exponential backoff with jitter: base·2^(attempt-1), capped, ±20 %. */
export function backoffMs(attempt: number, config: InfluxConfig): number {
  const base = config.minRetryDelayMs ?? 250;
  const cap = config.maxRetryDelayMs ?? 4000;
  const d = Math.min(cap, base * 2 ** (attempt - 1));
  return d * (0.8 + 0.4 * Math.random());
}
