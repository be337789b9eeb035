/**
 * Two runs for the Grafana query tests: the report fixture, with a small cloud model result
 * (daily and hourly rows for two stations), so every panel, the cloud ones included, has data.
 * @module
 */
import type { RunResult } from '../../results/index.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';

const STATIONS = ['auth', 'ota'] as const;

export function cloudFor(days: number): NonNullable<RunResult['cloud']> {
  const daily = Array.from({ length: days }, (_, day) => STATIONS.map((station, s) => ({
    day, station, requests: 1000 + 10 * day + s, p50Ms: 20 + s, p99Ms: 80 + day + 5 * s, utilisation: 0.1 + 0.01 * day + 0.2 * s, rejected: s,
  }))).flat();
  const hourly = Array.from({ length: 48 }, (_, hour) => STATIONS.map((station, s) => ({
    hour, station, requests: 40 + hour, served: 40 + hour, p50Ms: 20, p99Ms: 90, utilisation: 0.05 + 0.005 * hour + 0.2 * s, rejected: 0,
    meanWaitMs: 1.5, waitedShare: 0.1, meanQueue: 0.25 * s + hour / 100, maxQueue: 3,
  }))).flat();
  // Only the rows are read by the panels; the summary is the shape run_cloud stores.
  return { summary: { seed: 1, horizonMs: days * 86_400_000, requests: 0, rejected: 0, stations: [], rollout: null }, daily, hourly } as unknown as NonNullable<RunResult['cloud']>;
}

export function grafanaRuns(tag: string): [RunResult, RunResult] {
  const a = fixtureRun({ runId: `grafana-${tag}-a.${process.pid}` });
  const b = fixtureRun({ runId: `grafana-${tag}-b.${process.pid}`, seed: 11, suite: 'mlkem1024-mldsa87-hybrid-aesgcm', handshakeCost: 1.35 });
  return [{ ...a, cloud: cloudFor(a.daily.length) }, { ...b, cloud: cloudFor(b.daily.length) }];
}
