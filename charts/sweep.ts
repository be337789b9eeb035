/**
 * Sweep charts: every point of a sweep on one chart (dot = mean over replications, whisker = 95 %
 * interval, baseline marked), the paired differences against the baseline (whisker crossing 0 =
 * not significant), the sensitivity tornado and Morris μ*–σ. Pure: rows in, ChartSpec out; the
 * titles are computed from the rows.
 * @module
 */
import * as Plot from '@observablehq/plot';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, sig } from './format.ts';

export interface PointIntervalRow {
  point: string;
  mean: number;
  /** NaN when there was one replication (no whisker). */
  lo: number;
  hi: number;
  baseline: boolean;
}

export interface DifferenceRow {
  point: string;
  mean: number;
  lo: number;
  hi: number;
  significant: boolean;
}

export interface TornadoChartRow {
  figure: string;
  atLow: number;
  atHigh: number;
}

export interface MorrisChartRow {
  figure: string;
  muStar: number;
  sigma: number;
}

const height = (n: number) => Math.max(140, 60 + 26 * n);

/** One metric, every point, one chart. */
export function sweepIntervals(rows: readonly PointIntervalRow[], metric: { key: string; label: string; unit: string }, replications: number): ChartSpec {
  const id = `sweep-${metric.key}`;
  const table = { columns: ['point', 'mean', '95 % CI low', '95 % CI high', 'baseline'], rows: rows.map((r) => [r.point, sig(r.mean), sig(r.lo), sig(r.hi), r.baseline ? 'yes' : '']) };
  if (rows.length === 0) return { id, title: `${metric.label}: no points`, subtitle: '', plot: null, empty: 'The sweep has no points.', table };
  const best = [...rows].sort((a, b) => b.mean - a.mean)[0]!;
  const worst = [...rows].sort((a, b) => a.mean - b.mean)[0]!;
  return {
    id,
    title: rows.length === 1 ? `${metric.label}: ${num(best.mean)} ${metric.unit}` : `${metric.label}: from ${num(worst.mean)} ${metric.unit} (${worst.point}) to ${num(best.mean)} ${metric.unit} (${best.point})`,
    subtitle: `Mean of ${replications} replication${replications === 1 ? '' : 's'} per point; whisker: 95 % t-interval between replications${replications === 1 ? ' (none with one replication)' : ''}. The baseline is drawn as a ring.`,
    plot: {
      ...FRAME,
      height: height(rows.length),
      marginLeft: Math.min(320, 8 + 6.5 * Math.max(...rows.map((r) => r.point.length))),
      x: { label: `${metric.label} (${metric.unit}) →`, grid: true },
      y: { label: null, domain: rows.map((r) => r.point) },
      marks: [
        Plot.ruleY(rows.filter((r) => Number.isFinite(r.lo)), { y: 'point', x1: 'lo', x2: 'hi', stroke: '#4e79a7' }),
        Plot.dot(rows, { y: 'point', x: 'mean', r: 4, fill: (d: PointIntervalRow) => (d.baseline ? 'white' : '#4e79a7'), stroke: '#4e79a7', strokeWidth: 1.5 }),
      ],
    },
    table,
  };
}

/** Paired differences of one metric against the baseline. */
export function pairedDifferenceChart(rows: readonly DifferenceRow[], metric: { key: string; label: string; unit: string }, baseline: string, pairs: string): ChartSpec {
  const id = `difference-${metric.key}`;
  const table = { columns: ['point', 'difference', '95 % CI low', '95 % CI high', 'verdict'], rows: rows.map((r) => [r.point, sig(r.mean), sig(r.lo), sig(r.hi), r.significant ? (r.mean > 0 ? 'higher' : 'lower') : 'not significant']) };
  if (rows.length === 0) return { id, title: `${metric.label}: nothing to compare`, subtitle: '', plot: null, empty: 'Only the baseline was run.', table };
  const differ = rows.filter((r) => r.significant);
  const largest = [...differ].sort((a, b) => Math.abs(b.mean) - Math.abs(a.mean))[0];
  return {
    id,
    title: differ.length === 0
      ? `${metric.label}: no point differs significantly from '${baseline}'`
      : `${metric.label}: ${differ.length} of ${rows.length} point${rows.length === 1 ? '' : 's'} differ${differ.length === 1 ? 's' : ''} significantly from '${baseline}'; largest ${largest!.mean > 0 ? '+' : ''}${sig(largest!.mean)} ${metric.unit} (${largest!.point})`,
    subtitle: `Point − baseline, paired over ${pairs}; whisker: 95 % t-interval of the paired differences; a whisker across 0 is not significant (hollow dot).`,
    plot: {
      ...FRAME,
      height: height(rows.length),
      marginLeft: Math.min(320, 8 + 6.5 * Math.max(...rows.map((r) => r.point.length))),
      x: { label: `Difference in ${metric.label} (${metric.unit}) →`, grid: true },
      y: { label: null, domain: rows.map((r) => r.point) },
      marks: [
        Plot.ruleX([0], { stroke: '#888' }),
        Plot.ruleY(rows.filter((r) => Number.isFinite(r.lo)), { y: 'point', x1: 'lo', x2: 'hi', stroke: '#e15759' }),
        Plot.dot(rows, { y: 'point', x: 'mean', r: 4, stroke: '#e15759', fill: (d: DifferenceRow) => (d.significant ? '#e15759' : 'white'), strokeWidth: 1.5 }),
      ],
    },
    table,
  };
}

/**
 * Battery life paired keychain by keychain against the baseline: the most powerful comparison a
 * sweep has (each keychain meets the same owner in every point), drawn by the report and the
 * dashboard alike. `n` is the number of pairs behind each point's difference.
 */
export function keychainLifeDifferenceChart(rows: readonly (DifferenceRow & { n: number })[], baseline: string): ChartSpec {
  const n = rows.length > 0 ? `${num(rows[0]!.n)} pairs per point` : 'no pairs';
  return pairedDifferenceChart(rows, { key: 'battery-life-device', label: 'battery life per keychain', unit: 'd' }, baseline, `keychains (${n})`);
}

/** One-at-a-time swings of one output, largest first. */
export function tornadoChart(rows: readonly TornadoChartRow[], output: { key: string; label: string; unit: string }, base: number): ChartSpec {
  const id = `tornado-${output.key}`;
  const moving = rows.filter((r) => r.atLow !== r.atHigh).sort((a, b) => Math.abs(b.atHigh - b.atLow) - Math.abs(a.atHigh - a.atLow)).slice(0, 15);
  const table = { columns: ['figure', 'at low', 'at high', 'swing'], rows: moving.map((r) => [r.figure, num(r.atLow), num(r.atHigh), num(Math.abs(r.atHigh - r.atLow))]) };
  if (moving.length === 0) return { id, title: `No figure moves ${output.label}`, subtitle: '', plot: null, empty: `No figure moved ${output.label} at either end of its range.`, table };
  const top = moving[0]!;
  const bars = moving.flatMap((r) => [{ figure: r.figure, from: base, to: r.atLow, end: 'low' }, { figure: r.figure, from: base, to: r.atHigh, end: 'high' }]);
  return {
    id,
    title: `${top.figure} moves ${output.label} most: ${num(top.atLow)} to ${num(top.atHigh)} ${output.unit} across its range`,
    subtitle: `Each figure alone at the low and the high end of its range (or ±pct %), the others nominal (${num(base)} ${output.unit}, the vertical line); same seed for every run. Largest ${moving.length} swings.`,
    plot: {
      ...FRAME,
      height: height(moving.length),
      marginLeft: Math.min(320, 8 + 6.5 * Math.max(...moving.map((r) => r.figure.length))),
      x: { label: `${output.label} (${output.unit}) →`, grid: true },
      y: { label: null, domain: moving.map((r) => r.figure) },
      color: { domain: ['low', 'high'], range: ['#4e79a7', '#f28e2b'] },
      marks: [
        Plot.barX(bars, { y: 'figure', x1: 'from', x2: 'to', fill: 'end', insetTop: 3, insetBottom: 3 }),
        Plot.ruleX([base], { stroke: '#333' }),
      ],
    },
    table,
  };
}

/** Morris μ* against σ for one output, figures labelled. */
export function morrisChart(rows: readonly MorrisChartRow[], output: { key: string; label: string; unit: string }, trajectories: number): ChartSpec {
  const id = `morris-${output.key}`;
  const sorted = [...rows].sort((a, b) => b.muStar - a.muStar);
  const table = { columns: ['figure', 'μ*', 'σ'], rows: sorted.map((r) => [r.figure, num(r.muStar), num(r.sigma)]) };
  const top = sorted.filter((r) => r.muStar > 0).slice(0, 3);
  if (top.length === 0) return { id, title: `No figure has an elementary effect on ${output.label}`, subtitle: '', plot: null, empty: 'Morris did not run, or every effect was 0.', table };
  return {
    id,
    title: `${output.label}: largest Morris μ* ${top.map((r) => `${r.figure} (${num(r.muStar, 1)} ${output.unit})`).join(', ')}`,
    subtitle: `μ*: mean |elementary effect| over ${trajectories} trajectories, per full low..high span of the figure; σ: their spread (σ large against μ*: interaction or non-linearity).`,
    plot: {
      ...FRAME,
      x: { label: `μ* (${output.unit}) →`, grid: true, zero: true },
      y: { label: `↑ σ (${output.unit})`, grid: true, zero: true },
      marks: [
        Plot.dot(sorted, { x: 'muStar', y: (d: MorrisChartRow) => (Number.isFinite(d.sigma) ? d.sigma : 0), fill: '#4e79a7' }),
        Plot.text(sorted.slice(0, 8), { x: 'muStar', y: (d: MorrisChartRow) => (Number.isFinite(d.sigma) ? d.sigma : 0), text: 'figure', dx: 6, textAnchor: 'start', fontSize: 9 }),
      ],
    },
    table,
  };
}
