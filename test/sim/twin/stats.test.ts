import { describe, expect, it } from 'vitest';
import { quantileWithCi } from '../../../sim/twin/quantiles.ts';
import { hourlyRates, nextArrival } from '../../../sim/twin/diurnal.ts';
import { DIURNAL_PRESETS } from '../../../scenarios/index.ts';

/** A small deterministic uniform source (LCG) so these tests do not depend on sim/engine. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return { next: () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) };
}

describe('quantileWithCi', () => {
  it('brackets the median of a uniform sample and narrows with n', () => {
    const small = Float64Array.from({ length: 101 }, (_, i) => i);
    const large = Float64Array.from({ length: 10_001 }, (_, i) => i / 100);
    const s = quantileWithCi(small, 0.5);
    const l = quantileWithCi(large, 0.5);
    expect(s.value).toBe(50);
    expect(s.lo).toBeLessThan(50);
    expect(s.hi).toBeGreaterThan(50);
    expect((l.hi - l.lo) / 100).toBeLessThan((s.hi - s.lo) / 100);
  });
});

describe('nextArrival', () => {
  it('reproduces the daily mean and puts no arrivals in zero-weight hours', () => {
    const weights: number[] = [...DIURNAL_PRESETS.office!];
    weights[3] = 0;
    const rates = hourlyRates(10, weights);
    const rng = lcg(11);
    let t = 0;
    let n = 0;
    let inHour3 = 0;
    const days = 2000;
    while ((t = nextArrival(t, rates, rng)) < days * 86_400_000) {
      n++;
      if (Math.floor((t % 86_400_000) / 3_600_000) === 3) inHour3++;
    }
    expect(inHour3).toBe(0);
    // Poisson: sd of the total is sqrt(20000) ≈ 141, so ±3 % is > 4 sd.
    expect(n / days).toBeGreaterThan(9.7);
    expect(n / days).toBeLessThan(10.3);
  });

  it('returns Infinity when every hour has rate 0', () => {
    expect(nextArrival(0, new Float64Array(24), lcg(1))).toBe(Infinity);
  });
});
