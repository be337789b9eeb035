/**
 * Two runs side by side: the headline metrics with their differences, and the two battery-life
 * ECDFs overlaid (e.g. ML-KEM-768 against ML-KEM-1024).
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { RunView } from './run-view.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, round, sig } from './format.ts';
import { combinedDifference, excludesZero, proportionDifference, welchDifference, type DifferenceInterval } from '../stats/difference.ts'; // not the index: it pulls in node:crypto (seeds), which the browser bundle cannot hold

export interface Metric {
  name: string;
  unit: string;
  a: number;
  b: number;
  /** +1 when a higher value is better (battery life), -1 when lower is better (latency, energy). */
  better: 1 | -1;
  /** Interval on B − A, or null when the runs keep no spread for this metric (then no claim). */
  ci: DifferenceInterval | null;
}

/** The label of a run in comparisons: its main suite when the suites differ, else its id. */
export function runLabels(a: RunView, b: RunView): [string, string] {
  const suite = (v: RunView) => Object.entries(v.summary.suites).sort((x, y) => y[1] - x[1])[0]?.[0] ?? v.id;
  const [sa, sb] = [suite(a), suite(b)];
  return sa !== sb ? [sa, sb] : [a.id, b.id];
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);
const mean = (x: readonly number[]) => x.reduce((p, q) => p + q, 0) / x.length;

export function comparisonMetrics(a: RunView, b: RunView): Metric[] {
  const life = (q: 'p5' | 'p50' | 'p95', name: string): Metric => {
    const [x, y] = [a.summary.battery.lifeDays[q], b.summary.battery.lifeDays[q]];
    return { name, unit: 'days', a: x.value, b: y.value, better: 1, ci: combinedDifference(y, x) };
  };
  const fleet = (name: string, unit: string, read: (v: RunView) => number): Metric => ({ name, unit, a: read(a), b: read(b), better: -1, ci: null });
  // Every intent that did not end unlocked (phone away, busy, a named failure, battery dead), as
  // the sweep's headline failure rate counts them: named device failures alone miss most of them.
  const fails = (v: RunView) => v.summary.unlocks.intents - v.summary.unlocks.succeeded;
  const intents = (v: RunView) => Math.max(1, v.summary.unlocks.intents);
  const ea = a.energyMjPerDay ?? [];
  const eb = b.energyMjPerDay ?? [];
  const energy: Metric = ea.length > 1 && eb.length > 1
    ? { name: 'energy per keychain-day', unit: 'mJ', a: mean(ea), b: mean(eb), better: -1, ci: welchDifference(eb, ea) }
    : fleet('energy per keychain-day', 'mJ', (v) => sum(v.summary.energyMjPerDayByState));
  const fa = proportionDifference(fails(b), intents(b), fails(a), intents(a));
  return [
    life('p5', 'battery life p5'),
    life('p50', 'battery life p50'),
    life('p95', 'battery life p95'),
    fleet('unlock latency p50', 'ms', (v) => v.summary.unlocks.latencyMs.p50),
    fleet('unlock latency p95', 'ms', (v) => v.summary.unlocks.latencyMs.p95),
    fleet('handshake time (mean)', 'ms', (v) => sum(v.summary.handshake.meanTimeMsByPhase as unknown as Record<string, number>)),
    fleet('handshake energy (mean)', 'mJ', (v) => sum(v.summary.handshake.meanEnergyMjByPhase as unknown as Record<string, number>)),
    energy,
    {
      name: 'intents not unlocked per 1,000', unit: '', a: (fails(a) * 1000) / intents(a), b: (fails(b) * 1000) / intents(b), better: -1,
      ci: { ...fa, diff: fa.diff * 1000, lo: fa.lo * 1000, hi: fa.hi * 1000 },
    },
  ];
}

/** Relative change B vs A and its interval, as fractions of |A|. */
export interface ChangeRow extends Metric {
  change: number;
  changeLo: number;
  changeHi: number;
  /** 'better' / 'worse' only when the interval excludes zero; else 'no clear change' or 'no interval'. */
  verdict: 'better' | 'worse' | 'no clear change' | 'no interval';
}

export function changeRows(metrics: readonly Metric[]): ChangeRow[] {
  return metrics.map((mt) => {
    const base = mt.a !== 0 && Number.isFinite(mt.a) ? Math.abs(mt.a) : NaN;
    const change = (mt.b - mt.a) / base;
    const changeLo = mt.ci ? mt.ci.lo / base : NaN;
    const changeHi = mt.ci ? mt.ci.hi / base : NaN;
    const verdict = !mt.ci || !Number.isFinite(mt.ci.lo) ? 'no interval' : excludesZero(mt.ci) ? ((mt.b - mt.a) * mt.better > 0 ? 'better' : 'worse') : 'no clear change';
    return { ...mt, change, changeLo, changeHi, verdict };
  });
}

const COLOURS = { better: '#59a14f', worse: '#e15759', 'no clear change': '#bab0ac', 'no interval': '#d9d9d9' } as const;

/** "+1.2 % (95 % CI −0.8 to +3.1 %)", or "(no interval)". */
export function changeText(r: ChangeRow): string {
  if (!Number.isFinite(r.change)) return '–';
  if (r.verdict === 'no interval') return `${fmtChange(r.change)} (no interval)`;
  return `${fmtChange(r.change)} (95 % CI ${fmtChange(r.changeLo)} to ${fmtChange(r.changeHi)})`;
}

export function compareMetrics(a: RunView, b: RunView): ChartSpec {
  const [la, lb] = runLabels(a, b);
  const rows = changeRows(comparisonMetrics(a, b));
  const life = rows[1]!;
  const energy = rows[7]!;
  const drawn = rows.filter((r) => Number.isFinite(r.change));
  const whiskers = drawn.filter((r) => Number.isFinite(r.changeLo));
  const verdict = (r: ChangeRow) => (r.verdict === 'better' || r.verdict === 'worse' ? r.verdict : r.verdict === 'no interval' ? 'no interval' : 'not significant');
  return {
    id: 'compare-metrics',
    title: `${lb} vs ${la}: median battery life ${changeText(life)}, ${verdict(life)}; energy per keychain-day ${changeText(energy)}, ${verdict(energy)}`,
    subtitle: `Change of B (${lb}) relative to A (${la}), with 95 % intervals (whiskers) where the runs hold a spread: battery-life percentiles from their order-statistic intervals, energy per keychain-day by Welch t over keychains, intents not unlocked by Agresti–Caffo; both runs treated as independent (wider than needed for common seeds). Green: better, red: worse, only when the interval excludes 0; grey: no clear change; pale: no interval, no claim.`,
    plot: {
      ...FRAME,
      height: 60 + rows.length * 26,
      marginLeft: 190,
      marginRight: 20,
      x: { label: 'Change B vs A (%) →', percent: true, grid: true },
      y: { label: null, domain: rows.map((mt) => mt.name) },
      marks: [
        Plot.barX(drawn, { x: 'change', y: 'name', fill: (d: ChangeRow) => COLOURS[d.verdict], insetTop: 5, insetBottom: 5 }),
        Plot.ruleY(whiskers, { x1: 'changeLo', x2: 'changeHi', y: 'name', stroke: '#333', strokeWidth: 1.5 }),
        Plot.tickX(whiskers, { x: 'changeLo', y: 'name', stroke: '#333', inset: 7 }),
        Plot.tickX(whiskers, { x: 'changeHi', y: 'name', stroke: '#333', inset: 7 }),
        Plot.ruleX([0]),
        // The change and its interval in words, right of the chart's zero, above the bar's row centre.
        Plot.text(drawn, { x: 0, y: 'name', text: (d: ChangeRow) => changeText(d), textAnchor: 'start', dx: 4, dy: -8, fontSize: 9, fill: '#333' }),
      ],
    },
    table: {
      columns: ['metric', 'unit', `A: ${la}`, `B: ${lb}`, 'B − A', '95 % interval of B − A', 'change', 'verdict', 'interval from'],
      rows: rows.map((r) => [
        r.name, r.unit, round(r.a, 2), round(r.b, 2), round(r.b - r.a, 2),
        r.ci && Number.isFinite(r.ci.lo) ? `${sig(r.ci.lo)} to ${sig(r.ci.hi)}` : 'none', changeText(r), r.verdict, r.ci?.method ?? 'the runs keep no spread for it',
      ]),
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
  const ci = combinedDifference(b.summary.battery.lifeDays.p50, a.summary.battery.lifeDays.p50);
  return {
    id: 'compare-battery-life',
    title: `${lb} vs ${la}: median battery life ${num(p50[1]!.days)} vs ${num(p50[0]!.days)} days (${diff >= 0 ? '+' : '−'}${sig(Math.abs(diff))} days, 95 % CI ${signed(ci.lo)} to ${signed(ci.hi)} days)`,
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

function signed(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${sig(Math.abs(x))}` : '–';
}
