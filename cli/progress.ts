/**
 * Progress for long work: a redrawn bar with rate and ETA on a TTY, plain lines (at most one every
 * few seconds) otherwise, so CI logs stay readable.
 *
 * Rates are those of the last {@link RATE_WINDOW_S} seconds. The ETA is the units left at that
 * rate, or, when the caller says what the work costs ({@link Work}), the work left at the rate of
 * work done: a fleet's simulated days get cheaper as its keychains brown out, so an ETA from
 * simulated days runs long. An office-fleet year on one worker (2026-12-05): from simulated days,
 * 1m22s said at day 177 and ≈ 24 s taken; from the fleet's work forecast, 2m21s said at day 10
 * for 125 s taken, 1m02s at day 100 for 50 s, 19 s at day 165 for 19 s. The last line gives the
 * whole run's rate.
 * @module
 */

/** Seconds of recent progress the rate is measured over. */
export const RATE_WINDOW_S = 30;

export interface ProgressOptions {
  /** What is being counted, e.g. 'sim-days'. */
  unit: string;
  total: number;
  label?: string;
  stream?: NodeJS.WriteStream;
  /** Seconds between plain lines when not on a TTY. Defaults to 5. */
  plainEveryS?: number;
  /** Units already done before this process started (a resumed run): not counted in the rate. */
  from?: number;
}

/**
 * What the work behind the units costs, when the units do not say: `done` and `left` in any one
 * measure of cost (a fleet: keychain-days, a dead keychain's weighted; sim/twin/partition-forecast.ts).
 * The ETA is then `left` at the recent rate of `done`.
 */
export interface Work {
  done: number;
  left: number;
}

export interface Progress {
  /** Report `done` units; `extra` is appended (e.g. '3.1M ev/s'); `work`, when known, sets the ETA. */
  update(done: number, extra?: string, work?: Work): void;
  finish(extra?: string): void;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const start = performance.now();
  let lastDraw = 0;
  const label = opts.label ? opts.label + ' ' : '';
  // (time, units done, work done or NaN) when lines were drawn, oldest first: a rate's reference
  // is the newest at least RATE_WINDOW_S old (for the work's, the oldest kept that has work).
  const seen: { t: number; done: number; work: number }[] = [{ t: start, done: opts.from ?? 0, work: NaN }];
  /** Units per second over the window, and the ETA (from the work's rate when there is work). */
  const recent = (now: number, done: number, work: Work | undefined): { rate: number; etaS: number } => {
    while (seen.length > 1 && now - seen[1]!.t >= RATE_WINDOW_S * 1000) seen.shift();
    const ref = seen[0]!;
    const rate = now > ref.t ? ((done - ref.done) * 1000) / (now - ref.t) : 0;
    let etaS = rate > 0 ? (opts.total - done) / rate : NaN;
    const wref = work ? seen.find((s) => s.work === s.work) : undefined;
    if (work && wref && now > wref.t && work.done > wref.work) etaS = (work.left * (now - wref.t)) / (work.done - wref.work) / 1000;
    seen.push({ t: now, done, work: work ? work.done : NaN });
    return { rate, etaS };
  };
  const line = (done: number, extra?: string, whole = false, work?: Work) => {
    const frac = opts.total > 0 ? Math.min(1, done / opts.total) : 1;
    const now = performance.now();
    const { rate, etaS } = whole ? { rate: now > start ? ((done - (opts.from ?? 0)) * 1000) / (now - start) : 0, etaS: 0 } : recent(now, done, work);
    const pct = (frac * 100).toFixed(1).padStart(5);
    const tail = `${fmt(done)}/${fmt(opts.total)} ${opts.unit}  ${fmtRate(rate, opts.unit)}  ETA ${fmtDuration(etaS)}${extra ? '  ' + extra : ''}`;
    if (!tty) return `${label}${pct}%  ${tail}`;
    const width = 28;
    const filled = Math.round(frac * width);
    return `${label}[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${pct}%  ${tail}`;
  };
  return {
    update(done, extra, work) {
      const now = performance.now();
      const every = tty ? 100 : (opts.plainEveryS ?? 5) * 1000;
      if (now - lastDraw < every) return;
      lastDraw = now;
      if (tty) stream.write(`\r\x1b[2K${line(done, extra, false, work)}`);
      else stream.write(line(done, extra, false, work) + '\n');
    },
    finish(extra) {
      if (tty) stream.write(`\r\x1b[2K${line(opts.total, extra, true)}\n`);
      else stream.write(line(opts.total, extra, true) + '\n');
    },
  };
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(2) + 'G';
  if (a >= 1e6) return (n / 1e6).toFixed(2) + 'M';
  if (a >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  return a >= 100 ? n.toFixed(0) : n.toFixed(1);
}

/**
 * A rate per second, or per minute or hour when under one a second: a 10^6-keychain run does
 * 0.009 sim-days a second, which one decimal printed as "0.0 sim-days/s".
 */
export function fmtRate(perS: number, unit: string): string {
  if (!(perS > 0) || perS >= 1) return `${fmt(perS)} ${unit}/s`;
  if (perS * 60 >= 1) return `${fmt(perS * 60)} ${unit}/min`;
  return `${fmt(perS * 3600)} ${unit}/h`;
}

export function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
