/**
 * stats/: the statistics around runs: t-intervals, paired differences, replication seeds, Morris
 * elementary effects and the headline metrics they apply to. Pure functions (seeds hash with
 * node:crypto), no simulator.
 * @module
 */
export { tCdf, tQuantile } from './t-dist.ts';
export { meanInterval, significant, type MeanInterval } from './interval.ts';
export { pairedDifference, type PairedDifference } from './paired.ts';
export { replicationSeed, replicationSeeds } from './seeds.ts';
export { morrisDesign, morrisEffects, type MorrisDesign, type MorrisEffect } from './morris.ts';
export { HEADLINE_METRICS, KEYCHAIN_LIFE_METRIC, type HeadlineMetric } from './headline.ts';
export { replicationIntervals, pairedDifferences, type PointRuns, type MetricInterval, type MetricDifference } from './sweep-analysis.ts';
export { welchDifference, proportionDifference, combinedDifference, excludesZero, type DifferenceInterval } from './difference.ts';
