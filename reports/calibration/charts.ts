/**
 * The calibration report's charts as Plot options (rendered by render.ts):
 *  - per operation, the distribution of its runs with the fitted figure (and for ML-DSA signing the
 *    fitted base + N·iter model's expected counts);
 *  - per record-size op, the medians against size with the fitted overhead + bytes/rate line;
 *  - the power trace with its segments and per-state currents; the states' currents vs the base.
 * @module
 */
import type * as Plot from '@observablehq/plot';
import * as P from '@observablehq/plot';
import {
  cyclesToMs,
  type BenchLog,
  type BenchRow,
  type LineFit,
  type PowerFit,
  type PowerTrace,
  type SignModel,
} from '../../firmware/calibrate/index.ts';

const W = 360;
const H = 170;

/** Histogram of one op's runs (ms) with a rule at the fitted value, and the sign model if any. */
export function distributionChart(
  log: BenchLog,
  row: BenchRow,
  fittedMs: number | null,
  model?: SignModel,
): Plot.PlotOptions | null {
  if (!row.samples || row.samples.length === 0) return null;
  const ms = row.samples.map((c) => ({ ms: cyclesToMs(log, c) }));
  const marks: Plot.Markish[] = [
    P.rectY(ms, { ...P.binX({ y: 'count' }, { x: 'ms', thresholds: 30 }), fill: '#4e79a7' }),
    P.ruleY([0]),
  ];
  if (fittedMs !== null) marks.push(P.ruleX([fittedMs], { stroke: '#e15759', strokeWidth: 2 }));
  if (model) {
    // Expected runs at N = 1, 2, ... iterations: n·p·(1−p)^(N−1) at base + N·iter (the model has no
    // jitter, so its mass sits on these points).
    const n = row.samples.length;
    const maxMs = Math.max(...ms.map((m) => m.ms));
    const pts: { ms: number; count: number }[] = [];
    for (let k = 1; model.baseMs + k * model.iterMs <= maxMs * 1.05 && k < 64; k++)
      pts.push({
        ms: model.baseMs + k * model.iterMs,
        count: n * model.p * (1 - model.p) ** (k - 1),
      });
    marks.push(
      P.dot(pts, { x: 'ms', y: 'count', fill: '#e15759', r: 3 }),
      P.line(pts, { x: 'ms', y: 'count', stroke: '#e15759', strokeDasharray: '3,2' }),
    );
  }
  return {
    width: W,
    height: H,
    marginLeft: 40,
    x: { label: 'ms', nice: true },
    y: { label: 'runs', grid: true },
    marks,
  };
}

/** Medians per record size with the fitted t = overhead + bytes/rate. */
export function rateChart(fit: LineFit): Plot.PlotOptions {
  const maxB = Math.max(...fit.points.map((p) => p.bytes));
  const line = [0, maxB].map((b) => ({ bytes: b, ms: fit.interceptMs + fit.msPerByte * b }));
  return {
    width: W,
    height: H,
    marginLeft: 50,
    x: { label: 'record bytes', grid: true },
    y: { label: 'median ms', grid: true, zero: true },
    marks: [
      P.line(line, { x: 'bytes', y: 'ms', stroke: '#e15759' }),
      P.dot(fit.points, { x: 'bytes', y: 'ms', fill: '#4e79a7', r: 4 }),
    ],
  };
}

/**
 * Min/max decimation to at most `buckets` columns, so a 100 kS/s trace of minutes draws as a few
 * thousand points yet keeps every spike's height.
 */
export function decimate(tr: PowerTrace, buckets = 1500): { t: number; lo: number; hi: number }[] {
  const n = tr.tMs.length;
  const per = Math.max(1, Math.ceil(n / buckets));
  const out: { t: number; lo: number; hi: number }[] = [];
  for (let i = 0; i < n; i += per) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i; j < Math.min(n, i + per); j++) {
      lo = Math.min(lo, tr.mA[j]!);
      hi = Math.max(hi, tr.mA[j]!);
    }
    out.push({ t: tr.tMs[i]! / 1e3, lo: Math.max(lo, 1e-4), hi: Math.max(hi, 1e-4) });
  }
  return out;
}

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#e15759',
];

/** The trace (log current) with shaded, labelled segments and each state's fitted current as a rule. */
export function traceChart(tr: PowerTrace, fit: PowerFit): Plot.PlotOptions {
  const cols = decimate(tr);
  const labels = [...new Set(fit.segments.map((s) => s.label))];
  const color = (l: string) => PALETTE[labels.indexOf(l) % PALETTE.length]!;
  const lo = Math.min(...cols.map((c) => c.lo)) / 2;
  const hi = Math.max(...cols.map((c) => c.hi)) * 3;
  // Segments narrower than a pixel column are drawn anyway (Plot gives them a hairline).
  const segs = fit.segments.map((s) => ({
    t0: s.t0 / 1e3,
    t1: s.t1 / 1e3,
    label: s.label,
    fill: color(s.label),
  }));
  const t0 = cols[0]!.t;
  const tEnd = cols.at(-1)!.t;
  // Name the segments wide enough to hold a word; runs of short op segments share their colour.
  const named = segs.filter((s) => s.t1 - s.t0 > (tEnd - t0) * 0.04);
  const rules = fit.states.map((s) => ({
    mA: s.mA,
    label: `${s.state} ${s.mA.toPrecision(3)} mA`,
  }));
  return {
    width: 1100,
    height: 320,
    marginLeft: 60,
    marginRight: 150,
    x: { label: 'time (s)', domain: [t0, tEnd] },
    y: { type: 'log', label: 'current (mA)', grid: true, domain: [lo, hi] },
    marks: [
      P.rect(segs, { x1: 't0', x2: 't1', y1: lo, y2: hi, fill: 'fill', fillOpacity: 0.15 }),
      P.text(named, {
        x: (d: { t0: number; t1: number }) => (d.t0 + d.t1) / 2,
        y: hi,
        text: 'label',
        dy: 10,
        fill: '#1d2433',
      }),
      P.ruleX(cols, { x: 't', y1: 'lo', y2: 'hi', stroke: '#1d2433', strokeWidth: 1 }),
      P.ruleY(rules, { y: 'mA', stroke: '#e15759', strokeDasharray: '4,3' }),
      P.text(rules, {
        x: tEnd,
        y: 'mA',
        text: 'label',
        textAnchor: 'start',
        dx: 6,
        fill: '#e15759',
      }),
    ],
  };
}

/** Per-state current: measured (dot) vs the base profile's figure (ring), one row per state. */
export function stateChart(fit: PowerFit): Plot.PlotOptions | null {
  if (fit.states.length === 0) return null;
  return {
    width: 560,
    height: 40 + 32 * fit.states.length,
    marginLeft: 80,
    marginRight: 120,
    y: { label: null, domain: fit.states.map((s) => s.state) },
    // Log axis: the states span µA (deep sleep) to tens of mA. Dots, not bars: a bar starts at 0.
    x: { type: 'log', label: 'current (mA)' },
    marks: [
      P.dot(fit.states, { y: 'state', x: 'baseMa', stroke: '#9c9c9c', r: 6 }),
      P.dot(fit.states, { y: 'state', x: 'mA', fill: '#4e79a7', r: 4 }),
      P.text(fit.states, {
        y: 'state',
        x: 'mA',
        text: (d: { mA: number; baseMa: number }) =>
          `${d.mA.toPrecision(3)} mA (base ${d.baseMa.toPrecision(3)})`,
        textAnchor: 'start',
        dx: 10,
      }),
    ],
  };
}
