import { describe, expect, it } from 'vitest';
import { meanInterval, pairedDifference, replicationSeed, replicationSeeds, tCdf, tQuantile } from '../../stats/index.ts';

describe('t distribution', () => {
  it('matches the printed table of two-sided 95 % quantiles', () => {
    // t(0.975, df) from any statistics table.
    for (const [df, t] of [[1, 12.7062], [2, 4.3027], [4, 2.7764], [9, 2.2622], [29, 2.0452], [120, 1.9799]] as const) {
      expect(tQuantile(0.975, df)).toBeCloseTo(t, 3);
    }
    expect(tCdf(0, 5)).toBeCloseTo(0.5, 12);
    expect(tCdf(-2.7764, 4)).toBeCloseTo(0.025, 4);
  });
});

describe('meanInterval', () => {
  it('agrees with a hand calculation', () => {
    // 2, 4, 6, 8: mean 5, s² = (9 + 1 + 1 + 9) / 3 = 20/3, s/√4 = 1.29099, t(0.975, 3) = 3.18245.
    const ci = meanInterval([2, 4, 6, 8]);
    expect(ci.mean).toBe(5);
    expect(ci.sd).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect(ci.lo).toBeCloseTo(5 - 3.18245 * 1.290994, 3);
    expect(ci.hi).toBeCloseTo(5 + 3.18245 * 1.290994, 3);
  });
  it('gives no interval for one observation rather than a zero-width one', () => {
    const ci = meanInterval([7]);
    expect(ci.mean).toBe(7);
    expect(ci.lo).toBeNaN();
  });
});

describe('pairedDifference', () => {
  it('is exactly 0 and not significant when nothing changes', () => {
    const d = pairedDifference([3, 5, 9], [3, 5, 9]);
    expect([d.mean, d.lo, d.hi]).toEqual([0, 0, 0]);
    expect(d.significant).toBe(false);
  });
  it('finds a shift that the unpaired spread would hide', () => {
    // Baselines spread over 100s, the variant is each one minus 1 ± 0.1.
    const base = [100, 250, 400, 175, 330];
    const variant = base.map((b, i) => b - 1 + [0.1, -0.1, 0.05, -0.05, 0][i]!);
    const d = pairedDifference(variant, base);
    expect(d.mean).toBeCloseTo(-1, 12);
    expect(d.significant).toBe(true);
    expect(d.hi).toBeLessThan(0);
  });
  it('refuses unmatched pairs', () => {
    expect(() => pairedDifference([1, 2], [1])).toThrow(/2 variant values against 1 baseline/);
  });
});

describe('replication seeds', () => {
  it('keeps the scenario seed for replication 1 and derives the rest deterministically', () => {
    expect(replicationSeed(42, 1)).toBe(42);
    expect(replicationSeeds(42, 3)).toEqual(replicationSeeds(42, 3));
    // Pinned: the documented derivation, first 47 bits of SHA-256("keytwin/replication/42/2").
    expect(replicationSeed(42, 2)).toBe(86661310586394);
    const s = replicationSeeds(42, 50);
    expect(new Set(s).size).toBe(50);
    for (const x of s) expect(Number.isSafeInteger(x) && (x as number) < 2 ** 47).toBe(true);
    expect(replicationSeed(43, 1)).not.toBe(replicationSeed(42, 2));
  });
});
