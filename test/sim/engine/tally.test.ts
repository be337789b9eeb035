import { describe, expect, it } from 'vitest';
import * as d3 from 'd3';
import { Tally, createRng, lognormal, normal } from '../../../sim/engine/index.ts';


describe('Tally', () => {
  it('count, mean, min and max are exact; quantiles within 0.5 % of d3.quantile', () => {
    const rng = createRng('tally');
    const t = new Tally();
    const xs: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const x = i % 10 === 0 ? 0.5 : lognormal(rng, 1, 1.5);
      xs.push(x);
      t.add(x);
    }
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(t.count).toBe(50_000);
    expect(t.mean).toBeCloseTo(mean, 5);
    const sorted = [...xs].sort((a, b) => a - b);
    expect(t.min).toBe(sorted[0]);
    expect(t.max).toBe(sorted[sorted.length - 1]);
    for (const q of [0.01, 0.05, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const want = d3.quantileSorted(sorted, q)!;
      expect(Math.abs(t.quantile(q) / want - 1)).toBeLessThan(0.0051);
    }
  });

  it('merge() in any order equals one tally over all observations, bit for bit', () => {
    const rng = createRng(5);
    const all = new Tally();
    const parts = [new Tally(), new Tally(), new Tally()];
    for (let i = 0; i < 9000; i++) {
      const x = Math.abs(normal(rng, 100, 30));
      all.add(x);
      parts[i % 3]!.add(x);
    }
    const a = new Tally();
    for (const p of parts) a.merge(p);
    const b = new Tally();
    for (const p of [...parts].reverse()) b.merge(p);
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(all.toJSON()));
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(all.toJSON()));
    expect([a.mean, a.min, a.max]).toEqual([all.mean, all.min, all.max]);
    for (const q of [0.05, 0.5, 0.95]) expect(a.quantile(q)).toBe(all.quantile(q));
    expect(() => a.merge(new Tally(1e3))).toThrow(/bin layouts differ/);
  });

  it('agrees with d3.quantile exactly on exact data (values at bin centres), ties and small n included', () => {
    const rng = createRng('centres');
    // Bin centres as the sketch reports them: 1e-3 · 1.01^(i − 0.5).
    const centre = (i: number) => 1e-3 * Math.pow(1.01, i - 0.5);
    for (const n of [1, 2, 3, 7, 100, 1001]) {
      const t = new Tally();
      const xs = Array.from({ length: n }, () => centre(1 + Math.floor(rng.next() * 1500)));
      for (const x of xs) t.add(x);
      for (const q of [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1]) expect(t.quantile(q), `n=${n} q=${q}`).toBe(d3.quantile(xs, q));
    }
  });

  it('survives a trip through JSON (worker messages)', () => {
    const t = new Tally();
    for (const x of [3, 1, 4, 1, 5, 9, 2, 6]) t.add(x);
    const back = Tally.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect([back.count, back.mean, back.min, back.max, back.quantile(0.5)]).toEqual([t.count, t.mean, t.min, t.max, t.quantile(0.5)]);
  });

  it('empty tally gives NaN and bad input is rejected', () => {
    const t = new Tally();
    expect([t.mean, t.min, t.max, t.quantile(0.5)]).toEqual([NaN, NaN, NaN, NaN]);
    expect(() => t.add(NaN)).toThrow(/finite number ≥ 0, got NaN/);
    expect(() => t.add(-1)).toThrow(/≥ 0, got -1/);
    expect(() => t.quantile(2)).toThrow(/q in \[0, 1\], got 2/);
  });
});
