/**
 * Side-by-side charts of two runs on the same axes. Each chart function picks its own domains
 * from its own data, so A's battery-life histogram could run to 600 days and B's to 400, and the
 * eye compares bar positions that mean different things. Here each pair's continuous x and y
 * domains become their union on both sides. The domains a chart would get are read from the
 * renderer (`scalesOf`: Plot in Node or in the browser), so no chart has to restate its own
 * domain logic; axes drawn without an axis (the sequence diagram's layout) are left alone.
 * @module
 */
import type { ChartSpec } from './chart-spec.ts';

/** The domains a rendered chart used, by scale name (Plot's `figure.scale(name).domain`). */
export type ScalesOf = (spec: ChartSpec) => Partial<Record<'x' | 'y', readonly unknown[] | undefined>>;

type Axis = { domain?: unknown; axis?: unknown } & Record<string, unknown>;

function continuous(d: readonly unknown[] | undefined): d is readonly [number, number] {
  return !!d && d.length === 2 && d.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Both specs with the union of their continuous x and y domains (new objects; inputs untouched). */
export function shareAxes(a: ChartSpec, b: ChartSpec, scalesOf: ScalesOf): [ChartSpec, ChartSpec] {
  if (!a.plot || !b.plot || a.id !== b.id) return [a, b];
  const sa = scalesOf(a);
  const sb = scalesOf(b);
  let pa = a.plot;
  let pb = b.plot;
  for (const k of ['x', 'y'] as const) {
    const oa = (pa[k] ?? {}) as Axis;
    const ob = (pb[k] ?? {}) as Axis;
    if (oa.axis === null || ob.axis === null) continue;
    const da = sa[k];
    const db = sb[k];
    if (!continuous(da) || !continuous(db)) continue;
    // A reversed scale keeps its direction: union the extents, then order like the original.
    const lo = Math.min(da[0], da[1], db[0], db[1]);
    const hi = Math.max(da[0], da[1], db[0], db[1]);
    const dom = (d: readonly [number, number]) => (d[0] <= d[1] ? [lo, hi] : [hi, lo]);
    pa = { ...pa, [k]: { ...oa, domain: dom(da) } };
    pb = { ...pb, [k]: { ...ob, domain: dom(db) } };
  }
  return [{ ...a, plot: pa }, { ...b, plot: pb }];
}

/** Every chart pair of two runs (same ids, same order) on shared axes. */
export function shareAxesAll(a: readonly ChartSpec[], b: readonly ChartSpec[], scalesOf: ScalesOf): [ChartSpec[], ChartSpec[]] {
  if (a.length !== b.length) throw new Error(`share axes: ${a.length} charts for A against ${b.length} for B (the two runs must draw the same charts)`);
  const pairs = a.map((ca, i) => shareAxes(ca, b[i]!, scalesOf));
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}
