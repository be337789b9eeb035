import { describe, expect, it } from 'vitest';
import { sweepOverview, sweepOverviewRows, sweepView, SweepDocumentError, type StoredSweep } from '../../charts/index.ts';
import { renderSvg } from '../../reports/index.ts';

const metric = (key: string, label: string, unit: string) => ({ metric: key, label, unit, population: 'all keychains' });
const life = metric('batteryP50', 'battery life p50', 'd');
const lat = metric('unlockP95', 'unlock latency p95', 'ms');
const ci = (mean: number, half: number | null, n = 3) => ({ n, mean, sd: 1, lo: half === null ? null : mean - half, hi: half === null ? null : mean + half, level: 0.95 });
const diff = (mean: number, half: number, significant: boolean) => ({ ...ci(mean, half), baselineMean: 100, significant });

/** A stored grid sweep as `keytwin sweep` writes it (NaN is null in JSON). */
function stored(analysis: unknown): StoredSweep {
  return { sweepId: 's1', scenario: 'kem-levels', kind: 'grid', createdAt: '2026-12-04T20:00:00.000Z', analysis, runs: [{ runId: 'r1', point: 'a', replication: 1, seed: '1' }] };
}
const analysis = {
  replications: 3,
  baseline: 'a',
  intervals: [
    { point: 'a', ...life, ci: ci(190, 4) }, { point: 'a', ...lat, ci: ci(900, 20) },
    { point: 'b', ...life, ci: ci(185, 4) }, { point: 'b', ...lat, ci: ci(950, 20) },
    { point: 'c', ...life, ci: ci(191, 4) }, { point: 'c', ...lat, ci: ci(980, 20) },
  ],
  differences: [
    { point: 'b', ...life, pairs: 'replications', diff: diff(-5, 1, true) }, { point: 'b', ...lat, pairs: 'replications', diff: diff(50, 10, true) },
    { point: 'c', ...life, pairs: 'replications', diff: diff(1, 3, false) }, { point: 'c', ...lat, pairs: 'replications', diff: diff(80, 10, true) },
  ],
};

describe('sweepView reads the stored analysis, and says which field is wrong', () => {
  it('keeps the sweep order of points and metrics and turns null intervals into NaN', () => {
    const v = sweepView(stored({ ...analysis, intervals: [...analysis.intervals.slice(0, 5), { point: 'c', ...lat, ci: ci(980, null, 1) }] }));
    expect(v.points).toEqual(['a', 'b', 'c']);
    expect(v.metrics.map((m) => m.key)).toEqual(['batteryP50', 'unlockP95']);
    expect(v.intervals[5]!.lo).toBeNaN();
    expect(v.differences).toHaveLength(4);
  });
  it('names the field', () => {
    expect(() => sweepView(stored({ ...analysis, baseline: 'z' }))).toThrow("sweep s1 analysis.baseline: 'z' is not one of its points (a, b, c)");
    expect(() => sweepView(stored({ ...analysis, intervals: [{ point: 'a', ...life, ci: { ...ci(1, 1), mean: 'x' } }] }))).toThrow('sweep s1 analysis.intervals[0].ci.mean: expected a number or null, got "x"');
    expect(() => sweepView(stored({ replications: 2, baseline: 'a' }))).toThrow(SweepDocumentError);
    expect(() => sweepView(stored(null))).toThrow('sweep s1 analysis: expected an object');
  });
});

describe('sweepOverview: the whole sweep on one chart, its title true of its rows', () => {
  const v = sweepView(stored(analysis));
  it('names the highest and lowest point and counts the significant differences', () => {
    const spec = sweepOverview(v, 'batteryP50');
    expect(spec.title).toBe("battery life p50: highest 191 d (c), lowest 185 d (b); 1 of 2 points differs significantly from 'a'");
    const lat95 = sweepOverview(v, 'unlockP95');
    expect(lat95.title).toBe("unlock latency p95: highest 980 ms (c), lowest 900 ms (a); 2 of 2 points differ significantly from 'a'");
  });
  it('draws one dot and one whisker per point, the difference beside each, and the baseline line at its mean', () => {
    const rows = sweepOverviewRows(v, 'batteryP50');
    expect(rows.map((r) => r.note)).toEqual(['baseline', '−5.00 d (−6.00 to −4.00)', '+1.00 d (−2.00 to 4.00) n.s.']);
    const svg = renderSvg(sweepOverview(v, 'batteryP50'))!;
    expect(svg.match(/<circle/g)).toHaveLength(3);
    expect(svg).toContain('−5.00 d (−6.00 to −4.00)');
    // The table holds the same numbers as the chart.
    const table = sweepOverview(v, 'batteryP50').table;
    expect(table.rows.map((r) => [r[0], r[2], r[8]])).toEqual([['a', '190', 'baseline'], ['b', '185', 'lower'], ['c', '191', 'not significant']]);
  });
  it('says so when no point has a value, and refuses a metric the sweep does not have', () => {
    const empty = sweepView(stored({ ...analysis, intervals: analysis.intervals.map((i) => ({ ...i, ci: { ...i.ci, mean: null } })) }));
    expect(sweepOverview(empty, 'batteryP50').plot).toBeNull();
    expect(() => sweepOverview(v, 'nope')).toThrow("sweep s1: no metric 'nope' (it has batteryP50, unlockP95)");
  });
});
