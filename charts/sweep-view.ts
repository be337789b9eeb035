/**
 * SweepView: what the dashboard needs from one stored sweep (store/sweeps.ts), small and
 * JSON-safe: its points in sweep order, each headline metric's between-replication interval per
 * point, and the paired differences against the baseline. Built from the analysis `keytwin sweep`
 * stored as JSON, which this module checks field by field: a document from another version of the
 * code gets an error naming the field, not a chart of undefined.
 * @module
 */

export interface SweepMetric {
  key: string;
  label: string;
  unit: string;
  /** Who the metric is about ("all keychains; observed at brown-out, else projected"). */
  population: string;
}

export interface SweepIntervalRow {
  point: string;
  metric: string;
  /** Replications behind the interval. */
  n: number;
  mean: number;
  /** 95 % t-interval between replications; NaN with one replication. */
  lo: number;
  hi: number;
}

export interface SweepDifferenceRow {
  point: string;
  metric: string;
  /** What one pair is: a replication, or a keychain against itself in the baseline. */
  pairs: 'replications' | 'keychains';
  n: number;
  /** Mean of point − baseline over the pairs, with its 95 % t-interval. */
  mean: number;
  lo: number;
  hi: number;
  baselineMean: number;
  significant: boolean;
}

export interface SweepView {
  id: string;
  scenario: string;
  kind: 'replications' | 'grid' | 'sensitivity';
  createdAt: string;
  /** Null for a sensitivity analysis (no grid of points to draw here). */
  baseline: string | null;
  replications: number;
  /** Points in the order the sweep ran them. */
  points: string[];
  metrics: SweepMetric[];
  intervals: SweepIntervalRow[];
  differences: SweepDifferenceRow[];
  runs: { runId: string; point: string; replication: number; seed: string }[];
}

export class SweepDocumentError extends Error {}

/** What store/sweeps.ts getSweep returns (structurally; charts/ does not import store/). */
export interface StoredSweep {
  sweepId: string;
  scenario: string;
  kind: SweepView['kind'];
  createdAt?: string;
  analysis: unknown;
  runs: SweepView['runs'];
}

type Doc = Record<string, unknown>;

function field(doc: Doc, key: string, where: string): unknown {
  if (!(key in doc)) throw new SweepDocumentError(`${where}: missing field '${key}'`);
  return doc[key];
}

function str(doc: Doc, key: string, where: string): string {
  const v = field(doc, key, where);
  if (typeof v !== 'string') throw new SweepDocumentError(`${where}.${key}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

/** JSON has no NaN: an interval that does not exist (one replication) is stored as null. */
function numOrNaN(doc: Doc, key: string, where: string): number {
  const v = field(doc, key, where);
  if (v === null) return NaN;
  if (typeof v !== 'number') throw new SweepDocumentError(`${where}.${key}: expected a number or null, got ${JSON.stringify(v)}`);
  return v;
}

function obj(v: unknown, where: string): Doc {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SweepDocumentError(`${where}: expected an object, got ${JSON.stringify(v)?.slice(0, 60)}`);
  return v as Doc;
}

function arr(doc: Doc, key: string, where: string): unknown[] {
  const v = field(doc, key, where);
  if (!Array.isArray(v)) throw new SweepDocumentError(`${where}.${key}: expected an array`);
  return v;
}

export function sweepView(sweep: StoredSweep): SweepView {
  const where = `sweep ${sweep.sweepId} analysis`;
  const base = { id: sweep.sweepId, scenario: sweep.scenario, kind: sweep.kind, createdAt: sweep.createdAt ?? '', runs: sweep.runs };
  const pointsOfRuns = [...new Set(sweep.runs.map((r) => r.point))];
  if (sweep.kind === 'sensitivity') {
    return { ...base, baseline: null, replications: Math.max(0, ...sweep.runs.map((r) => r.replication)), points: pointsOfRuns, metrics: [], intervals: [], differences: [] };
  }
  const a = obj(sweep.analysis, where);
  const replications = numOrNaN(a, 'replications', where);
  const baseline = str(a, 'baseline', where);
  const metrics = new Map<string, SweepMetric>();
  const points: string[] = [];
  const intervals = arr(a, 'intervals', where).map((x, i): SweepIntervalRow => {
    const w = `${where}.intervals[${i}]`;
    const r = obj(x, w);
    const ci = obj(field(r, 'ci', w), `${w}.ci`);
    const point = str(r, 'point', w);
    const metric = str(r, 'metric', w);
    if (!points.includes(point)) points.push(point);
    if (!metrics.has(metric)) metrics.set(metric, { key: metric, label: str(r, 'label', w), unit: str(r, 'unit', w), population: str(r, 'population', w) });
    return { point, metric, n: numOrNaN(ci, 'n', `${w}.ci`), mean: numOrNaN(ci, 'mean', `${w}.ci`), lo: numOrNaN(ci, 'lo', `${w}.ci`), hi: numOrNaN(ci, 'hi', `${w}.ci`) };
  });
  if (!points.includes(baseline)) throw new SweepDocumentError(`${where}.baseline: '${baseline}' is not one of its points (${points.join(', ')})`);
  const differences = arr(a, 'differences', where).map((x, i): SweepDifferenceRow => {
    const w = `${where}.differences[${i}]`;
    const r = obj(x, w);
    const d = obj(field(r, 'diff', w), `${w}.diff`);
    const pairs = str(r, 'pairs', w);
    if (pairs !== 'replications' && pairs !== 'keychains') throw new SweepDocumentError(`${w}.pairs: expected 'replications' or 'keychains', got '${pairs}'`);
    const significant = field(d, 'significant', `${w}.diff`);
    if (typeof significant !== 'boolean') throw new SweepDocumentError(`${w}.diff.significant: expected true or false`);
    return {
      point: str(r, 'point', w), metric: str(r, 'metric', w), pairs, n: numOrNaN(d, 'n', `${w}.diff`),
      mean: numOrNaN(d, 'mean', `${w}.diff`), lo: numOrNaN(d, 'lo', `${w}.diff`), hi: numOrNaN(d, 'hi', `${w}.diff`),
      baselineMean: numOrNaN(d, 'baselineMean', `${w}.diff`), significant,
    };
  });
  return { ...base, baseline, replications, points, metrics: [...metrics.values()], intervals, differences };
}
