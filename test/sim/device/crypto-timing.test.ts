import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../../firmware/profiles/index.ts';
import { parseSuite } from '../../../firmware/index.ts';
import { createRng } from '../../../sim/engine/index.ts';
import { createCryptoTiming, suiteLevels, total, type SuiteLevels } from '../../../sim/device/index.ts';

const profile = defaultProfile();
const levels = (sig: 'mldsa44' | 'mldsa65' | 'mldsa87'): SuiteLevels => ({ kem: 'mlkem768', sig, aead: 'aesgcm' });

/** Chi-square statistic of counts of N = 1..K−1 and N ≥ K against Geometric(p). */
function chiSquare(samples: readonly number[], p: number, K: number): number {
  const observed = new Array<number>(K).fill(0);
  for (const n of samples) observed[Math.min(n, K) - 1]!++;
  let chi = 0;
  for (let k = 1; k <= K; k++) {
    const prob = k < K ? p * (1 - p) ** (k - 1) : (1 - p) ** (K - 1);
    const expected = prob * samples.length;
    chi += (observed[k - 1]! - expected) ** 2 / expected;
  }
  return chi;
}
// Chi-square critical value at α = 0.001 with 15 degrees of freedom (16 bins − 1).
const CHI2_15_999 = 37.697;

describe('ML-DSA signing iterations', () => {
  for (const [sig, expectedN] of [['mldsa44', 4.25], ['mldsa65', 5.1], ['mldsa87', 3.85]] as const) {
    it(`${sig}: N ~ Geometric(1/${expectedN}) passes a chi-square test (20,000 draws, 16 bins)`, () => {
      const t = createCryptoTiming(profile, levels(sig));
      const rng = createRng(7).stream('mldsa', Math.round(expectedN * 100));
      const ns = Array.from({ length: 20_000 }, () => t.signIterations(rng));
      const p = 1 / expectedN;
      expect(chiSquare(ns, p, 16)).toBeLessThan(CHI2_15_999);
      expect(ns.every((n) => Number.isInteger(n) && n >= 1)).toBe(true);
      // The test has power: the same draws are rejected against another level's p.
      const other = expectedN === 5.1 ? 1 / 3.85 : 1 / 5.1;
      expect(chiSquare(ns, other, 16)).toBeGreaterThan(CHI2_15_999);
    });
  }

  it('sampled ML-DSA-44 signing time has mean ≈ base + E[N]·iter (92.3 ms) and p99 ≈ base + 18·iter', () => {
    const t = createCryptoTiming(profile, levels('mldsa44'));
    const rng = createRng(11).stream('sign');
    const xs = Array.from({ length: 40_000 }, () => t.sampleMs('mldsa.sign', rng)).sort((a, b) => a - b);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(t.nominalMs('mldsa.sign')).toBeCloseTo(22.2 + 16.5 / 0.2353, 9);
    expect(mean / (22.2 + 16.5 * 4.25)).toBeGreaterThan(0.98);
    expect(mean / (22.2 + 16.5 * 4.25)).toBeLessThan(1.02);
    const p99 = xs[Math.floor(0.99 * xs.length)]!;
    expect(p99).toBeGreaterThan(0.93 * (22.2 + 18 * 16.5));
    expect(p99).toBeLessThan(1.07 * (22.2 + 18 * 16.5));
    expect(xs[0]!).toBeGreaterThan(0.75 * (22.2 + 16.5)); // at least one iteration (jitter σ 0.05)
  });
});

describe('createCryptoTiming', () => {
  const t = createCryptoTiming(profile, suiteLevels(parseSuite('mlkem768-mldsa65-hybrid-aesgcm')));

  it('nominal durations come from the profile', () => {
    expect(t.levels).toEqual({ kem: 'mlkem768', sig: 'mldsa65', aead: 'aesgcm' });
    expect(t.nominalMs('mlkem.decaps')).toBe(16.2);
    expect(t.nominalMs('x25519.shared')).toBe(13);
    expect(t.nominalMs('mldsa.verify')).toBe(39.4);
    expect(t.nominalMs('hkdf')).toBe(0.2);
    expect(t.nominalMs('aead.seal', 1000)).toBeCloseTo(0.05 + 1000 / 3000, 12);
    expect(t.nominalMs('phone.mlkem.encaps')).toBe(0.19);
  });

  it('secure-element commands take typicalOverMax × the datasheet maximum and never exceed it', () => {
    expect(t.nominalMs('se.sign')).toBeCloseTo(0.7 * 115, 12);
    const rng = createRng(3).stream('se');
    for (let i = 0; i < 2000; i++) expect(t.sampleMs('se.ecdh', rng)).toBeLessThanOrEqual(75);
  });

  it('flash.write and ota.* scale with bytes (page program + amortised sector erase)', () => {
    const perByte = 0.7 / 256 + 45 / 4096;
    expect(t.nominalMs('flash.write', 4096)).toBeCloseTo(4096 * perByte, 9);
    expect(t.nominalMs('ota.apply')).toBeCloseTo(1_400_000 * perByte, 6);
    expect(t.nominalMs('ota.verify')).toBeCloseTo(39.4 + 1_400_000 / 22_000, 9);
    expect(() => t.nominalMs('aead.open')).toThrow('a size in bytes is required');
  });

  it('jitter is small and mean-preserving for constant-time work', () => {
    const rng = createRng(5).stream('kem');
    const xs = Array.from({ length: 20_000 }, () => t.sampleMs('mlkem.decaps', rng));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeCloseTo(16.2, 1);
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(sd / mean).toBeGreaterThan(0.025); // conf M: σ = 0.03
    expect(sd / mean).toBeLessThan(0.035);
  });

  it('same seed ⇒ the same durations; another seed ⇒ different ones', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed).stream('ops');
      return ['mcu.wake', 'accel.detect', 'mldsa.sign', 'se.sign', 'phone.message'].map((op) => t.sampleMs(op as 'mcu.wake', rng));
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('cost(op, d) charges the MCU at activeOneCore for crypto and the SE at its ECC current', () => {
    const c = t.cost('mlkem.decaps', 16.2);
    expect(c.charge.mcu).toBeCloseTo((65.9 * 16.2) / 1000, 12);
    const s = t.cost('se.sign', 80.5);
    expect(s.charge.secureElement).toBeCloseTo((14 * 80.5) / 1000, 12);
    expect(s.charge.mcu).toBeCloseTo((47.6 * 80.5) / 1000, 12);
    expect(total(s.charge)).toBeGreaterThan(s.charge.mcu + s.charge.secureElement);
    expect(() => t.cost('phone.message' as 'hkdf', 5)).toThrow('runs on the phone');
  });

  it('a classical suite has no ML-KEM or ML-DSA and says so', () => {
    const c = createCryptoTiming(profile, suiteLevels(parseSuite('classical-p256-aesgcm')));
    expect(() => c.nominalMs('mlkem.decaps')).toThrow('mlkem.decaps is not available: a classical suite has no ML-KEM');
    expect(() => c.sampleMs('mldsa.sign', createRng(1))).toThrow('suite signature p256 is not ML-DSA (use se.sign / se.verify)');
    expect(c.nominalMs('se.sign')).toBeCloseTo(80.5, 12);
  });
});
