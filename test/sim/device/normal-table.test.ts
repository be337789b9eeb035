import { describe, expect, it } from 'vitest';
import { createRng } from '../../../sim/engine/index.ts';
import { NORMAL_TABLE, meanOneJitter, meanOneLognormal, normalCdf, standardNormal, tableNormal } from '../../../sim/device/index.ts';

const pdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
/** Exact Φ⁻¹ by bisection on normalCdf (checked against published values below). */
function quantile(u: number): number {
  let lo = -40;
  let hi = 40;
  for (let k = 0; k < 200 && hi - lo > 1e-15; k++) {
    const mid = 0.5 * (lo + hi);
    if (normalCdf(mid) < u) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Kolmogorov–Smirnov distance of a sample to a distribution function. */
function ks(sample: number[], cdf: (x: number) => number): number {
  const s = [...sample].sort((a, b) => a - b);
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const f = cdf(s[i]!);
    d = Math.max(d, f - i / s.length, (i + 1) / s.length - f);
  }
  return d;
}

const N = NORMAL_TABLE.steps;
const P_TAIL = NORMAL_TABLE.tailProbability;
/** 1 % critical value of the one-sample KS statistic. */
const ks1 = (n: number) => 1.63 / Math.sqrt(n);

describe('normalCdf', () => {
  it('matches published values of Φ to 1e-13 relative, in the body and deep in the tails', () => {
    const known: [number, number][] = [
      [0, 0.5],
      [1.959963984540054, 0.975],
      [-1, 0.15865525393145707],
      [-3, 0.0013498980316300946],
      [-5, 2.866515718791939e-7],
      [-8, 6.22096057427178e-16],
      [2.5, 0.9937903346742238],
    ];
    for (const [z, p] of known) expect(Math.abs(normalCdf(z) / p - 1)).toBeLessThan(1e-13);
  });
});

describe('tableNormal', () => {
  it('interpolates Φ⁻¹ within 1.1e-5 and Φ within 4.5e-7 over the body (checked at 8 points per step)', () => {
    let zErr = 0;
    let fErr = 0;
    const lo = P_TAIL * N;
    for (let i = lo; i < N - lo; i += 1) {
      for (let j = 1; j < 8; j++) {
        const u = (i + j / 8) / N;
        const z = tableNormal({ next: () => u });
        zErr = Math.max(zErr, Math.abs(z - quantile(u)));
        fErr = Math.max(fErr, Math.abs(normalCdf(z) - u));
      }
    }
    expect(zErr).toBeLessThan(1.1e-5);
    expect(fErr).toBeLessThan(4.5e-7);
    expect(zErr).toBeGreaterThan(0); // the check sees the interpolation, not the nodes only
  });

  it('is N(0, 1): KS over 200 000 draws, the tail mass beyond ±3 and ±4, mean and variance', () => {
    const rng = createRng(7).stream('normal');
    const n = 200_000;
    const z = Array.from({ length: n }, () => tableNormal(rng));
    expect(ks(z, normalCdf)).toBeLessThan(ks1(n));
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    for (const t of [3, 4]) {
      const p = 2 * normalCdf(-t);
      const seen = z.filter((x) => Math.abs(x) > t).length;
      expect(Math.abs(seen - n * p)).toBeLessThan(4 * Math.sqrt(n * p) + 1);
    }
    // The tails alone (|z| beyond the table) against the conditional normal: exact by construction.
    const a = -quantile(P_TAIL);
    const tail = z.filter((x) => x > a);
    const upper = 1 - normalCdf(a);
    expect(ks(tail, (x) => (normalCdf(x) - normalCdf(a)) / upper)).toBeLessThan(ks1(tail.length));
  });

  it('consumes exactly 1 uniform in the body and more only in the tails; standardNormal is the table', () => {
    for (const v of [P_TAIL, 0.3, 0.5, 0.7, 1 - P_TAIL - 1e-9]) {
      let calls = 0;
      const u = { next: () => (calls++ === 0 ? v : 0.5) };
      tableNormal(u);
      expect(calls).toBe(1);
    }
    let calls = 0;
    const u = { next: () => (calls++ === 0 ? P_TAIL / 2 : 0.01) };
    expect(tableNormal(u)).toBeLessThan(quantile(P_TAIL));
    expect(calls).toBeGreaterThan(1);
    const a = createRng(3).stream('s');
    const b = createRng(3).stream('s');
    for (let i = 0; i < 1000; i++) expect(standardNormal(a)).toBe(tableNormal(b));
  });
});

describe('meanOneLognormal', () => {
  const sigmas = [0.01, 0.03, 0.1, 0.3, 1];

  it('has mean 1 within 1e-10, by integrating the sampler (body quantile and exact tails) numerically', () => {
    for (const sigma of sigmas) {
      const t = meanOneLognormal(sigma);
      // Body: the interpolant is linear within each step, so the midpoint rule per step is exact.
      let body = 0;
      for (let i = P_TAIL * N; i < N - P_TAIL * N; i++) body += t.bodyQuantile((i + 0.5) / N) / N;
      // Tails: ∫ exp(σz − σ²/2) φ(z) dz beyond ±a, Simpson's rule on [a, a + 12].
      const a = -quantile(P_TAIL);
      const f = (z: number) => Math.exp(sigma * z - 0.5 * sigma * sigma) * pdf(z);
      const steps = 20_000;
      const h = 12 / steps;
      let tails = 0;
      for (let k = 0; k <= steps; k++) {
        const w = k === 0 || k === steps ? 1 : k % 2 === 1 ? 4 : 2;
        tails += ((w * h) / 3) * (f(a + k * h) + f(-a - k * h));
      }
      expect(Math.abs(body + tails - 1)).toBeLessThan(1e-10);
      expect(Math.abs(t.scale - 1)).toBeLessThan(1e-6);
    }
  });

  it('gives each body quantile within 1.5e-5·σ (relative) of the exact lognormal quantile', () => {
    for (const sigma of sigmas) {
      const t = meanOneLognormal(sigma);
      let rel = 0;
      for (let i = P_TAIL * N; i < N - P_TAIL * N; i++) {
        for (const j of [0.25, 0.5, 0.75]) {
          const u = (i + j) / N;
          rel = Math.max(rel, Math.abs(t.bodyQuantile(u) / Math.exp(sigma * quantile(u) - 0.5 * sigma * sigma) - 1));
        }
      }
      expect(rel).toBeLessThan(1.5e-5 * sigma);
    }
  });

  it('matches the exact lognormal: median to 2e-5, p1 / p99 / sd to sampling error, KS over 200 000 draws', () => {
    for (const sigma of sigmas) {
      const t = meanOneLognormal(sigma);
      const exact = (u: number) => Math.exp(sigma * quantile(u) - 0.5 * sigma * sigma);
      expect(Math.abs(t.bodyQuantile(0.5) / exact(0.5) - 1)).toBeLessThan(2e-5 * sigma);
      const rng = createRng(11).stream('lognormal', Math.round(sigma * 100));
      const n = 200_000;
      const x = Array.from({ length: n }, () => t.draw(rng));
      const s = [...x].sort((p, q) => p - q);
      // Order-statistic quantiles: sd of the sample p-quantile is √(p(1−p)/n) / density.
      for (const p of [0.01, 0.5, 0.99]) {
        const q = exact(p);
        const density = pdf(quantile(p)) / (sigma * q);
        const tol = (4 * Math.sqrt((p * (1 - p)) / n)) / density;
        expect(Math.abs(s[Math.floor(p * n)]! - q)).toBeLessThan(tol);
      }
      const mean = x.reduce((p, q) => p + q, 0) / n;
      const sd = Math.sqrt(x.reduce((p, q) => p + (q - mean) ** 2, 0) / (n - 1));
      const sdExact = Math.sqrt(Math.expm1(sigma * sigma));
      expect(Math.abs(sd / sdExact - 1)).toBeLessThan(0.01 + 0.02 * sigma);
      expect(Math.abs(mean - 1)).toBeLessThan(4 * (sdExact / Math.sqrt(n)));
      expect(ks(x, (v) => normalCdf((Math.log(v) + 0.5 * sigma * sigma) / sigma))).toBeLessThan(ks1(n));
    }
  });

  it('meanOneJitter is the table sampler, and σ = 0 draws nothing', () => {
    const a = createRng(5).stream('j');
    const b = createRng(5).stream('j');
    const t = meanOneLognormal(0.05);
    for (let i = 0; i < 1000; i++) expect(meanOneJitter(a, 0.05)).toBe(t.draw(b));
    let calls = 0;
    expect(meanOneJitter({ next: () => (calls++, 0.5) }, 0)).toBe(1);
    expect(calls).toBe(0);
    expect(() => meanOneLognormal(-1)).toThrow(RangeError);
  });
});
