/**
 * Two runs side by side: the headline metrics with their differences, and the two battery-life
 * ECDFs overlaid (e.g. ML-KEM-768 against ML-KEM-1024).
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { RunView } from './run-view.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, round, sig } from './format.ts';

export interface Metric {
  name: string;
  unit: string;
  a: number;
  b: number;
  /** +1 when a higher value is better (battery life), -1 when lower is better (latency, energy). */
  better: 1 | -1;
}

/** The label of a run in comparisons: its main suite when the suites differ, else its id. */
export function runLabels(a: RunView, b: RunView): [string, string] {
  const suite = (v: RunView) => Object.entries(v.summary.suites).sort((x, y) => y[1] - x[1])[0]?.[0] ?? v.id;
  const [sa, sb] = [suite(a), suite(b)];
  return sa !== sb ? [sa, sb] : [a.id, b.id];
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);

export function comparisonMetrics(a: RunView, b: RunView): Metric[] {
  const m = (v: RunView) => {
    const s = v.summary;
    const fails = sum(s.failures);
    return {
      p5: s.battery.lifeDays.p5.value, p50: s.battery.lifeDays.p50.value, p95: s.battery.lifeDays.p95.value,
      unlockP50: s.unlocks.latencyMs.p50, unlockP95: s.unlocks.latencyMs.p95,
      hsTime: sum(s.handshake.meanTimeMsByPhase as unknown as Record<string, number>),
      hsEnergy: sum(s.handshake.meanEnergyMjByPhase as unknown as Record<string, number>),
      perDay: sum(s.energyMjPerDayByState),
      failRate: (fails * 1000) / Math.max(1, s.unlocks.intents),
    };
  };
  const x = m(a);
  const y = m(b);
  return [
    { name: 'battery life p5', unit: 'days', a: x.p5, b: y.p5, better: 1 },
    { name: 'battery life p50', unit: 'days', a: x.p50, b: y.p50, better: 1 },
    { name: 'battery life p95', unit: 'days', a: x.p95, b: y.p95, better: 1 },
    { name: 'unlock latency p50', unit: 'ms', a: x.unlockP50, b: y.unlockP50, better: -1 },
    { name: 'unlock latency p95', unit: 'ms', a: x.unlockP95, b: y.unlockP95, better: -1 },
    { name: 'handshake time (mean)', unit: 'ms', a: x.hsTime, b: y.hsTime, better: -1 },
    { name: 'handshake energy (mean)', unit: 'mJ', a: x.hsEnergy, b: y.hsEnergy, better: -1 },
    { name: 'energy per keychain-day', unit: 'mJ', a: x.perDay, b: y.perDay, better: -1 },
    { name: 'failures per 1,000 unlocks', unit: '', a: x.failRate, b: y.failRate, better: -1 },
  ];
}

const change = (mt: Metric) => (mt.a !== 0 && Number.isFinite(mt.a) ? (mt.b - mt.a) / Math.abs(mt.a) : NaN);

export function compareMetrics(a: RunView, b: RunView): ChartSpec {
  const [la, lb] = runLabels(a, b);
  const metrics = comparisonMetrics(a, b);
  const rows = metrics.map((mt) => ({ ...mt, change: change(mt), good: (mt.b - mt.a) * mt.better >= 0 }));
  const life = rows[1]!;
  const hs = rows[6]!;
  const drawn = rows.filter((r) => Number.isFinite(r.change));
  return {
    id: 'compare-metrics',
    title: `${lb} vs ${la}: median battery life ${fmtChange(life.change)} (${num(life.a)} → ${num(life.b)} days), handshake energy ${fmtChange(hs.change)}`,
    subtitle: `Change of B (${lb}) relative to A (${la}); green: better, red: worse.`,
    plot: {
      ...FRAME,
      height: 60 + metrics.length * 26,
      marginLeft: 190,
      marginRight: 70,
      x: { label: 'Change B vs A (%) →', percent: true, grid: true },
      y: { label: null, domain: metrics.map((mt) => mt.name) },
      marks: [
        Plot.barX(drawn, { x: 'change', y: 'name', fill: (d: { good: boolean }) => (d.good ? '#59a14f' : '#e15759') }),
        Plot.ruleX([0]),
        // Gains are labelled past the bar end; losses just right of zero, clear of the metric names.
        Plot.text(drawn.filter((d) => d.change >= 0), { x: 'change', y: 'name', text: (d: { change: number }) => fmtChange(d.change), textAnchor: 'start', dx: 4, fontSize: 10 }),
        Plot.text(drawn.filter((d) => d.change < 0), { x: 0, y: 'name', text: (d: { change: number }) => fmtChange(d.change), textAnchor: 'start', dx: 4, fontSize: 10 }),
      ],
    },
    table: {
      columns: ['metric', 'unit', `A: ${la}`, `B: ${lb}`, 'B − A', 'change'],
      rows: rows.map((r) => [r.name, r.unit, round(r.a, 2), round(r.b, 2), round(r.b - r.a, 2), fmtChange(r.change)]),
    },
  };
}

function fmtChange(c: number): string {
  if (!Number.isFinite(c)) return '–';
  return `${c >= 0 ? '+' : '−'}${num(Math.abs(c) * 100, 1)} %`;
}

export function compareBatteryLife(a: RunView, b: RunView): ChartSpec {
  const [la, lb] = runLabels(a, b);
  const curve = (v: RunView, run: string) => {
    const n = v.lifeDays.length;
    const step = Math.max(1, Math.floor(n / 400));
    const pts: { run: string; days: number; share: number }[] = [];
    for (let i = 0; i < n; i += step) pts.push({ run, days: v.lifeDays[i]!, share: (i + 1) / n });
    if (n) pts.push({ run, days: v.lifeDays[n - 1]!, share: 1 });
    return pts;
  };
  const pts = [...curve(a, la), ...curve(b, lb)];
  const p50 = [
    { run: la, days: a.summary.battery.lifeDays.p50.value },
    { run: lb, days: b.summary.battery.lifeDays.p50.value },
  ];
  const diff = p50[1]!.days - p50[0]!.days;
  return {
    id: 'compare-battery-life',
    title: `Median battery life ${num(p50[0]!.days)} days (${la}) vs ${num(p50[1]!.days)} days (${lb}): ${diff >= 0 ? '+' : '−'}${sig(Math.abs(diff))} days`,
    subtitle: 'Share of keychains whose battery life is at most x days, both runs; dashed rules: medians.',
    plot: {
      ...FRAME,
      marginRight: 20,
      x: { label: 'Battery life (days) →', nice: true },
      y: { label: '↑ Share of keychains (%)', percent: true, domain: [0, 100], grid: true },
      color: { domain: [la, lb], range: ['#4e79a7', '#e15759'] },
      marks: [
        Plot.lineY(pts, { x: 'days', y: 'share', z: 'run', stroke: 'run', curve: 'step-after', strokeWidth: 2 }),
        Plot.ruleX(p50, { x: 'days', stroke: 'run', strokeDasharray: '4,3' }),
        Plot.text(p50, { x: 'days', y: 0.5, text: (d: { run: string }) => d.run, stroke: 'white', strokeWidth: 3, paintOrder: 'stroke', fill: 'run', rotate: -90, dx: -6, fontSize: 10 }),
        Plot.ruleY([0]),
      ],
    },
    table: {
      columns: ['run', 'p5 (days)', 'p50 (days)', 'p95 (days)', 'devices'],
      rows: [
        [la, round(a.summary.battery.lifeDays.p5.value, 1), round(a.summary.battery.lifeDays.p50.value, 1), round(a.summary.battery.lifeDays.p95.value, 1), a.summary.devices],
        [lb, round(b.summary.battery.lifeDays.p5.value, 1), round(b.summary.battery.lifeDays.p50.value, 1), round(b.summary.battery.lifeDays.p95.value, 1), b.summary.devices],
      ],
    },
  };
}
