/**
 * A sweep's analysis → its chart specs: per headline metric, every point with its interval on one
 * chart and the paired differences against the baseline; for a sensitivity analysis, the tornado
 * and the Morris μ*–σ chart of each output.
 * @module
 */
import { keychainLifeDifferenceChart, morrisChart, pairedDifferenceChart, sweepIntervals, tornadoChart, type ChartSpec } from '../../charts/index.ts';
import { HEADLINE_METRICS, KEYCHAIN_LIFE_METRIC } from '../../stats/index.ts';
import type { SweepAnalysis } from './analyse.ts';
import { OUTPUTS, type SensitivityResult } from './sensitivity.ts';

export function sweepChartSpecs(a: SweepAnalysis): ChartSpec[] {
  const specs: ChartSpec[] = [];
  const perDevice = a.differences.filter((d) => d.metric === KEYCHAIN_LIFE_METRIC);
  if (perDevice.length > 0) specs.push(keychainLifeDifferenceChart(perDevice.map((d) => ({ point: d.point, n: d.diff.n, mean: d.diff.mean, lo: d.diff.lo, hi: d.diff.hi, significant: d.diff.significant })), a.baseline));
  for (const m of HEADLINE_METRICS) {
    const rows = a.intervals.filter((i) => i.metric === m.key).map((i) => ({ point: i.point, mean: i.ci.mean, lo: i.ci.lo, hi: i.ci.hi, baseline: i.point === a.baseline }));
    specs.push(sweepIntervals(rows, { key: m.key, label: m.label, unit: m.unit }, a.replications));
    const diffs = a.differences.filter((d) => d.metric === m.key);
    if (diffs.length > 0) specs.push(pairedDifferenceChart(diffs.map((d) => ({ point: d.point, mean: d.diff.mean, lo: d.diff.lo, hi: d.diff.hi, significant: d.diff.significant })), { key: m.key, label: m.label, unit: m.unit }, a.baseline, `${a.replications} replications`));
  }
  return specs;
}

export function sensitivityChartSpecs(r: SensitivityResult): ChartSpec[] {
  return OUTPUTS.flatMap((out) => {
    const unit = out.key === 'batteryP50' ? 'd' : 'ms';
    const label = out.key === 'batteryP50' ? 'battery life p50' : 'unlock latency p95';
    const m = r.morris.filter((x) => x.output === out.key);
    return [
      tornadoChart(r.tornado.filter((t) => t.output === out.key), { key: out.key, label, unit }, r.base[out.key]),
      morrisChart(m, { key: out.key, label, unit }, m[0]?.trajectories ?? 0),
    ];
  });
}
