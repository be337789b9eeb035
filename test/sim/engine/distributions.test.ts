import { describe, expect, it } from 'vitest';
import {
  AliasTable,
  createRng,
  geometric,
  logGamma,
  poisson,
  sampler,
  specMean,
  validateDistributionSpec,
  type DistributionSpec,
} from '../../../sim/engine/index.ts';

/** Analytic variances, written independently of the implementation. */
const cases: { spec: DistributionSpec; variance: number }[] = [
  { spec: { dist: 'constant', value: 3 }, variance: 0 },
  { spec: { dist: 'uniform', min: 2, max: 8 }, variance: 36 / 12 },
  { spec: { dist: 'exponential', mean: 5 }, variance: 25 },
  { spec: { dist: 'normal', mean: -3, sd: 2 }, variance: 4 },
  { spec: { dist: 'lognormal', median: 8, sigma: 0.5 }, variance: (Math.exp(0.25) - 1) * Math.exp(2 * Math.log(8) + 0.25) },
  { spec: { dist: 'lognormal', mean: 10, cv: 0.3 }, variance: 9 },
  { spec: { dist: 'geometric', p: 0.25 }, variance: 0.75 / 0.0625 },
  { spec: { dist: 'triangular', min: 1, mode: 2, max: 6 }, variance: (1 + 4 + 36 - 2 - 6 - 12) / 18 },
  { spec: { dist: 'gamma', shape: 2.5, scale: 3 }, variance: 2.5 * 9 },
  { spec: { dist: 'gamma', shape: 0.4, scale: 2 }, variance: 0.4 * 4 },
  { spec: { dist: 'weibull', shape: 1.5, scale: 2 }, variance: 4 * (Math.exp(logGamma(1 + 2 / 1.5)) - Math.exp(logGamma(1 + 1 / 1.5)) ** 2) },
  { spec: { dist: 'poisson', mean: 3.5 }, variance: 3.5 },
  { spec: { dist: 'poisson', mean: 40 }, variance: 40 },
  { spec: { dist: 'bernoulli', p: 0.3 }, variance: 0.21 },
  { spec: { dist: 'empirical', values: [1, 2, 10], weights: [1, 2, 1] }, variance: (1 + 8 + 100) / 4 - (15 / 4) ** 2 },
  { spec: { dist: 'cdf', points: [[0, 0], [1, 0.5], [3, 1]] }, variance: 0.5 / 3 + (0.25 * (27 - 1)) / 3 - 1.25 ** 2 },
];

describe('distributions', () => {
  for (const { spec, variance } of cases) {
    it(`sampler(${JSON.stringify(spec)}): mean and variance match the analytic moments`, () => {
      const draw = sampler(spec);
      const rng = createRng(`moments:${JSON.stringify(spec)}`);
      const n = 100_000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = draw(rng);
        s += x;
        s2 += x * x;
      }
      const mean = s / n;
      const v = s2 / n - mean * mean;
      const want = specMean(spec);
      // 5 standard errors: a false alarm has probability < 1e-6 per check.
      expect(Math.abs(mean - want)).toBeLessThanOrEqual(5 * Math.sqrt(variance / n) + 1e-12);
      if (variance === 0) expect(v).toBeCloseTo(0, 12);
      else expect(Math.abs(v / variance - 1)).toBeLessThan(0.05);
    });
  }

  it('specMean agrees with textbook means', () => {
    expect(specMean({ dist: 'lognormal', median: 8, sigma: 0.5 })).toBeCloseTo(8 * Math.exp(0.125), 12);
    expect(specMean({ dist: 'lognormal', mean: 10, cv: 0.3 })).toBeCloseTo(10, 12);
    expect(specMean({ dist: 'weibull', shape: 1, scale: 3 })).toBeCloseTo(3, 10);
    expect(Math.exp(logGamma(5))).toBeCloseTo(24, 10);
    expect(Math.exp(logGamma(0.5))).toBeCloseTo(Math.sqrt(Math.PI), 12);
  });

  it('geometric(p) on {1, 2, ...} passes a chi-square goodness-of-fit test (p = 1/4.25, FIPS 204 ML-DSA-44)', () => {
    const p = 1 / 4.25;
    const n = 100_000;
    const rng = createRng('geometric');
    const maxBin = 20; // bins 1..19 and a tail bin ≥ 20
    const observed = new Array<number>(maxBin + 1).fill(0);
    let below1 = 0;
    for (let i = 0; i < n; i++) {
      const k = geometric(rng, p);
      if (k < 1 || !Number.isInteger(k)) below1++;
      observed[Math.min(k, maxBin)]!++;
    }
    expect(below1).toBe(0);
    let chi = 0;
    for (let k = 1; k <= maxBin; k++) {
      const prob = k < maxBin ? (1 - p) ** (k - 1) * p : (1 - p) ** (maxBin - 1);
      const expected = n * prob;
      chi += (observed[k]! - expected) ** 2 / expected;
    }
    // 19 degrees of freedom: P(χ² > 43.82) = 0.001.
    expect(chi).toBeLessThan(43.82);
    // And it is sensitive: the same counts are far off for a geometric on {0, 1, ...}.
    let chiShifted = 0;
    for (let k = 1; k < maxBin; k++) {
      const expected = n * (1 - p) ** k * p;
      chiShifted += (observed[k]! - expected) ** 2 / expected;
    }
    expect(chiShifted).toBeGreaterThan(1000);
  });

  it('poisson(mean) for large means stays unbiased (PTRS branch)', () => {
    const rng = createRng('poisson');
    let s = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) s += poisson(rng, 1000);
    expect(Math.abs(s / n - 1000)).toBeLessThan(5 * Math.sqrt(1000 / n));
  });

  it('AliasTable samples each index in proportion to its weight, and never a zero-weight one', () => {
    const table = new AliasTable([0, 5, 1, 0, 4]);
    const rng = createRng('alias');
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[table.sample(rng)]!++;
    expect(counts[0]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(counts[1]! / 1e5).toBeCloseTo(0.5, 2);
    expect(counts[2]! / 1e5).toBeCloseTo(0.1, 2);
    expect(counts[4]! / 1e5).toBeCloseTo(0.4, 2);
  });

  it('same seed ⇒ same variates', () => {
    const draw = sampler({ dist: 'gamma', shape: 0.7, scale: 1 });
    const a = createRng(11);
    const b = createRng(11);
    expect(Array.from({ length: 100 }, () => draw(a))).toEqual(Array.from({ length: 100 }, () => draw(b)));
  });
});

describe('validateDistributionSpec', () => {
  it('accepts valid specs', () => {
    for (const { spec } of cases) expect(validateDistributionSpec(spec)).toEqual([]);
  });

  it('names the field path, the expectation and the value for each problem', () => {
    expect(validateDistributionSpec({ dist: 'lognormal', median: -1, sigma: 0.5 }, 'fleet.unlockGapMin')).toEqual([
      'fleet.unlockGapMin.median: expected a number > 0, got -1',
    ]);
    expect(validateDistributionSpec({ dist: 'lognormal', median: 8, cv: 0.5 }, 's')).toEqual([
      "s: 'lognormal' expects the fields { median, sigma | or | mean, cv }, got { median, cv }",
    ]);
    expect(validateDistributionSpec({ dist: 'poison', mean: 1 }, 's')[0]).toMatch(/^s\.dist: expected one of constant, uniform, .*, got "poison"$/);
    expect(validateDistributionSpec(5, 'x')).toEqual(["x: expected a distribution object like { dist: 'exponential', mean: 5 }, got 5"]);
    expect(validateDistributionSpec({ dist: 'uniform', min: 3, max: 1 }, 'u')).toEqual(['u.max: expected a number > min (3), got 1']);
    expect(validateDistributionSpec({ dist: 'geometric', p: 0 }, 'g')).toEqual(['g.p: expected a probability in (0, 1], got 0']);
    expect(validateDistributionSpec({ dist: 'exponential', mean: '5' }, 'e')).toEqual(['e.mean: expected a number > 0, got "5"']);
    expect(validateDistributionSpec({ dist: 'empirical', values: [1, 2], weights: [1, -1] }, 'm')).toEqual([
      'm.weights[1]: expected a finite number ≥ 0, got -1',
    ]);
    expect(validateDistributionSpec({ dist: 'cdf', points: [[0, 0], [0, 0.5], [2, 0.9]] }, 'c')).toEqual([
      'c.points[1][0]: expected x > 0 (x strictly increasing), got 0',
    ]);
    expect(validateDistributionSpec({ dist: 'cdf', points: [[0, 0], [1, 0.5], [2, 0.9]] }, 'c')).toEqual([
      'c.points[2][1]: expected p = 1 (the CDF ends at 1), got 0.9',
    ]);
  });

  it('sampler(bad spec) throws every problem', () => {
    expect(() => sampler({ dist: 'gamma', shape: 0, scale: -1 }, 'cell.capacity')).toThrow(
      'invalid distribution:\n  cell.capacity.shape: expected a number > 0, got 0\n  cell.capacity.scale: expected a number > 0, got -1',
    );
  });
});
