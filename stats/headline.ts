/**
 * The headline fleet metrics that replications and sweeps put intervals on, each read from a
 * run's summary with the population it covers, so a table can say what its numbers are.
 * Battery life is observed for keychains that browned out and projected from the drain for the
 * rest (RunSummary.battery.lifeDays), so it inherits the projection's assumptions.
 * @module
 */
import type { RunSummary } from '../results/index.ts';

export interface HeadlineMetric {
  key: string;
  label: string;
  unit: string;
  /** Who the number is about. */
  population: string;
  read(s: RunSummary): number;
}

export const HEADLINE_METRICS: readonly HeadlineMetric[] = [
  { key: 'batteryP50', label: 'battery life p50', unit: 'd', population: 'all keychains; observed at brown-out, else projected', read: (s) => s.battery.lifeDays.p50.value },
  { key: 'batteryP5', label: 'battery life p5', unit: 'd', population: 'all keychains; observed at brown-out, else projected', read: (s) => s.battery.lifeDays.p5.value },
  { key: 'unlockP95', label: 'unlock latency p95', unit: 'ms', population: 'completed unlocks', read: (s) => s.unlocks.latencyMs.p95 },
  { key: 'handshakeMean', label: 'handshake time mean', unit: 'ms', population: 'completed handshakes', read: (s) => s.handshake.timeMs.mean },
  { key: 'failureRate', label: 'intents not unlocked', unit: '%', population: 'unlock intents (every outcome but unlocked)', read: (s) => (s.unlocks.intents === 0 ? NaN : (100 * (s.unlocks.intents - s.unlocks.succeeded)) / s.unlocks.intents) },
];

/** The metric key of battery life paired keychain by keychain in a sweep's differences (sweep-analysis.ts). */
export const KEYCHAIN_LIFE_METRIC = 'batteryLifeDevice';
