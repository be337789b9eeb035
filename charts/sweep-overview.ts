/**
 * A whole sweep on one chart: for one metric, every point's mean over replications with its 95 %
 * interval (baseline drawn as a ring, its mean as a dashed line), and beside each point, in the
 * right margin, its paired difference against the baseline with the difference's 95 % interval.
 * The dashboard's sweep page; pure (SweepView in, ChartSpec out), title computed from the rows.
 * @module
 */
import * as Plot from '@observablehq/plot';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, sig } from './format.ts';
import type { SweepView } from './sweep-view.ts';

/** One point of the chart: its interval and its difference against the baseline (null for the baseline itself). */
export interface SweepOverviewRow {
  point: string;
  baseline: boolean;
  n: number;
  mean: number;
  lo: number;
  hi: number;
  diff: { mean: number; lo: number; hi: number; significant: boolean; n: number } | null;
  /** The difference as printed beside the point. */
  note: string;
}

const signed = (v: number) => (v > 0 ? '+' : '') + sig(v);

function note(r: Omit<SweepOverviewRow, 'note'>, unit: string): string {
  if (r.baseline) return 'baseline';
  if (!r.diff) return 'no difference stored';
  const d = r.diff;
  const ci = Number.isFinite(d.lo) ? ` (${sig(d.lo)} to ${sig(d.hi)})` : ' (no interval: 1 pair)';
  return `${signed(d.mean)} ${unit}${ci}${d.significant ? '' : ' n.s.'}`;
}

/** The rows of one metric, in the sweep's point order. */
export function sweepOverviewRows(view: SweepView, metric: string): SweepOverviewRow[] {
  const m = view.metrics.find((x) => x.key === metric);
  if (!m) throw new RangeError(`sweep ${view.id}: no metric '${metric}' (it has ${view.metrics.map((x) => x.key).join(', ') || 'none'})`);
  return view.points.flatMap((point) => {
    const i = view.intervals.find((r) => r.point === point && r.metric === metric);
    if (!i) return [];
    const d = view.differences.find((r) => r.point === point && r.metric === metric);
    const row = { point, baseline: point === view.baseline, n: i.n, mean: i.mean, lo: i.lo, hi: i.hi, diff: d ? { mean: d.mean, lo: d.lo, hi: d.hi, significant: d.significant, n: d.n } : null };
    return [{ ...row, note: note(row, m.unit) }];
  });
}

export function sweepOverview(view: SweepView, metric: string): ChartSpec {
  const m = view.metrics.find((x) => x.key === metric);
  const rows = sweepOverviewRows(view, metric);
  const id = `sweep-overview-${metric}`;
  const table = {
    columns: ['point', 'replications', 'mean', '95 % CI low', '95 % CI high', 'difference vs baseline', 'difference CI low', 'difference CI high', 'verdict'],
    rows: rows.map((r) => [r.point, r.n, sig(r.mean), sig(r.lo), sig(r.hi), r.diff ? sig(r.diff.mean) : '', r.diff ? sig(r.diff.lo) : '', r.diff ? sig(r.diff.hi) : '',
      r.baseline ? 'baseline' : !r.diff ? '' : r.diff.significant ? (r.diff.mean > 0 ? 'higher' : 'lower') : 'not significant']),
  };
  const finite = rows.filter((r) => Number.isFinite(r.mean));
  if (!m || finite.length === 0) return { id, title: `${m?.label ?? metric}: no values in this sweep`, subtitle: '', plot: null, empty: 'No point of this sweep has a value for this metric.', table };
  const hi = finite.reduce((a, r) => (r.mean > a.mean ? r : a));
  const lo = finite.reduce((a, r) => (r.mean < a.mean ? r : a));
  const compared = rows.filter((r) => r.diff);
  const differ = compared.filter((r) => r.diff!.significant);
  const base = rows.find((r) => r.baseline);
  const oneRep = view.replications < 2;
  return {
    id,
    title: `${m.label}: ${hi === lo ? `${sig(hi.mean)} ${m.unit} at every point` : `highest ${sig(hi.mean)} ${m.unit} (${hi.point}), lowest ${sig(lo.mean)} ${m.unit} (${lo.point})`}; ${differ.length} of ${compared.length} point${compared.length === 1 ? '' : 's'} differ${differ.length === 1 ? 's' : ''} significantly from '${view.baseline}'`,
    subtitle: `${rows.length} points, mean of ${num(view.replications)} replication${view.replications === 1 ? '' : 's'} each; whisker: 95 % t-interval between replications${oneRep ? ' (none with one replication)' : ''}. Right: point − baseline, paired over replications (common seeds), with its 95 % interval; n.s. = the interval covers 0. Population: ${m.population}.`,
    plot: {
      ...FRAME,
      height: Math.max(160, 70 + 28 * rows.length),
      marginLeft: Math.min(320, 12 + 6.5 * Math.max(...rows.map((r) => r.point.length))),
      marginRight: 230,
      x: { label: `${m.label} (${m.unit}) →`, grid: true },
      y: { label: null, domain: rows.map((r) => r.point) },
      marks: [
        ...(base && Number.isFinite(base.mean) ? [Plot.ruleX([base.mean], { stroke: '#999', strokeDasharray: '4,3' })] : []),
        Plot.ruleY(rows.filter((r) => Number.isFinite(r.lo)), { y: 'point', x1: 'lo', x2: 'hi', stroke: '#4e79a7', strokeWidth: 2 }),
        Plot.dot(finite, { y: 'point', x: 'mean', r: 4.5, fill: (d: SweepOverviewRow) => (d.baseline ? 'white' : '#4e79a7'), stroke: '#4e79a7', strokeWidth: 1.5 }),
        Plot.text(rows, { y: 'point', text: 'note', frameAnchor: 'right', dx: 10, textAnchor: 'start', fontSize: 11,
          // Dark when the interval excludes 0, grey when not: no red/green, since whether higher is
          // better depends on the metric (battery life vs latency).
          fill: (d: SweepOverviewRow) => (d.diff?.significant ? '#1d2433' : '#888') }),
      ],
    },
    table,
  };
}
