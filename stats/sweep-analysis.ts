/**
 * The numbers a sweep or a replicated run reports: per point, a between-replication t-interval on
 * each headline metric; against the baseline point, paired differences: per replication for the
 * fleet metrics (replication r of the point against replication r of the baseline, which share
 * their seed), and per keychain for battery life (keychain i of replication r against the same
 * keychain of the baseline). The per-keychain interval treats keychains as independent pairs,
 * which holds because each keychain's draws are its own.
 * @module
 */
import type { RunResult } from '../results/index.ts';
import { HEADLINE_METRICS, KEYCHAIN_LIFE_METRIC } from './headline.ts';
import { meanInterval, type MeanInterval } from './interval.ts';
import { pairedDifference, type PairedDifference } from './paired.ts';

export interface PointRuns {
  name: string;
  /** runs[r] is replication r + 1. */
  runs: readonly RunResult[];
}

export interface MetricInterval {
  point: string;
  metric: string;
  label: string;
  unit: string;
  population: string;
  ci: MeanInterval;
}

export interface MetricDifference extends Omit<MetricInterval, 'ci'> {
  /** What one pair is: a replication, or a keychain in a replication. */
  pairs: 'replications' | 'keychains';
  diff: PairedDifference;
}

export function replicationIntervals(points: readonly PointRuns[], level = 0.95): MetricInterval[] {
  return points.flatMap((p) =>
    HEADLINE_METRICS.map((m) => ({ point: p.name, metric: m.key, label: m.label, unit: m.unit, population: m.population, ci: meanInterval(p.runs.map((r) => m.read(r.summary)), level) })),
  );
}

function deviceLives(runs: readonly RunResult[]): Float64Array {
  const total = runs.reduce((n, r) => n + r.devices.count, 0);
  const out = new Float64Array(total);
  let at = 0;
  for (const r of runs) {
    out.set(r.devices.lifeDays.subarray(0, r.devices.count), at);
    at += r.devices.count;
  }
  return out;
}

/** Paired differences of every point but the baseline against it. */
export function pairedDifferences(points: readonly PointRuns[], baseline: number, level = 0.95): MetricDifference[] {
  const base = points[baseline];
  if (!base) throw new RangeError(`baseline index ${baseline} is not a point (there are ${points.length})`);
  const baseLives = deviceLives(base.runs);
  return points.flatMap((p, i) => {
    if (i === baseline) return [];
    if (p.runs.length !== base.runs.length) throw new RangeError(`${p.name}: ${p.runs.length} replications against the baseline's ${base.runs.length}`);
    const lives = deviceLives(p.runs);
    const perDevice = (): MetricDifference => ({
      point: p.name, metric: KEYCHAIN_LIFE_METRIC, label: 'battery life per keychain', unit: 'd', population: 'each keychain against itself in the baseline; observed at brown-out, else projected', pairs: 'keychains',
      diff: pairedDifference(lives, baseLives, level),
    });
    const fleet = HEADLINE_METRICS.map((m): MetricDifference => ({
      point: p.name, metric: m.key, label: m.label, unit: m.unit, population: m.population, pairs: 'replications',
      diff: pairedDifference(p.runs.map((r) => m.read(r.summary)), base.runs.map((r) => m.read(r.summary)), level),
    }));
    // Keychains pair only when both points simulate the same fleet (a --set devices=... sweep does not).
    return lives.length === baseLives.length ? [perDevice(), ...fleet] : fleet;
  });
}
