/**
 * What a live run adds to the finished-run charts: the fleet's counts so far (from the fleet's
 * daily rows, never from the traced devices' latency samples), the ETA, and two charts: events/s
 * over wall time, and unlocks and failures per simulated day.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { ChartSpec } from '../../charts/chart-spec.ts';
import { FRAME } from '../../charts/chart-spec.ts';
import { num } from '../../charts/format.ts';
import type { LiveProgressPoint, LiveSnapshot } from '../live.ts';

export interface LiveTotals {
  /** Over the fleet's completed days. */
  unlocks: number;
  failures: number;
  days: number;
}

export function liveTotals(s: LiveSnapshot): LiveTotals {
  const daily = s.daily ?? [];
  let unlocks = 0;
  let failures = 0;
  for (const d of daily) {
    unlocks += d.unlocks;
    for (const n of Object.values(d.failures)) failures += n;
  }
  return { unlocks, failures, days: daily.length };
}

/** Events/s between consecutive progress points (wall time in seconds at the interval's end). */
export function eventRates(history: readonly LiveProgressPoint[]): { t: number; rate: number }[] {
  const out: { t: number; rate: number }[] = [];
  for (let i = 1; i < history.length; i++) {
    const a = history[i - 1]!;
    const b = history[i]!;
    const dt = (b.wallMs - a.wallMs) / 1000;
    if (dt > 0) out.push({ t: b.wallMs / 1000, rate: (b.events - a.events) / dt });
  }
  return out;
}

/**
 * Wall-clock milliseconds left, from the pace of the last 30 s of progress (the pace changes as
 * batteries die and workers finish), or from the whole run so far; null before any progress.
 */
export function etaMs(s: LiveSnapshot, history: readonly LiveProgressPoint[]): number | null {
  if (s.state !== 'running') return 0;
  const last = history[history.length - 1];
  // The work left at the recent pace of work done, when the run reports its work: simulated days
  // get cheaper as keychains brown out, so their pace would promise a year's end late.
  if (s.workLeft !== undefined && last?.work !== undefined) {
    const from = history.find((p) => p.work !== undefined && p.wallMs >= last.wallMs - 30_000 && p.work < last.work!);
    if (from) return (s.workLeft * (last.wallMs - from.wallMs)) / (last.work - from.work!);
  }
  const since = last ? history.find((p) => p.wallMs >= last.wallMs - 30_000 && p.simDay < last.simDay) : undefined;
  const [from, to] = since && last ? [since, last] : [{ wallMs: 0, simDay: 0 }, { wallMs: s.wallMs, simDay: s.simDay }];
  const pace = (to.simDay - from.simDay) / (to.wallMs - from.wallMs);
  if (!(pace > 0)) return null;
  return (s.durationDays - s.simDay) / pace;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function eventRateChart(history: readonly LiveProgressPoint[]): ChartSpec {
  const rows = eventRates(history);
  const last = rows[rows.length - 1];
  return {
    id: 'live-event-rate',
    title: last ? `${num(last.rate)} events/s now` : 'Events per second',
    subtitle: 'Simulation events per wall-clock second, between consecutive progress reports.',
    plot: rows.length ? {
      ...FRAME, height: 220,
      // From 0: with one or two reports a degenerate domain would print ticks like 3.500000.
      x: { label: 'Wall time (s) →', zero: true }, y: { label: '↑ Events/s', grid: true, zero: true },
      marks: [Plot.lineY(rows, { x: 't', y: 'rate', stroke: '#4e79a7' }), Plot.dot(rows, { x: 't', y: 'rate', r: 2, fill: '#4e79a7' })],
    } : null,
    empty: 'Two progress reports are needed for a rate; the next one arrives within a second.',
    table: { columns: ['wall time (s)', 'events/s'], rows: rows.map((r) => [Math.round(r.t * 10) / 10, Math.round(r.rate)]) },
  };
}

export function unlocksFailuresChart(s: LiveSnapshot): ChartSpec {
  const rows = (s.daily ?? []).flatMap((d) => {
    const failures = Object.values(d.failures).reduce((a, b) => a + b, 0);
    return [{ day: d.day + 1, what: 'unlocks', n: d.unlocks }, { day: d.day + 1, what: 'failures', n: failures }];
  });
  const t = liveTotals(s);
  return {
    id: 'live-unlocks-failures',
    title: `${num(t.unlocks)} unlocks and ${num(t.failures)} failures in the fleet's first ${num(t.days)} day${t.days === 1 ? '' : 's'}`,
    subtitle: `Per completed simulated day, all ${num(s.devices)} keychains (not the traced sample).`,
    plot: rows.length ? {
      ...FRAME, height: 240,
      x: { label: 'Simulated day →' }, y: { label: '↑ Per day', grid: true, zero: true },
      color: { domain: ['unlocks', 'failures'], range: ['#4e79a7', '#e15759'] },
      marks: [
        Plot.lineY(rows, { x: 'day', y: 'n', stroke: 'what' }),
        Plot.text(rows, Plot.selectLast({ x: 'day', y: 'n', z: 'what', text: 'what', fill: 'what', textAnchor: 'start', dx: 4 })),
      ],
    } : null,
    empty: 'No simulated day has completed yet.',
    table: { columns: ['day', 'unlocks', 'failures'], rows: (s.daily ?? []).map((d) => [d.day + 1, d.unlocks, Object.values(d.failures).reduce((a, b) => a + b, 0)]) },
  };
}
