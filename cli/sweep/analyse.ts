/**
 * From executed points to what is printed, written to out/ and stored: the replication intervals,
 * the paired differences against the baseline, and the tables. One function, so `keytwin run
 * --replications` and `keytwin sweep` report alike.
 * @module
 */
import { pairedDifferences, replicationIntervals, type MetricDifference, type MetricInterval, type PointRuns } from '../../stats/index.ts';
import { differenceTable, replicationTable } from './tables.ts';

export interface SweepAnalysis {
  replications: number;
  baseline: string;
  intervals: MetricInterval[];
  differences: MetricDifference[];
}

export function analyse(points: readonly PointRuns[], baseline: number): SweepAnalysis {
  const replications = points[0]!.runs.length;
  return {
    replications,
    baseline: points[baseline]!.name,
    intervals: replicationIntervals(points),
    differences: points.length > 1 ? pairedDifferences(points, baseline) : [],
  };
}

export function formatAnalysis(a: SweepAnalysis): string {
  const parts = [replicationTable(a.intervals, a.replications)];
  if (a.differences.length > 0) parts.push(differenceTable(a.differences, a.baseline, a.replications));
  return parts.join('\n\n');
}
