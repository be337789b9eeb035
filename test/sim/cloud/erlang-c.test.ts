import { describe, expect, it } from 'vitest';
import { erlangC, simulateCloud, tQuantile975, batchRatio } from '../../../sim/cloud/index.ts';
import { constantActivity, idleConfig, station } from './helpers.ts';

describe('erlangC', () => {
  it('matches textbook values: M/M/1 and M/M/2', () => {
    // M/M/1: P(wait) = ρ, W_q = ρ / (μ − λ).
    const one = erlangC(1, 0.8 / 100, 100);
    expect(one.pWait).toBeCloseTo(0.8, 12);
    expect(one.meanWaitMs).toBeCloseTo(400, 9);
    // M/M/2 with a = 1 (ρ = 0.5): C = 1/3, W_q = C / (2μ − λ) = (1/3) / (1/100) ms.
    const two = erlangC(2, 1 / 100, 100);
    expect(two.pWait).toBeCloseTo(1 / 3, 12);
    expect(two.meanWaitMs).toBeCloseTo(100 / 3, 9);
  });

  it('refuses an overloaded station', () => {
    expect(() => erlangC(2, 2 / 100, 100)).toThrow(/ρ = 1 must be < 1/);
  });
});

describe('tQuantile975 and batchRatio', () => {
  it('gives Student t quantiles to 3 decimals', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(23)).toBeCloseTo(2.069, 2);
    expect(tQuantile975(1000)).toBeCloseTo(1.962, 2);
  });
  it('is the pooled ratio, with an interval that narrows as batches agree', () => {
    const r = batchRatio([10, 20, 30], [1, 2, 3]);
    expect(r.value).toBe(10);
    expect(r.hi - r.lo).toBeCloseTo(0, 12);
    const spread = batchRatio([5, 25, 30], [1, 2, 3]);
    expect(spread.lo).toBeLessThan(spread.value);
  });
});

describe('simulateCloud against Erlang C (M/M/c)', () => {
  // Telemetry station: Poisson arrivals (one upload per unlock), exponential service, c = 3, ρ = 0.75.
  const c = 3;
  const serviceMs = 1000;
  const perMinute = 135; // λ = 2.25/s
  const cfg = idleConfig();
  cfg.stations.telemetry = station(c, serviceMs);
  const activity = constantActivity(24 * 60, { unlocks: perMinute, wakes: 1 });
  const result = simulateCloud(activity, cfg, 7, { stations: ['telemetry'] });
  const t = result.summary.stations[0]!;
  const theory = erlangC(c, perMinute / 60_000, serviceMs);

  it('sees about λ·T Poisson arrivals and the offered utilisation ρ', () => {
    const expected = perMinute * 24 * 60;
    expect(Math.abs(t.requests - expected)).toBeLessThan(4 * Math.sqrt(expected));
    expect(t.offeredUtilisation).toBeCloseTo(0.75, 6);
    expect(t.utilisation).toBeGreaterThan(0.72);
    expect(t.utilisation).toBeLessThan(0.78);
    expect(t.requests).toBe(t.served + t.rateLimited + t.queueFull + t.queuedAtEnd);
  });

  it('reproduces the analytic mean wait within the run’s 95 % interval', () => {
    expect(t.waitMs.lo).toBeLessThan(theory.meanWaitMs);
    expect(t.waitMs.hi).toBeGreaterThan(theory.meanWaitMs);
    // The interval is informative: a wrong model (4 servers, or 2) lies outside it.
    expect(erlangC(4, perMinute / 60_000, serviceMs).meanWaitMs).toBeLessThan(t.waitMs.lo);
    expect((t.waitMs.hi - t.waitMs.lo) / theory.meanWaitMs).toBeLessThan(0.25);
  });

  it('reproduces P(wait) (Erlang C) within the run’s 95 % interval', () => {
    expect(t.pWait.lo).toBeLessThan(theory.pWait);
    expect(t.pWait.hi).toBeGreaterThan(theory.pWait);
    expect(erlangC(4, perMinute / 60_000, serviceMs).pWait).toBeLessThan(t.pWait.lo);
  });

  it('reproduces the mean queue length λ·W_q to within 10 %', () => {
    expect(Math.abs(t.meanQueue - theory.meanQueue) / theory.meanQueue).toBeLessThan(0.1);
  });

  it('gives 95 % intervals that cover the analytic mean wait in about 95 % of independent runs', () => {
    let covered = 0;
    const runs = 20;
    for (let seed = 100; seed < 100 + runs; seed++) {
      const r = simulateCloud(constantActivity(12 * 60, { unlocks: perMinute, wakes: 1 }), cfg, seed, { stations: ['telemetry'] }).summary.stations[0]!;
      if (r.waitMs.lo <= theory.meanWaitMs && theory.meanWaitMs <= r.waitMs.hi) covered++;
    }
    // Binomial(20, 0.95): P(covered <= 15) < 2 %; an interval that is too narrow (or biased) fails.
    expect(covered).toBeGreaterThanOrEqual(16);
  });
});
