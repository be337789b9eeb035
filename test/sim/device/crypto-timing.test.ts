import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULT_PROFILE_FILE, defaultProfile, validateProfile, type Profile } from '../../../firmware/profiles/index.ts';
import { parseSuite } from '../../../firmware/index.ts';
import { createRng } from '../../../sim/engine/index.ts';
import { createCryptoTiming, suiteLevels, total, type SuiteLevels } from '../../../sim/device/index.ts';

const profile = defaultProfile();
/** The default profile with every implementation choice switched to its alternative. */
function referenceProfile(): Profile {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const j: Record<string, any> = JSON.parse(readFileSync(`firmware/profiles/${DEFAULT_PROFILE_FILE}`, 'utf8'));
  j.pqc.kemImplementation.v = 'reference';
  j.pqc.sigImplementation.v = 'reference';
  j.classical.x25519Implementation.v = 'optimised';
  return validateProfile(j, 'reference');
}
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

  it('sampled ML-DSA-44 signing time has mean ≈ base + E[N]·iter (104.9 ms) and p99 ≈ base + 18·iter', () => {
    const t = createCryptoTiming(profile, levels('mldsa44'));
    const rng = createRng(11).stream('sign');
    const xs = Array.from({ length: 40_000 }, () => t.sampleMs('mldsa.sign', rng)).sort((a, b) => a - b);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(t.nominalMs('mldsa.sign')).toBeCloseTo(5.32 + 23.43 / 0.2353, 9);
    expect(mean / (5.32 + 23.43 * 4.25)).toBeGreaterThan(0.98);
    expect(mean / (5.32 + 23.43 * 4.25)).toBeLessThan(1.02);
    const p99 = xs[Math.floor(0.99 * xs.length)]!;
    expect(p99).toBeGreaterThan(0.93 * (5.32 + 18 * 23.43));
    expect(p99).toBeLessThan(1.07 * (5.32 + 18 * 23.43));
    expect(xs[0]!).toBeGreaterThan(0.75 * (5.32 + 23.43)); // at least one iteration (jitter σ 0.05)
  });
});

describe('ML-DSA signing reproduces the measured spread (D1: ML-DSA-87, mldsa-native, N = 10,000)', () => {
  // D1: 185.17 ± 146.63 ms, CV 0.79; the fitted model's 99th percentile is base + 16·iter ≈ 0.72 s.
  const t = createCryptoTiming(profile, { kem: 'mlkem1024', sig: 'mldsa87', aead: 'aesgcm' });
  const rng = createRng(13).stream('d1');
  const xs = Float64Array.from({ length: 100_000 }, () => t.sampleMs('mldsa.sign', rng)).sort();
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));

  it('100,000 sampled signatures: mean within 1.5 % of 185.17 ms, CV within 0.76–0.82', () => {
    expect(Math.abs(mean / 185.17 - 1)).toBeLessThan(0.015);
    expect(sd / mean).toBeGreaterThan(0.76);
    expect(sd / mean).toBeLessThan(0.82);
  });

  it('p99 ≈ 0.72 s (within 6 %) and the tail is heavier than the pqm4-clean model (CV 0.57, R1.9)', () => {
    const p99 = xs[Math.floor(0.99 * xs.length)]!;
    expect(Math.abs(p99 / 723 - 1)).toBeLessThan(0.06);
    expect(sd / mean).toBeGreaterThan(0.57 + 0.15);
    // The 'reference' set keeps pqm4-clean's own split of base and iteration: a lighter tail.
    const ref = createCryptoTiming(referenceProfile(), { kem: 'mlkem1024', sig: 'mldsa87', aead: 'aesgcm' });
    const r = createRng(13).stream('d1');
    const ys = Array.from({ length: 20_000 }, () => ref.sampleMs('mldsa.sign', r));
    const m = ys.reduce((s, x) => s + x, 0) / ys.length;
    const cv = Math.sqrt(ys.reduce((s, x) => s + (x - m) ** 2, 0) / ys.length) / m;
    expect(cv).toBeGreaterThan(0.5);
    expect(cv).toBeLessThan(0.64);
  });
});

describe('implementation choices select the figure set', () => {
  it('the default is mlkem-native, mldsa-native and ESP-IDF mbedTLS X25519; the alternatives switch every figure', () => {
    const lv = suiteLevels(parseSuite('mlkem768-mldsa65-hybrid-aesgcm'));
    const d = createCryptoTiming(profile, lv);
    const r = createCryptoTiming(referenceProfile(), lv);
    expect([d.nominalMs('mlkem.decaps'), d.nominalMs('x25519.keygen'), d.nominalMs('x25519.shared'), d.nominalMs('mldsa.verify')]).toEqual([7.987, 88.8, 91.9, 25.28]);
    expect([r.nominalMs('mlkem.decaps'), r.nominalMs('x25519.keygen'), r.nominalMs('x25519.shared'), r.nominalMs('mldsa.verify')]).toEqual([15.27, 13.7, 15.6, 38.84]);
    expect(r.nominalMs('mldsa.sign')).toBeCloseTo(38.26 + 20.37 / 0.1961, 9);
  });
});

describe('createCryptoTiming', () => {
  const t = createCryptoTiming(profile, suiteLevels(parseSuite('mlkem768-mldsa65-hybrid-aesgcm')));

  it('nominal durations come from the profile', () => {
    expect(t.levels).toEqual({ kem: 'mlkem768', sig: 'mldsa65', aead: 'aesgcm' });
    expect(t.nominalMs('mlkem.decaps')).toBe(7.987);
    expect(t.nominalMs('x25519.keygen')).toBe(88.8);
    expect(t.nominalMs('x25519.shared')).toBe(91.9);
    expect(t.nominalMs('mldsa.verify')).toBe(25.28);
    expect(t.nominalMs('mcu.wake')).toBe(320);
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
    expect(t.nominalMs('ota.verify')).toBeCloseTo(25.28 + 1_400_000 / 22_000, 9);
    expect(() => t.nominalMs('aead.open')).toThrow('a size in bytes is required');
  });

  it('jitter is small and mean-preserving for constant-time work', () => {
    const rng = createRng(5).stream('kem');
    const xs = Array.from({ length: 20_000 }, () => t.sampleMs('mlkem.decaps', rng));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeCloseTo(7.987, 1);
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(sd / mean).toBeGreaterThan(0.008); // conf H (measured, median within 0.2 % of min): σ = 0.01
    expect(sd / mean).toBeLessThan(0.012);
  });

  it('same seed ⇒ the same durations; another seed ⇒ different ones', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed).stream('ops');
      return ['mcu.wake', 'x25519.keygen', 'mldsa.sign', 'se.sign', 'phone.message'].map((op) => t.sampleMs(op as 'mcu.wake', rng));
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('cost(op, d) charges the MCU at activeOneCore for crypto and the SE at its ECC current', () => {
    const c = t.cost('mlkem.decaps', 7.987);
    expect(c.charge.mcu).toBeCloseTo((65.9 * 7.987) / 1000, 12);
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

describe('key custody operations (firmware/key-store.ts)', () => {
  const se = profile.secureElement;
  const cls = profile.classical;
  // mlkem768 dk 2400 B + mldsa65 sk 4032 B (FIPS 203 / 204), the default suite's wrapped keys.
  const pq = createCryptoTiming(profile, suiteLevels(parseSuite('mlkem768-mldsa65-hybrid-aesgcm')));
  const classical = createCryptoTiming(profile, suiteLevels(parseSuite('classical-p256-aesgcm')));

  it('an SE HMAC is hmacCommands SHA commands at typicalOverMax of the maximum, and the KEK costs one', () => {
    const hmac = se.shaMax.value * se.typicalOverMax.value * se.hmacCommands.value;
    expect(pq.nominalMs('se.hmac')).toBeCloseTo(hmac, 9);
    expect(pq.nominalMs('keys.kek')).toBeCloseTo(hmac, 9);
    expect(hmac).toBeCloseTo(2 * 36 * 0.7, 9);
  });

  it('unwrap and wrap: one AES-GCM call per key plus 6,432 bytes at the profile rate; the wipe zeroes them and the KEK', () => {
    const gcm = 2 * cls.aeadCallOverhead.value + 6432 / cls.aesGcm.value;
    expect(pq.nominalMs('keys.unwrap')).toBeCloseTo(gcm, 9);
    expect(pq.nominalMs('keys.wrap')).toBeCloseTo(gcm, 9);
    expect(pq.nominalMs('keys.wipe')).toBeCloseTo((6432 + 32) / profile.mcu.memWipeRate.value, 9);
    const mlkem1024 = createCryptoTiming(profile, suiteLevels(parseSuite('mlkem1024-mldsa87-hybrid-aesgcm')));
    expect(mlkem1024.nominalMs('keys.unwrap')).toBeCloseTo(2 * cls.aeadCallOverhead.value + (3168 + 4896) / cls.aesGcm.value, 9);
  });

  it('keygen at provisioning: ML-KEM + ML-DSA keygen on the MCU; a classical suite generates P-256 in the SE', () => {
    expect(pq.nominalMs('keys.generate')).toBeCloseTo(pq.nominalMs('mlkem.keygen') + pq.nominalMs('mldsa.keygen'), 9);
    expect(classical.nominalMs('keys.generate')).toBeCloseTo(classical.nominalMs('se.genkey'), 9);
  });

  it('a classical suite has no wrapped keys: kek, unwrap, wrap and wipe cost nothing', () => {
    const rng = createRng(3).stream('keys');
    for (const op of ['keys.kek', 'keys.unwrap', 'keys.wrap', 'keys.wipe'] as const) {
      expect(classical.nominalMs(op)).toBe(0);
      expect(classical.sampleMs(op, rng)).toBe(0);
      expect(total(classical.cost(op, 0).charge)).toBe(0);
    }
  });

  it('the KEK derivation draws SE I/O current, the unwrap MCU compute current', () => {
    const kek = total(pq.cost('keys.kek', 10).charge);
    const unwrap = total(pq.cost('keys.unwrap', 10).charge);
    expect(kek).toBeGreaterThan(0);
    // One core computing draws more than the MCU waiting on an SE command.
    expect(unwrap).toBeGreaterThan(kek);
  });
});
