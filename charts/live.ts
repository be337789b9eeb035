/**
 * Charts of a run in progress, from its latest LiveSnapshot: the same chart functions as a
 * finished run, fed with percentiles computed from the snapshot's samples (no CI yet: lo = hi).
 * @module
 */
import type { Estimate, Percentiles } from '../results/index.ts';
import type { LiveSnapshot } from '../results/index.ts';
import type { ChartSpec } from './chart-spec.ts';
import { batteryLifeHistogram } from './battery-life.ts';
import { quantileSorted } from './format.ts';
import { latencyDistributions } from './latency.ts';
import { socOverTime } from './soc-over-time.ts';

function est(sorted: number[], q: number): Estimate {
  const v = quantileSorted(sorted, q);
  return { value: v, lo: v, hi: v };
}

function percentiles(sorted: number[]): Percentiles {
  return {
    count: sorted.length, mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    p50: quantileSorted(sorted, 0.5), p95: quantileSorted(sorted, 0.95), p99: quantileSorted(sorted, 0.99),
  };
}

export function liveCharts(s: LiveSnapshot): ChartSpec[] {
  const life = [...(s.lifeDays ?? [])].sort((a, b) => a - b);
  const unlock = [...(s.unlockLatencyMs ?? [])].sort((a, b) => a - b);
  const hs = [...(s.handshakeLatencyMs ?? [])].sort((a, b) => a - b);
  const lastDay = s.daily?.[s.daily.length - 1];
  const fleet = (k: 'unlocks' | 'handshakes') => (s.daily ?? []).reduce((a, d) => a + d[k], 0);
  const depleted = lastDay ? Math.max(0, s.devices - lastDay.alive) : 0;
  return [
    batteryLifeHistogram({
      lifeDays: life,
      devices: s.devices,
      battery: {
        depleted, censored: s.devices - depleted, finalSocMean: lastDay?.socP50 ?? NaN,
        lifeDays: { p5: est(life, 0.05), p50: est(life, 0.5), p95: est(life, 0.95), mean: life.reduce((a, b) => a + b, 0) / Math.max(1, life.length) },
      },
    }),
    // Counts are the fleet's (its daily rows), not the size of the traced devices' latency sample;
    // without a sample there are no percentiles to show, so the kind is left out (count 0).
    latencyDistributions({ unlockMs: unlock, handshakeMs: hs, unlock: { ...percentiles(unlock), count: unlock.length ? fleet('unlocks') : 0 }, handshake: { ...percentiles(hs), count: hs.length ? fleet('handshakes') : 0 } }),
    socOverTime({ daily: s.daily ?? [], samples: [] }),
  ];
}
