/**
 * Battery life across the fleet: a histogram and an ECDF of days to brown-out (observed where a
 * keychain died within the run, projected in closed form otherwise: sim/twin/life.ts), p5/p50/p95
 * marked; titles say how many figures are observed and how many projected.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { RunSummary } from '../results/index.ts';
import { FRAME, type Cell, type ChartSpec } from './chart-spec.ts';
import { num, percent, quantileSorted, round } from './format.ts';

export interface BatteryLifeInput {
  /** Ascending battery life per device, days. */
  lifeDays: readonly number[];
  battery: RunSummary['battery'];
  devices: number;
  /** The lives split into observed and projected (RunView.lifeSplit), and the run's length. */
  split?: { observed: readonly number[]; projected: readonly number[] };
  durationDays?: number;
}

/**
 * Histogram thresholds with an edge at the run's end: observed lives end on or before it and
 * projected ones on or after it, so no bin mixes the two (a bin straddling the end collected
 * both and drew a spike there). Width: a 1-2-5 step giving about 30 bins over the data.
 */
export function lifeThresholds(values: readonly number[], endDays: number): number[] {
  const min = Math.min(...values, endDays);
  const max = Math.max(...values, endDays);
  const raw = (max - min) / 30 || 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const w = [1, 2, 5, 10].map((m) => m * p).find((x) => x >= raw)!;
  const first = endDays - Math.ceil((endDays - min) / w) * w;
  // Lives are never negative: the first bin starts at 0 rather than below it (then it is narrower).
  const edges: number[] = first < 0 && min >= 0 ? [0] : [];
  for (let e = first < 0 && min >= 0 ? first + w : first; e <= max + w; e += w) edges.push(round(e, 9));
  return edges;
}

interface Marker {
  q: string;
  days: number;
}

function markers(input: BatteryLifeInput): Marker[] {
  const l = input.battery.lifeDays;
  return [
    { q: 'p5', days: l.p5.value },
    { q: 'p50', days: l.p50.value },
    { q: 'p95', days: l.p95.value },
  ];
}

/** Who the figures stand for: observed brown-outs vs closed-form projections. */
export function lifePopulation(b: RunSummary['battery']): string {
  return `${num(b.depleted)} observed, ${num(b.censored)} projected`;
}

function finding(input: BatteryLifeInput): string {
  const l = input.battery.lifeDays;
  return `Median time to brown-out ${num(l.p50.value)} days (95 % CI ${num(l.p50.lo)}–${num(l.p50.hi)}; ${lifePopulation(input.battery)}); 5 % of keychains last under ${num(l.p5.value)}`;
}

function caveat(input: BatteryLifeInput): string {
  const { depleted, censored } = input.battery;
  const useful = input.battery.usefulLifeDays;
  const usefulLine = useful ? ` Useful life (until low-battery mode) p50 ${num(useful.p50.value)} days (${num(useful.observed)} observed, ${num(useful.projected)} projected).` : '';
  return `${num(depleted)} of ${num(input.devices)} keychains browned out within the run (observed); ${num(censored)} projected in closed form (self-discharge, low-battery mode).${usefulLine}`;
}

function percentileTable(input: BatteryLifeInput) {
  const l = input.battery.lifeDays;
  const rows: Cell[][] = (['p5', 'p50', 'p95'] as const).map((q) => [q, round(l[q].value, 1), round(l[q].lo, 1), round(l[q].hi, 1)]);
  rows.push(['mean', round(l.mean, 1), '', '']);
  const u = input.battery.usefulLifeDays;
  if (u) for (const q of ['p5', 'p50', 'p95'] as const) rows.push([`useful life ${q}`, round(u[q].value, 1), round(u[q].lo, 1), round(u[q].hi, 1)]);
  return { columns: ['percentile', 'days', 'CI 95 % low', 'CI 95 % high'], rows };
}

// Labels are staggered down the frame so close percentiles do not print over each other.
const markerMarks = (ms: Marker[]) => [
  Plot.ruleX(ms, { x: 'days', stroke: '#d62728', strokeDasharray: '4,3' }),
  ...ms.map((m, i) =>
    Plot.text([m], {
      x: 'days', text: (d: Marker) => `${d.q} ${num(d.days)} d`, frameAnchor: 'top', dy: 4 + 14 * i,
      textAnchor: 'start', dx: 3, fill: '#d62728', fontWeight: 'bold', stroke: 'white', strokeWidth: 3, paintOrder: 'stroke',
    }),
  ),
];

export function batteryLifeHistogram(input: BatteryLifeInput): ChartSpec {
  const id = 'battery-life-histogram';
  if (input.lifeDays.length === 0) return emptyLife(id, 'No battery life values in this run.');
  const ms = markers(input);
  const split = input.split ?? { observed: [], projected: input.lifeDays };
  const end = input.durationDays;
  const values = [
    ...split.observed.map((days) => ({ days, kind: OBSERVED })),
    ...split.projected.map((days) => ({ days, kind: PROJECTED })),
  ];
  const thresholds = end !== undefined ? lifeThresholds(values.map((v) => v.days), end) : 30;
  const bins = Plot.binX<Plot.RectYOptions>({ y: 'count' }, { x: 'days', fill: 'kind', order: [OBSERVED, PROJECTED], thresholds, inset: 0.5 });
  const scale = input.devices / values.length;
  const kinds = `${input.split ? 'dark: observed (browned out within the run), light: projected in closed form' : 'all figures'}${end !== undefined ? `; dotted rule: the run's end (day ${num(end)}), a bin edge, so no bin mixes the two` : ''}`;
  return {
    id,
    title: finding(input),
    subtitle: `Keychains per battery-life bin (days), ${kinds}. ${caveat(input)}`,
    plot: {
      ...FRAME,
      x: { label: 'Battery life (days) →', nice: true },
      y: { label: Math.abs(scale - 1) < 1e-9 ? '↑ Keychains' : '↑ Keychains (sample)', grid: true, tickFormat: (d: number) => (Number.isInteger(d) ? num(d) : '') },
      color: { domain: [OBSERVED, PROJECTED], range: ['#2b4d6e', '#a0cbe8'] },
      marks: [
        Plot.rectY(values, bins),
        Plot.ruleY([0]),
        ...(end !== undefined ? [Plot.ruleX([end], { stroke: '#555', strokeDasharray: '1,3' })] : []),
        ...markerMarks(ms),
      ],
    },
    table: percentileTable(input),
  };
}

const OBSERVED = 'observed';
const PROJECTED = 'projected';

export function batteryLifeEcdf(input: BatteryLifeInput): ChartSpec {
  const id = 'battery-life-ecdf';
  if (input.lifeDays.length === 0) return emptyLife(id, 'No battery life values in this run.');
  const n = input.lifeDays.length;
  // At most ~400 steps: enough to look continuous, small enough for a light SVG.
  const step = Math.max(1, Math.floor(n / 400));
  const points: { days: number; share: number }[] = [];
  for (let i = 0; i < n; i += step) points.push({ days: input.lifeDays[i]!, share: (i + 1) / n });
  points.push({ days: input.lifeDays[n - 1]!, share: 1 });
  const ms = markers(input);
  const under365 = shareBelow(input.lifeDays, 365);
  const deciles = [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => [`p${Math.round(q * 100)}`, round(quantileSorted(input.lifeDays, q), 1)]);
  return {
    id,
    title: `${percent(under365, 0)} of keychains need a charge within a year; the longest-lived 5 % last over ${num(input.battery.lifeDays.p95.value)} days (${lifePopulation(input.battery)})`,
    subtitle: `Share of keychains whose battery life is at most x days (ECDF). ${caveat(input)}`,
    plot: {
      ...FRAME,
      x: { label: 'Battery life (days) →', nice: true },
      y: { label: '↑ Share of keychains (%)', grid: true, percent: true, domain: [0, 100] },
      marks: [
        Plot.lineY(points, { x: 'days', y: 'share', curve: 'step-after', stroke: '#4e79a7', strokeWidth: 2 }),
        Plot.ruleY([0]),
        ...markerMarks(ms),
      ],
    },
    table: { columns: ['quantile', 'days'], rows: [...deciles, ['share under 365 days', `${round(under365 * 100, 1)} %`]] },
  };
}

function shareBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length ? lo / sorted.length : NaN;
}

function emptyLife(id: string, why: string): ChartSpec {
  return { id, title: 'No battery life data', subtitle: why, plot: null, empty: why, table: { columns: [], rows: [] } };
}
