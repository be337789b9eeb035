import { describe, expect, it } from 'vitest';
import { Level, Tally, createEnvironment, createRng, lognormal, normal } from '../../../sim/engine/index.ts';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

describe('Tally', () => {
  it('count, mean, variance are exact; quantiles within relative error alpha', () => {
    const rng = createRng('tally');
    const t = new Tally(0.01);
    const xs: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const x = i % 10 === 0 ? 0 : i % 7 === 0 ? -lognormal(rng, 0, 1) : lognormal(rng, 1, 1.5);
      xs.push(x);
      t.add(x);
    }
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    expect(t.count).toBe(50_000);
    expect(t.mean).toBeCloseTo(mean, 9);
    expect(t.variance / variance).toBeCloseTo(1, 9);
    const sorted = [...xs].sort((a, b) => a - b);
    expect(t.min).toBe(sorted[0]);
    expect(t.max).toBe(sorted[sorted.length - 1]);
    for (const q of [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const want = exactQuantile(sorted, q);
      const got = t.quantile(q);
      expect(Math.abs(got - want)).toBeLessThanOrEqual(0.01 * Math.abs(want) + 1e-12);
    }
  });

  it('merge() equals one tally over all observations', () => {
    const rng = createRng(5);
    const all = new Tally();
    const parts = [new Tally(), new Tally(), new Tally()];
    for (let i = 0; i < 9000; i++) {
      const x = normal(rng, 100, 30);
      all.add(x);
      parts[i % 3]!.add(x);
    }
    const merged = new Tally();
    for (const p of parts) merged.merge(p);
    expect(merged.count).toBe(all.count);
    expect(merged.mean).toBeCloseTo(all.mean, 10);
    expect(merged.variance).toBeCloseTo(all.variance, 8);
    for (const q of [0.05, 0.5, 0.95]) expect(merged.quantile(q)).toBe(all.quantile(q));
    expect(() => merged.merge(new Tally(0.1))).toThrow(/alpha/);
  });

  it('empty tally gives NaN and bad input is rejected', () => {
    const t = new Tally();
    expect(t.mean).toBeNaN();
    expect(t.quantile(0.5)).toBeNaN();
    expect(() => t.add(NaN)).toThrow(/finite number, got NaN/);
    expect(() => t.quantile(2)).toThrow(/q in \[0, 1\], got 2/);
  });
});

describe('Level', () => {
  it('time-weighted average and variance of a step function', () => {
    const env = createEnvironment();
    const level = new Level(env, 2);
    env.schedule(10, 0, 0, 6);
    env.schedule(15, 0, 0, 0);
    env.run(20, (_k, _t, v) => level.set(v));
    // 2 for 10 ms, 6 for 5 ms, 0 for 5 ms: mean (20 + 30) / 20 = 2.5
    expect(level.timeAverage).toBe(2.5);
    expect(level.integral).toBe(50);
    // E[x²] = (40 + 180) / 20 = 11 → variance 11 − 6.25
    expect(level.timeVariance).toBeCloseTo(4.75, 12);
    expect([level.min, level.max, level.current]).toEqual([0, 6, 0]);
  });
});
